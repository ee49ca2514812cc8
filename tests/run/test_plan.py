from pathlib import Path

import pytest

from harness.config.suite import load_suite
from harness.errors import InputError, PromptError
from harness.run.plan import Selection, build_plan


def test_fans_out_tasks_cases_deployments_variants_samples(project: Path) -> None:
    p = load_suite(project)
    plan = build_plan(p, Selection(), "r")
    # intents: 12 test cases x 2 deployments; invoices: 6 cases x 3 deployments
    assert len(plan.cells) == 12 * 2 + 6 * 3
    assert len({c.key for c in plan.cells}) == len(plan.cells)
    plan2 = build_plan(p, Selection(tasks=["intents"], variants=["base", "fewshot"], repeats=3, limit=5), "r")
    assert len(plan2.cells) == 5 * 2 * 2 * 3
    fewshot = next(c for c in plan2.cells if c.variant == "fewshot")
    assert "-> billing" in fewshot.request.messages[0].content  # train examples reach the template


def test_claude_family_gets_its_template(project: Path) -> None:
    plan = build_plan(load_suite(project), Selection(tasks=["intents"]), "r")
    by_dep = {c.deployment: c.template.path for c in plan.cells}
    assert by_dep == {"alpha": "intents/claude.j2", "beta": "intents/default.j2"}


def test_modes_default_to_sim_without_credentials(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plan = build_plan(load_suite(project), Selection(), "r")
    assert plan.modes == {"alpha": "sim", "beta": "sim", "fallback-canned": "local"}
    assert plan.simulated and "SIMULATED" in plan.mode_note
    with pytest.raises(InputError, match="--mode live: deployment 'alpha' has no credentials in TINY_KEY"):
        build_plan(load_suite(project), Selection(mode="live"), "r")


def test_unknown_selection(project: Path) -> None:
    with pytest.raises(InputError, match="unknown task 'nope'"):
        build_plan(load_suite(project), Selection(tasks=["nope"]), "r")
    with pytest.raises(InputError, match="unknown deployment 'nope'"):
        build_plan(load_suite(project), Selection(deployments=["nope"]), "r")


def test_missing_variable_fails_before_any_call(project: Path) -> None:
    tmpl = project.parent.parent / "prompts" / "invoices" / "default.j2"
    tmpl.write_text("{% block user %}{{ documnet }}{% endblock %}")
    with pytest.raises(PromptError, match="undefined variable: 'documnet' is undefined"):
        build_plan(load_suite(project), Selection(), "r")


def test_cell_key_changes_only_where_the_template_changed(project: Path) -> None:
    def keys() -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for c in build_plan(load_suite(project), Selection(tasks=["intents"]), "r").cells:
            out.setdefault(c.deployment, set()).add(c.key)
        return out

    before = keys()
    tmpl = project.parent.parent / "prompts" / "intents" / "claude.j2"
    tmpl.write_text(tmpl.read_text().replace("one of", "pick one of"))
    after = keys()
    assert before["beta"] == after["beta"]
    assert not before["alpha"] & after["alpha"]
