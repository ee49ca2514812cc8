"""The sequential gate end to end (`harness gate --sequential`): the changed pairs run in stages, each stage one
journaled run of the next share of every undecided pair's cases, and a pair stops as soon as
`harness.gate.sequential.decide` calls it; the verdicts then come from `harness.gate.verdict.sequential_verdicts`.

Cases are cut into stages per task in a seeded random order (`sequential.case_order`), the same for every deployment
of the task, so each stage is a random sample and the pairs stay paired with the baseline case for case."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.gate import baseline as bl
from harness.gate import changes
from harness.gate import sequential as seq
from harness.report.compare import case_scores, paired_cases

if TYPE_CHECKING:
    from harness.config.suite import Project
    from harness.run.launch import RunResult
    from harness.run.plan import Cell


@dataclass
class Staged:
    runs: list[RunResult] = field(default_factory=list)
    outcomes: dict[changes.PairKey, seq.Outcome] = field(default_factory=dict)
    full_cells: dict[changes.PairKey, int] = field(default_factory=dict)
    """Cells the fixed-n gate would have run per pair."""


@dataclass
class _Cut:
    """Which cases each stage adds, per task, learnt from the first stage's plan."""

    stages: dict[str, list[set[str]]] = field(default_factory=dict)
    planned: dict[changes.PairKey, set[str]] = field(default_factory=dict)
    cells: dict[changes.PairKey, int] = field(default_factory=dict)


def _cut(cells: list[Cell], wanted: set[changes.PairKey], seed: int, looks: tuple[float, ...]) -> _Cut:
    out = _Cut()
    by_task: dict[str, set[str]] = {}
    for c in cells:
        key = (c.task, c.deployment, c.variant)
        if key in wanted:
            by_task.setdefault(c.task, set()).add(c.case.id)
            out.planned.setdefault(key, set()).add(c.case.id)
            out.cells[key] = out.cells.get(key, 0) + 1
    for task, cases in by_task.items():
        order = seq.case_order(cases, task, seed)
        sizes = seq.stage_sizes(len(order), looks)
        sizes += [sizes[-1]] * (len(looks) - len(sizes))  # small tasks end early: later stages add nothing
        out.stages[task] = [set(order[a:b]) for a, b in zip([0, *sizes], sizes, strict=False)]
    return out


RunPairs = Callable[..., "RunResult"]
Holds = Callable[[dict[changes.PairKey, list[bl.Row]]], set[changes.PairKey]]


def run_staged(suite: Path, head: Project, wanted: set[changes.PairKey], baseline: bl.Baseline, opts: Any,
               notes: list[str], run_pairs: RunPairs, holds: Holds | None = None,
               design: seq.Design | None = None) -> Staged:  # fmt: skip
    """Run the stages until every pair is decided or its cases are exhausted. `holds(rows)` names the pairs whose
    early pass must wait (a chain check that cannot be told yet on these rows)."""
    from harness.run.resume import read_state

    design = design or seq.Design()
    seed = int(baseline.header.get("sim_seed") or 0)
    thresholds = {t: s.pass_threshold for t, s in head.suite.tasks.items()}
    bars = {k: head.suite.tasks[k[0]].quality.model_dump() for k in wanted}
    out, open_ = Staged(), set(wanted)
    cut: _Cut | None = None
    rows: dict[changes.PairKey, list[bl.Row]] = {}
    fractions: dict[changes.PairKey, list[float]] = {}
    m = len(wanted)
    for stage in range(len(design.looks)):

        def select(cells: list[Cell], stage: int = stage) -> list[Cell]:
            nonlocal cut
            cut = cut or _cut(cells, wanted, seed, design.looks)
            return [c for c in cells if c.case.id in cut.stages[c.task][stage]]

        label = f" (sequential stage {stage + 1} of {len(design.looks)})"
        run = run_pairs(suite, open_, baseline, opts, notes, select, label)
        out.runs.append(run)
        for k, rs in bl.journal_rows(read_state(run.journal), thresholds, open_).items():
            rows.setdefault(k, []).extend(rs)
        if run.status != "complete" or cut is None:
            break
        looks = _looks(open_, cut, rows, baseline, fractions)
        decisions = seq.decide(looks, design, bars, m)
        final = {k for k, pl in looks.items() if pl.fractions[-1] >= 1 - 1e-9} | (
            set(looks) if stage == len(design.looks) - 1 else set()
        )
        early = {k for k, d in decisions.items() if d == "pass" and k not in final}
        held = (holds(rows) & early) if holds and early else set()
        for k, decision in decisions.items():
            if (decision == "continue" or k in held) and k not in final:
                continue
            pl, cases = looks[k], round(looks[k].fractions[-1] * len(cut.planned[k]))
            out.outcomes[k] = seq.Outcome(
                "inconclusive" if decision == "continue" else decision, stage + 1, len(design.looks), cases,
                len(cut.planned[k]), pl.fractions, seq.repeated_interval(pl.diff, pl.fractions),
            )  # fmt: skip
            m -= decision == "degraded"
            open_.discard(k)
        if not open_:
            break
    out.full_cells = dict(cut.cells) if cut else {}
    return out


def _looks(open_: set[changes.PairKey], cut: _Cut, rows: dict[changes.PairKey, list[bl.Row]],
           baseline: bl.Baseline, fractions: dict[changes.PairKey, list[float]]
           ) -> dict[changes.PairKey, seq.PairLook]:  # fmt: skip
    """Each open pair's paired difference with the baseline on the cases run so far, and its information so far."""
    out: dict[changes.PairKey, seq.PairLook] = {}
    for k in sorted(open_):
        planned = cut.planned.get(k) or set()
        diff, _ = paired_cases(case_scores(baseline.rows.get(k, [])), case_scores(rows.get(k, [])))
        if not planned or diff is None:
            continue
        done = {r["case_id"] for r in rows.get(k, [])} & planned
        fractions.setdefault(k, []).append(len(done) / len(planned))
        if len(fractions[k]) > 1 and fractions[k][-1] <= fractions[k][-2]:
            fractions[k].pop()  # nothing new for this pair at this stage: no new look
            continue
        out[k] = seq.PairLook(diff, tuple(fractions[k]))
    return out
