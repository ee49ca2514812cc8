"""harness/run/grading.py: grading one cell (async judges, slow graders in a thread), combining grades, judges as
providers of the run (modes, self-preference), and what resume and the gate compare."""

from __future__ import annotations

import asyncio
import json
import threading
from pathlib import Path

import pytest

from harness.config.suite import load_suite
from harness.errors import GraderError, InputError
from harness.gate import changes
from harness.graders import BuiltGrader, Sample, Score
from harness.run import grading, modes
from harness.run.launch import make_providers
from harness.run.plan import Selection, build_plan
from harness.run.runner import Runner, RunOptions
from harness.store.journal import JournalWriter, read_records
from harness.types import Grade
from tests.judged import add_judges


def tg(
    fn: object, *, is_async: bool = False, slow: bool = False, gid: str = "g", weight: float = 1.0
) -> grading.TaskGrader:
    return grading.TaskGrader(BuiltGrader(gid, "1", fn, is_async), weight, gid, slow)  # type: ignore[arg-type]


def test_grade_awaits_judges_runs_slow_graders_in_a_thread_and_keeps_the_order() -> None:
    seen: dict[str, int] = {}

    async def judge(sample: Sample) -> Score:
        await asyncio.sleep(0)
        return Score(0.5, True, "judged", judge="j", judge_prompt_hash="h", simulated=True)

    def slow(sample: Sample) -> Score:
        seen["slow"] = threading.get_ident()
        return Score(1.0, True)

    def broken(sample: Sample) -> Score:
        raise GraderError("no reference")

    graders = [tg(judge, is_async=True, gid="judge"), tg(slow, slow=True, gid="slow"), tg(broken, gid="broken"),
               tg(lambda s: Score(1.5, True), gid="range"), tg(lambda s: 1.0, gid="type")]  # fmt: skip
    grades = grading.grade_blocking(graders, Sample("x", "x"))
    assert [g.grader_id for g in grades] == ["judge", "slow", "broken", "range", "type"]
    assert (grades[0].judge_deployment, grades[0].judge_prompt_hash, grades[0].judge_simulated) == ("j", "h", True)
    assert seen["slow"] != threading.get_ident()
    assert grades[2].error == "no reference" and "outside [0, 1]" in str(grades[3].error)
    assert "not a Score" in str(grades[4].error)


def test_a_code_grade_records_its_sandbox_in_the_journal_record() -> None:
    from harness.graders import build_grader

    code = build_grader("code_exec", {"prompt_field": None, "timeout_s": 2.0})
    expected = {"test": "assert 1 + 1 == 2\n", "entry_point": None}
    (g,) = grading.grade_blocking([grading.TaskGrader(code, 1.0, "code", True)], Sample("x = 1\n", expected))
    record = grading.grade_record("k", "r", g, "2026-01-01T00:00:00Z")
    assert g.passed and record["sandbox"] == g.sandbox and g.sandbox in ("bwrap", "rlimits")
    (other,) = grading.grade_blocking([tg(lambda s: Score(1.0, True))], Sample("x", "x"))
    assert grading.grade_record("k", "r", other, "2026-01-01T00:00:00Z")["sandbox"] is None


def test_combine_weights_grades_and_never_passes_an_error_or_a_flag() -> None:
    ok = Grade("a", "1", 1.0, True, weight=3)
    half = Grade("b", "1", 0.5, True, weight=1)
    assert grading.combine([ok, half], 0.8) == (pytest.approx(0.875), True)
    assert grading.combine([ok, half], 0.9) == (pytest.approx(0.875), False)
    assert grading.combine([ok, Grade("c", "1", None, None, error="x")], 0.0) == (None, None)
    assert grading.combine([ok, Grade("d", "1", 1.0, True, flagged=True)], 0.0)[1] is False
    assert grading.combine([], 0.0) == (None, None)


def test_judges_are_simulated_with_simulated_candidates(project: Path) -> None:
    add_judges(project)
    plan = build_plan(load_suite(project), Selection(), "r")
    assert plan.judges == {"gamma": "sim"} and set(plan.modes.values()) == {"sim", "local"}
    notes: list[str] = []
    providers = make_providers(plan, RunOptions(), 0, notes=notes)
    assert providers["gamma"].simulated and "judges: gamma (sim)" in notes


