"""Pairwise judging as a post-pass of a run: each candidate against its primary on the same case, both orders.

Configured per task in the suite (`pairwise: {judge: <deployment>, against: primary}`). It needs both cells'
outputs, so it runs after the run's cells finish, from the journaled `cell` records (all sessions of the run),
through the runner's call path (retries, limits, cost, attempts journaled). Each pair becomes one `pairwise`
record (table `pairwise`): winner a | b | tie, whether both orders agreed, the judge, and `simulated` when the
judge or either answer was simulated. Pairs already journaled (a resumed run) are not judged again.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from harness.graders import Sample
from harness.graders.pairwise import PairJudge, PairOutcome
from harness.run.grading import run_sync
from harness.store.journal import JournalWriter, read_records

if TYPE_CHECKING:
    from harness.run.plan import Cell, Plan
    from harness.run.runner import Runner

PairKey = tuple[str, str, str, int, str, str, str]
"""(task, case id, variant, sample, a deployment, b deployment, judge)."""


@dataclass(frozen=True)
class Pair:
    task: str
    a: dict[str, Any]
    b: dict[str, Any]
    judge: str

    @property
    def key(self) -> PairKey:
        a, b = self.a, self.b
        return (self.task, a["case_id"], a["variant"], int(a["sample"]), a["deployment"], b["deployment"], self.judge)


def _text(record: dict[str, Any]) -> str:
    if record.get("output"):
        return str(record["output"])
    return json.dumps(record.get("tool_calls") or [], ensure_ascii=False) if record.get("tool_calls") else ""


def find_pairs(plan: Plan, cells: list[dict[str, Any]]) -> Iterator[Pair]:
    """Answered cells of the same (task, case, variant, sample): each against the task's `against` cell."""
    groups: dict[tuple[str, str, str, int], list[dict[str, Any]]] = {}
    for rec in cells:
        spec = plan.project.suite.tasks.get(rec.get("task", ""))
        if spec is None or spec.pairwise is None or rec.get("status") != "ok":
            continue
        groups.setdefault((rec["task"], rec["case_id"], rec["variant"], int(rec["sample"])), []).append(rec)
    for (task, *_), recs in sorted(groups.items()):
        pw = plan.project.suite.tasks[task].pairwise
        assert pw is not None
        if pw.against == "primary":
            base = next((r for r in recs if r.get("chain_position") == 0), None)
        else:
            base = next((r for r in recs if r["deployment"] == pw.against), None)
        if base is None:
            continue
        for rec in sorted(recs, key=lambda r: (r.get("chain_position") or 0, r["deployment"])):
            if rec is not base and rec["deployment"] != base["deployment"]:
                yield Pair(task, rec, base, pw.judge)


def _sample(cell: Cell, record: dict[str, Any]) -> Sample:
    return Sample(_text(record), cell.case.expected, (), cell.case.input, cell.task_class, cell.case.id, cell.key)


def record_of(plan: Plan, pair: Pair, out: PairOutcome, prompt_hash: str, judged_at: str) -> dict[str, Any]:
    a, b = pair.a, pair.b
    simulated = bool(out.simulated) or bool(a.get("simulated")) or bool(b.get("simulated"))
    return {"type": "pairwise", "run_id": plan.run_id, "task": pair.task, "case_id": a["case_id"],
            "variant": a["variant"], "sample": a["sample"], "a_deployment": a["deployment"],
            "b_deployment": b["deployment"], "judge_deployment": pair.judge, "a_cell": a["cell_key"],
            "b_cell": b["cell_key"], "winner": out.winner, "consistent": out.consistent,
            "first_order": out.first_order, "second_order": out.second_order, "flagged": out.flagged,
            "reason": out.reason, "error": out.error, "judge_prompt_hash": prompt_hash, "simulated": simulated,
            "judged_at": judged_at}  # fmt: skip


def _journaled(journal: JournalWriter) -> tuple[list[dict[str, Any]], set[PairKey]]:
    journal.flush()
    cells, done = [], set()
    for _, _, rec in read_records(journal.path):
        if rec["type"] == "cell":
            cells.append(rec)
        elif rec["type"] == "pairwise":
            done.add((rec["task"], rec["case_id"], rec["variant"], int(rec["sample"]), rec["a_deployment"],
                      rec["b_deployment"], rec["judge_deployment"]))  # fmt: skip
    return cells, done


def _pair_id(a: Cell, b: Cell) -> str:
    """The pair's name in its judge calls (and the simulated judge's seed): the same in every run of the plan, so a
    seeded simulated run reproduces its verdicts (cell keys hold the run id)."""
    return f"pairwise:{a.task}:{a.case.id}:{a.variant}:{a.sample}:{a.deployment}:{b.deployment}"


async def _judge_all(runner: Runner, pairs: list[Pair], journal: JournalWriter) -> int:
    from harness.config.prompts import PromptLibrary
    from harness.run.runner import now

    plan = runner.plan
    library = PromptLibrary(plan.project.prompts_dir)
    judges = {t: PairJudge.build(plan.project.suite.tasks[t].pairwise, library) for t in {p.task for p in pairs}}
    cells = {c.key: c for c in plan.cells}
    slots = asyncio.Semaphore(max(1, runner.options.concurrency))

    async def one(pair: Pair) -> None:
        cell_a, cell_b = cells.get(pair.a["cell_key"]), cells.get(pair.b["cell_key"])
        if cell_a is None or cell_b is None:
            return
        judge = judges[pair.task]
        async with slots:
            out = await judge.compare(runner.call_model, _sample(cell_a, pair.a), _sample(cell_b, pair.b),
                                      _pair_id(cell_a, cell_b))  # fmt: skip
        journal.write(record_of(plan, pair, out, judge.prompt.hash, now()))

    try:
        await asyncio.gather(*(one(p) for p in pairs))
    finally:
        journal.flush()
        await runner._close_providers()
    return len(pairs)


def run_pairwise(runner: Runner, journal: JournalWriter) -> int:
    """Judge every pair of the run not judged yet; return how many pairs were judged."""
    from harness.run.runner import Tally

    plan = runner.plan
    if not any(plan.project.suite.tasks[t].pairwise for t in {c.task for c in plan.cells}):
        return 0
    cells, done = _journaled(journal)
    pairs = [p for p in find_pairs(plan, [c for c in cells if c.get("run_id") == plan.run_id]) if p.key not in done]
    if not pairs:
        return 0
    fresh = replace(runner, tally=Tally(), stop=asyncio.Event())  # a new event loop: new lanes, locks and clients
    try:
        return run_sync(_judge_all(fresh, pairs, journal))
    finally:
        runner.tally.cost_usd += fresh.tally.cost_usd
