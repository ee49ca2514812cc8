"""The prompt portability matrix on a suite whose answer is known: the simulated fleet reads `[[sim-degrade X]]` in a
rendered prompt as X less accuracy, so a template carrying it costs every model about X of its pass rate. Here
`default.j2` carries 0.3 and `gpt.j2` 0.5, `claude.j2` none: alpha (claude) gains about +30 pts from its own
template, beta (gpt) loses about 20, and every model does best on `claude.j2`."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

import harness
from harness.cli import app
from harness.report.data import build
from harness.report.render import render
from harness.run.launch import resume_run, start_run
from harness.run.plan import Selection
from tests.conftest import LABELS, intent_cases, write_dataset

MODELS = """
schema_version: 1
deployments:
  alpha:
    provider: anthropic
    model: alpha-1
    family: claude
    credentials_env: TINY_KEY
    sim: {accuracy: {classification: 0.95}, prompt_sensitivity: 0.1}
  beta:
    provider: openai
    model: beta-1
    family: gpt
    credentials_env: TINY_KEY
    sim: {accuracy: {classification: 0.9}, prompt_sensitivity: 0.1}
  gamma:
    provider: google
    model: gamma-1
    family: gemini
    credentials_env: TINY_KEY
    sim: {accuracy: {classification: 0.9}, prompt_sensitivity: 0.1}
"""
ROUTING = """
schema_version: 1
tasks:
  intents: {chain: [alpha, beta, gamma]}
"""
SUITE = """
schema_version: 1
name: port
{flag}tasks:
  intents:
    task_class: classification
    dataset: intents@1
    graders: [{{name: exact, args: {{ignore_punctuation: true}}}}]