def test_live_candidates_get_live_judges_or_none(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    add_judges(project)
    monkeypatch.setenv("TINY_KEY", "k")
    plan = build_plan(load_suite(project), Selection(), "r")
    assert plan.judges == {"gamma": "skipped"}  # never a simulated judge of live answers
    monkeypatch.setenv("GAMMA_KEY", "k")
    assert build_plan(load_suite(project), Selection(), "r").judges == {"gamma": "live"}
    monkeypatch.delenv("GAMMA_KEY")
    with pytest.raises(InputError, match="'gamma' has no credentials in GAMMA_KEY"):
        build_plan(load_suite(project), Selection(mode="live"), "r")


def test_a_judge_of_a_candidates_family_is_warned_about(project: Path) -> None:
    add_judges(project, grader="{name: judge, args: {judge: beta}}", pairwise=False)
    plan = build_plan(load_suite(project), Selection(), "r")
    assert plan.judges == {"beta": "sim"}  # a candidate too: same mode
    (note,) = modes.self_preference(plan.project, "intents", ["alpha", "beta"])
    assert note.startswith("intents: judge beta is of family 'gpt' like beta: self-preference")
    assert modes.self_preference(load_suite(project), "invoices", ["alpha", "beta"]) == []


def test_an_unknown_or_non_model_judge_is_a_config_error_with_its_line(project: Path) -> None:
    add_judges(project, grader="{name: judge, args: {judge: nobody}}", pairwise=False)
    with pytest.raises(InputError, match=r"tiny.yaml:\d+: tasks.intents.graders\[1\].args.judge: unknown judge"):
        load_suite(project)
    text = project.read_text().replace("judge: nobody", "judge: fallback-canned")
    project.write_text(text)
    with pytest.raises(InputError, match="canned deployment, not a model"):
        load_suite(project)


def test_a_judge_prompt_edit_regrades_and_changes_the_fingerprint(project: Path) -> None:
    add_judges(project, pairwise=False)
    p = load_suite(project)
    before, fp = changes.signatures(p, ["base"]), build_plan(p, Selection(), "r").fingerprint()
    prompt = project.parent.parent / "prompts" / "judges" / "single.j2"
    prompt.write_text(prompt.read_text().replace("impartial grader", "strict grader"))
    p = load_suite(project)
    plan = changes.plan_changes(before, changes.signatures(p, ["base"]), None, "main")
    got = {x.key: (x.action, x.reasons) for x in plan if x.action != "reuse"}
    assert got == {("intents", d, "base"): ("regrade", ("judge prompt judges/single.j2 changed",))
                   for d in ("alpha", "beta")}  # fmt: skip
    assert build_plan(p, Selection(), "r").fingerprint()["graders"] != fp["graders"]


def test_a_sim_run_records_judge_grades_attempts_and_cost(project: Path, tmp_path: Path) -> None:
    from harness.run.launch import start_run

    add_judges(project, pairwise=False)
    result = start_run(project, Selection(tasks=["intents"], mode="sim", limit=4), results_dir=tmp_path / "r")
    records = [r for _, _, r in read_records(result.journal)]
    judged = [r for r in records if r["type"] == "grade" and r["grader_id"] == "judge"]
    assert len(judged) == 8 and all(r["error"] is None for r in judged)
    assert {(r["judge_deployment"], r["judge_simulated"]) for r in judged} == {("gamma", True)}
    assert {len(r["judge_prompt_hash"]) for r in judged} == {64}
    judge_attempts = [r for r in records if r["type"] == "attempt" and r["deployment"] == "gamma"]
    assert len(judge_attempts) >= 8 and all(r["simulated"] for r in judge_attempts)
    cells_cost = sum(r["cost_usd"] for r in records if r["type"] == "cell")
    judge_cost = sum(r["cost_usd"] for r in judge_attempts if r["status"] == "ok")
    assert judge_cost > 0 and result.tally.cost_usd == pytest.approx(cells_cost + judge_cost)


def test_regrade_outside_the_loop_asks_the_judge(project: Path, tmp_path: Path) -> None:
    add_judges(project, pairwise=False)
    plan = build_plan(load_suite(project), Selection(tasks=["intents"], mode="sim", limit=1), "r")
    journal = JournalWriter(tmp_path / "j.jsonl")
    runner = Runner(plan, make_providers(plan, RunOptions(), 0), journal, lambda e: None)
    runner.regrade(plan.cells[0], {"output": plan.cells[0].case.expected}, {"exact", "judge"})
    journal.close()
    grades = {r["grader_id"]: r for _, _, r in read_records(journal.path) if r["type"] == "grade"}
    assert grades["exact"]["passed"] is True and grades["judge"]["judge_deployment"] == "gamma"
    assert json.loads(json.dumps(grades["judge"]))["value"] in (0.0, 0.5, 1.0)
