"""Pairwise judging after a run: pairs found from the journal, judged once each, loaded into the pairwise table."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from harness.cli import app
from harness.config.suite import PairwiseSpec
from harness.run.launch import make_providers, start_run
from harness.run.pairwise import find_pairs, run_pairwise
from harness.run.plan import Selection
from harness.run.runner import Runner, RunOptions
from harness.store.journal import JournalWriter
from tests.fakeprov import query
from tests.judged import add_judges


def test_a_run_judges_each_fallback_against_its_primary(project: Path, tmp_path: Path) -> None:
    add_judges(project)
    results = tmp_path / "results"
    r = CliRunner().invoke(app, ["run", str(project), "--mode", "sim", "--tasks", "intents", "--limit", "5",
                                 "--results-dir", str(results), "--no-report"])  # fmt: skip
    assert r.exit_code == 0, r.output
    rows = query(results, "SELECT a_deployment, b_deployment, judge_deployment, winner, consistent, simulated, "
                          "first_order, second_order, a_cell <> b_cell FROM pairwise ORDER BY case_id")  # fmt: skip
    assert len(rows) == 5
    for a, b, judge, winner, consistent, simulated, first, second, distinct in rows:
        assert (a, b, judge, simulated, distinct) == ("beta", "alpha", "gamma", True, True)
        assert winner == (first if first == second else "tie") and consistent == (first == second)
    shown = CliRunner().invoke(app, ["judges", "pairwise", "--results-dir", str(results)])
    assert shown.exit_code == 0 and "swap consistency" in shown.output and "SIMULATED judge" in shown.output
    (judge_calls,) = query(results, "SELECT count(*) FROM attempts WHERE cell_key LIKE 'pairwise:%'")[0]
    assert 5 < judge_calls <= 10  # two orders per pair (an identical judge request is answered by the cache)


def test_pairs_already_journaled_are_not_judged_again(project: Path, tmp_path: Path) -> None:
    add_judges(project)
    result = start_run(project, Selection(tasks=["intents"], mode="sim", limit=3), results_dir=tmp_path / "r")
    journal = JournalWriter(result.journal)
    runner = Runner(result.plan, make_providers(result.plan, RunOptions(), 0), journal, lambda e: None)
    try:
        assert run_pairwise(runner, journal) == 0
    finally:
        journal.close()
    assert len([line for line in result.journal.read_text().splitlines() if '"type":"pairwise"' in line]) == 3


def cell(dep: str, position: int, case: str = "c1", status: str = "ok") -> dict[str, Any]:
    return {"task": "intents", "case_id": case, "variant": "base", "sample": 0, "deployment": dep, "status": status,
            "chain_position": position, "cell_key": f"{dep}-{case}", "output": "x"}  # fmt: skip


def test_pairs_are_made_against_the_primary_or_a_named_deployment(project: Path, tmp_path: Path) -> None:
    add_judges(project)
    plan = start_run(project, Selection(tasks=["intents"], mode="sim", limit=1), results_dir=tmp_path / "r").plan
    records = [cell("alpha", 0), cell("beta", 1), cell("gamma-x", 2), cell("delta", 3, status="error"),
               cell("beta", 1, case="c2")]  # fmt: skip
    pairs = list(find_pairs(plan, records))
    assert [(p.a["deployment"], p.b["deployment"]) for p in pairs] == [("beta", "alpha"), ("gamma-x", "alpha")]
    task = plan.project.suite.tasks["intents"]
    named = task.model_copy(update={"pairwise": PairwiseSpec(judge="gamma", against="beta")})
    suite = plan.project.suite.model_copy(update={"tasks": {**plan.project.suite.tasks, "intents": named}})
    plan.project = dataclasses.replace(plan.project, suite=suite)
    pairs = list(find_pairs(plan, records))
    assert [(p.a["deployment"], p.b["deployment"]) for p in pairs] == [("alpha", "beta"), ("gamma-x", "beta")]


def test_the_same_judge_request_twice_journals_two_attempts_with_distinct_ids(project: Path, tmp_path: Path) -> None:
    """Both orders of a pair send one prompt when the candidates answered alike (issue 30 §4: one id for both, and
    the database kept one of the two attempts)."""
    import asyncio
    import json

    from harness.store import db
    from harness.types import Message

    add_judges(project)
    plan = start_run(project, Selection(tasks=["intents"], mode="sim", limit=1), results_dir=tmp_path / "r").plan
    options = RunOptions(cache="off")
    results = tmp_path / "j"
    journal = JournalWriter(results / "runs" / "j.jsonl")
    runner = Runner(plan, make_providers(plan, options, 0), journal, lambda e: None, options)
    messages = (Message("user", "Which answer is better, A or B?"),)

    async def twice() -> None:
        await asyncio.gather(*(runner.call_model("gamma", messages, cell_key="pairwise:c1") for _ in range(2)))

    asyncio.run(twice())
    journal.close()
    records = [json.loads(line) for line in journal.path.read_text().splitlines()]
    ids = [r["attempt_id"] for r in records if r["type"] == "attempt"]
    assert len(ids) == 2 and len(set(ids)) == 2
    stats = db.load(results)
    assert stats.note == "" and query(results, "SELECT count(*) FROM attempts") == [(2,)]