"""
USER = "{% block user %}{{ text }} one of {{ labels | join(',') }}"
PROMPTS = {
    "default.j2": USER + " [[sim-degrade 0.3]]{% endblock %}\n",
    "gpt.j2": USER + " [[sim-degrade 0.5]]{% endblock %}\n",
    "claude.j2": USER + "{% endblock %}\n",
    "default.fewshot.j2": USER + " (few-shot){% endblock %}\n",
    "_part.j2": "{% block user %}partial{% endblock %}\n",
}


def make(root: Path, *, suite_flag: bool = False, cases: int = 120) -> Path:
    evals = root / "evals"
    evals.mkdir(parents=True)
    (evals / "models.yaml").write_text(textwrap.dedent(MODELS))
    (evals / "routing.yaml").write_text(textwrap.dedent(ROUTING))
    (evals / "port.yaml").write_text(textwrap.dedent(SUITE).format(flag="portability: true\n" if suite_flag else ""))
    write_dataset(root / "datasets", "intents", intent_cases(cases, train=0), {"text": "message"}, labels=LABELS)
    for name, body in PROMPTS.items():
        path = root / "prompts" / "intents" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body)
    return evals / "port.yaml"


@pytest.fixture(scope="module")
def ported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp("port")
    suite = make(root)
    r = CliRunner().invoke(app, ["run", str(suite), "--results-dir", str(root / "results"), "--no-report",
                                 "--portability", "--mode", "sim"])  # fmt: skip
    assert r.exit_code == 0, r.output
    run_id = harness.open(root / "results").latest()
    return root / "results", run_id


def test_the_plan_runs_every_family_template_once_per_deployment(tmp_path: Path) -> None:
    suite = make(tmp_path, cases=6)
    models = suite.parent / "models.yaml"  # a canned answer reads no prompt: it runs base only
    models.write_text(models.read_text() + "  delta:\n    provider: canned\n    response: billing\n")
    routing = suite.parent / "routing.yaml"
    routing.write_text(routing.read_text().replace("gamma]", "gamma, delta]"))
    result = start_run(suite, Selection(mode="sim", portability=True), results_dir=tmp_path / "results")
    seen = {(c.deployment, c.variant, c.template.path) for c in result.plan.cells}
    # alpha's own template (claude.j2) runs once, as base; its `prompt:claude` would be the same calls again
    assert {(v, t) for d, v, t in seen if d == "alpha"} == {
        ("base", "intents/claude.j2"),
        ("prompt:default", "intents/default.j2"),
        ("prompt:gpt", "intents/gpt.j2"),
    }
    # gamma (gemini) has no template of its own: base is default.j2, so `prompt:default` is dropped instead
    assert {(v, t) for d, v, t in seen if d == "gamma"} == {
        ("base", "intents/default.j2"),
        ("prompt:claude", "intents/claude.j2"),
        ("prompt:gpt", "intents/gpt.j2"),
    }
    assert {v for d, v, _ in seen if d == "delta"} == {"base"}
    assert len(result.plan.cells) == (3 * 3 + 1) * 6  # partials and named variants are not families' templates
    assert json.loads(result.journal.read_text().splitlines()[0])["selection"]["portability"] is True
    # a resume plans the same cells from the recorded selection (else its fingerprint would refuse it)
    resumed = resume_run(suite, result.run_id, results_dir=tmp_path / "results")
    assert resumed.status == "complete" and resumed.resumed == len(result.plan.cells)


def test_the_suite_flag_plans_the_same_variants(tmp_path: Path) -> None:
    flagged = start_run(make(tmp_path / "a", suite_flag=True, cases=3), Selection(mode="sim"),
                        results_dir=tmp_path / "a" / "results")  # fmt: skip
    asked = start_run(make(tmp_path / "b", cases=3), Selection(mode="sim", portability=True),
                      results_dir=tmp_path / "b" / "results")  # fmt: skip

    def variants(r: object) -> set[tuple[str, str]]:
        return {(c.deployment, c.variant) for c in r.plan.cells}  # type: ignore[attr-defined]

    assert variants(flagged) == variants(asked)
    gate = start_run(make(tmp_path / "c", suite_flag=True, cases=3), Selection(mode="sim", kind="gate"),
                     results_dir=tmp_path / "c" / "results")  # fmt: skip
    assert {c.variant for c in gate.plan.cells} == {"base"}  # the gate re-runs what its baseline holds


def test_the_gain_has_the_known_sign_and_size(ported: tuple[Path, str]) -> None:
    results, run_id = ported
    report = build(results, run_id)
    (task,) = report["portability"]
    assert task["templates"] == ["claude", "gpt", "default"]
    deps = {d["deployment"]: d for d in task["deployments"]}
    alpha, beta, gamma = deps["alpha"], deps["beta"], deps["gamma"]
    assert (alpha["own"], beta["own"], gamma["own"]) == ("claude", "gpt", "default")
    # alpha's own template lacks the 0.3 degradation of default.j2: about +30 pts, the interval above 0
    g = alpha["gain"]
    assert 0.18 < g["diff"] < 0.42 and g["ci"][0] > 0 and g["verdict"] == "pays"
    assert g["n"] == 120 and g["method"] == "t"
    # beta's own template degrades 0.2 more than default.j2: about -20 pts, the interval below 0
    assert -0.32 < beta["gain"]["diff"] < -0.08 and beta["gain"]["ci"][1] < 0 and beta["gain"]["verdict"] == "costs"
    assert gamma["gain"] is None  # no template of its own
    # every model passes most on claude.j2 (no marker) and least on gpt.j2 (the strongest)
    for d in task["deployments"]:
        rates = {t: c["pass_rate"] for t, c in d["cells"].items()}
        assert rates["claude"] > rates["default"] > rates["gpt"], d["deployment"]
        assert all(c["simulated"] and c["pass_ci"][0] < c["pass_rate"] < c["pass_ci"][1] for c in d["cells"].values())
    assert task["headline"].startswith("per-model prompts pay for: alpha +")
    assert "cost: beta -" in task["headline"] and task["headline"].endswith("on intents")


def test_the_gain_is_the_paired_difference_of_the_stored_passes(ported: tuple[Path, str]) -> None:
    """Recomputed from the database with harness.stats directly, not through the report's code."""
    from harness import stats

    results, run_id = ported
    db = harness.open(results)
    cells = db.cells(run=run_id, task="intents", deployment="alpha")
    own = cells[cells["variant"] == "base"].set_index("case_id")["passed"].astype(float)
    default = cells[cells["variant"] == "prompt:default"].set_index("case_id")["passed"].astype(float)
    cases = sorted(own.index)
    d = stats.paired_difference([default[c] for c in cases], [own[c] for c in cases])
    gains = db.portability(run_id, gains=True)
    row = gains[gains["deployment"] == "alpha"].iloc[0]
    assert row["diff"] == pytest.approx(d.diff) and row["ci_low"] == pytest.approx(d.ci.low)
    assert row["verdict"] == "pays" and row["own"] == "claude" and bool(row["simulated"])
    matrix = db.portability(run_id)
    assert len(matrix) == 9 and set(matrix["template"]) == {"claude", "gpt", "default"}
    assert matrix[matrix["own"]]["deployment"].tolist() == ["alpha", "beta", "gamma"]


def test_report_and_show_print_the_matrix(ported: tuple[Path, str]) -> None:
    results, run_id = ported
    report = build(results, run_id)
    html = render(report, "html")
    assert 'id="portability"' in html and "per-model prompts pay for: alpha +" in html
    assert 'data-deployment="beta"' in html and "claude.j2</th>" in html
    assert "per-model prompts pay for: alpha +" in render(report, "md")
    r = CliRunner().invoke(app, ["show", run_id, "--results-dir", str(results), "--portability"])
    assert r.exit_code == 0, r.output
    assert "default.j2" in r.output and "per-model prompts pay for: alpha +" in r.output
    assert " own" in r.output and "SIMULATED" in r.output


def test_a_run_without_portability_has_no_matrix(project: Path, tmp_path: Path) -> None:
    start_run(project, Selection(mode="sim", tasks=["intents"], limit=3), results_dir=tmp_path)
    assert build(tmp_path)["portability"] == []
    r = CliRunner().invoke(app, ["show", "latest", "--results-dir", str(tmp_path), "--portability"])
    assert r.exit_code == 0 and "harness run --portability" in r.output
