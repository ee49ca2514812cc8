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
    early pass must wait (a chain check that cannot be told yet on these rows). With `opts.max_extra_cost` set,
    pairs the full dataset leaves inconclusive get more samples per case within that budget (`_extend`)."""
    from harness.run.resume import read_state

    budget = getattr(opts, "max_extra_cost", None)
    design = design or _design(baseline, wanted, head, budget, notes)
    seed = int(baseline.header.get("sim_seed") or 0)
    thresholds = {t: s.pass_threshold for t, s in head.suite.tasks.items()}
    bars = {k: head.suite.tasks[k[0]].quality.model_dump() for k in wanted}
    out, open_ = Staged(), set(wanted)
    cut: _Cut | None = None
    rows: dict[changes.PairKey, list[bl.Row]] = {}
    fractions: dict[changes.PairKey, list[float]] = {}
    m = len(wanted)
    topped: dict[changes.PairKey, seq.PairLook] = {}
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
            topped.update({k: pl} if decision == "continue" else {})  # within reach at its last look: top-up
            out.outcomes[k] = seq.Outcome(
                "inconclusive" if decision == "continue" else decision, stage + 1, len(design.looks), cases,
                len(cut.planned[k]), pl.fractions, seq.repeated_interval(pl.diff, pl.fractions, design),
            )  # fmt: skip
            m -= decision == "degraded"
            open_.discard(k)
        if not open_:
            break
    out.full_cells = dict(cut.cells) if cut else {}
    m = len(wanted) - sum(o.decision == "degraded" for o in out.outcomes.values())
    _finish(suite, baseline, opts, notes, run_pairs, out, rows, thresholds, bars, design, m, budget, topped, seed)
    return out


def _finish(suite: Path, baseline: bl.Baseline, opts: Any, notes: list[str], run_pairs: RunPairs, out: Staged,
            rows: dict[changes.PairKey, list[bl.Row]], thresholds: dict[str, float],
            bars: dict[changes.PairKey, dict[str, float]], design: seq.Design, m: int, budget: float | None,
            topped: dict[changes.PairKey, seq.PairLook], seed: int) -> None:  # fmt: skip
    """After the main looks: the extension look (`--max-extra-cost`, a design that kept alpha for it), or the
    top-up look for the pairs their last look left within reach of the boundary, with the fixed-n rules for those
    it cannot help or whose top-up run does not complete."""
    from harness.run.resume import read_state

    args = (suite, baseline, opts, notes, run_pairs, out, rows, thresholds, bars, design)
    if budget is not None and design.extension_share > 0:
        _extend(*args, m, _plan_extension(baseline, out, rows, bars, budget, notes, _cell_costs(out.runs, read_state)))
        return
    if not topped:
        return
    plans = _plan_top_up(baseline, topped, rows, design.top_up, seed)
    m = _top_up_fallback({k: pl for k, pl in topped.items() if k not in plans}, out, design, bars, m)
    _extend(suite, baseline, opts, notes, run_pairs, out, rows, thresholds, bars, design, m, plans,
            lambda ks: _top_up_fallback({k: topped[k] for k in ks}, out, design, bars, m))  # fmt: skip


def _plan_top_up(baseline: bl.Baseline, topped: dict[changes.PairKey, seq.PairLook],
                 rows: dict[changes.PairKey, list[bl.Row]], top_up: float, seed: int) -> Plans:  # fmt: skip
    """Per pair the last look left within reach of the boundary, one more sample of the first cases in the stages'
    seeded order, as many as `seq.top_up_cases` says reach the design's information."""
    plans: Plans = {}
    for k in sorted(topped):
        samples = seq.case_samples(rows.get(k, []))
        base = {c: v[0] for c, v in case_scores(baseline.rows.get(k, [])).items()}
        n = seq.top_up_cases(samples, base, top_up)
        before = min((len(v) for v in samples.values()), default=0)
        if n is None or before == 0:
            continue
        cases = seq.case_order(set(samples) & set(base), k[0], seed)[:n]
        plans[k] = (before, 1, n, frozenset(cases))
    return plans


def _top_up_fallback(looks: dict[changes.PairKey, seq.PairLook], out: Staged, design: seq.Design,
                     bars: dict[changes.PairKey, dict[str, float]], m: int) -> int:  # fmt: skip
    """The fixed-n rules at the last look for pairs the top-up cannot help or did not reach (its run failed): the
    main looks' boundary stays (their alpha share is not spent again). Returns Holm's m after them."""
    for k, decision in seq.decide(looks, design, bars, m, top_up=False).items():
        o = out.outcomes[k]
        out.outcomes[k] = seq.Outcome("inconclusive" if decision == "continue" else decision, o.look, o.looks,
                                      o.cases, o.planned_cases, o.fractions, o.interval)  # fmt: skip
        m -= decision == "degraded"
    return m


def _design(baseline: bl.Baseline, wanted: set[changes.PairKey], head: Project, budget: float | None,
            notes: list[str]) -> seq.Design:  # fmt: skip
    """The plain design, or with `--max-extra-cost` the one that keeps a share of α for an extension look, when
    the baseline predicts some pair underpowered on the full dataset (`seq.extension_needed`)."""
    if budget is None:
        return seq.Design()
    for k in sorted(wanted):
        cases = case_scores(baseline.rows.get(k, []))
        means = [c[0] for c in cases.values()]
        clustered = any(c[2] is not None for c in cases.values())
        if seq.extension_needed(means, head.suite.tasks[k[0]].quality.min_detectable_effect, clustered):
            return seq.Design().with_extension()
    notes.append("no extension planned: the baseline predicts every changed pair decided by its full dataset, so the "
                 "main looks keep all of alpha (--max-extra-cost unused)")  # fmt: skip
    return seq.Design()


Plans = dict[changes.PairKey, tuple[int, int, int, frozenset[str] | None]]
"""Pair -> (samples per case before, more samples per case, more cells, the cases that get them: None for all)."""


def _extend(suite: Path, baseline: bl.Baseline, opts: Any, notes: list[str], run_pairs: RunPairs, out: Staged,
            rows: dict[changes.PairKey, list[bl.Row]], thresholds: dict[str, float],
            bars: dict[changes.PairKey, dict[str, float]], design: seq.Design, m: int, plans: Plans,
            failed: Callable[[set[changes.PairKey]], object] | None = None) -> None:  # fmt: skip
    """The extension (or top-up) look: one more run of the planned pairs with more samples of the same cases (the
    baseline's stay as they are), then `seq.decide` at the information they reached, Holm carried over. A run
    that does not complete leaves its pairs as they were (`failed(pairs)` decides them instead)."""
    from harness.run.resume import read_state

    if not plans:
        return

    def select(cells: list[Cell]) -> list[Cell]:
        def planned(c: Cell) -> bool:
            before, extra, _, cases = plans[(c.task, c.deployment, c.variant)]
            return 0 <= c.sample - before < extra and (cases is None or c.case.id in cases)

        return [c for c in cells if planned(c)]

    repeats = max(before + extra for before, extra, _, _ in plans.values())
    label = " (sequential top-up)" if design.tops_up else " (sequential extension)"
    run = run_pairs(suite, set(plans), baseline, opts, notes, select, label, repeats=repeats)
    out.runs.append(run)
    spent = _cell_costs([run], read_state, total=True)
    for k, rs in bl.journal_rows(read_state(run.journal), thresholds, set(plans)).items():
        rows.setdefault(k, []).extend(r for r in rs if r["sample"] >= plans[k][0])
    if run.status != "complete":
        stay = "are decided at the full dataset" if failed else "stay inconclusive"
        notes.append(f"the {label.strip(' ()')} run {run.run_id} is {run.status}: its pairs {stay}")
        if failed:
            failed(set(plans))
        return
    looks: dict[changes.PairKey, seq.PairLook] = {}
    base = {k: case_scores(baseline.rows.get(k, [])) for k in plans}
    for k, (before, _, _, _) in plans.items():
        earlier, _ = paired_cases(base[k], case_scores([r for r in rows.get(k, []) if r["sample"] < before]))
        diff, _ = paired_cases(base[k], case_scores(rows.get(k, [])))
        if diff is not None and earlier is not None:
            looks[k] = seq.PairLook(diff, (*out.outcomes[k].fractions, seq.extension_fraction(earlier, diff)))
    if failed and set(plans) - set(looks):
        failed(set(plans) - set(looks))
    for k, decision in seq.decide(looks, design, bars, m).items():
        final, (before, extra, cells, cases), pl = out.outcomes[k], plans[k], looks[k]
        out.outcomes[k] = seq.Outcome(
            decision, final.looks + 1, final.looks + 1, final.cases, final.planned_cases, pl.fractions,
            seq.repeated_interval(pl.diff, pl.fractions, design),
            seq.Extension(extra, before, cells, round(spent.get(k, 0.0), 6), None if cases is None else len(cases)),
        )  # fmt: skip
        m -= decision == "degraded"


def _plan_extension(baseline: bl.Baseline, out: Staged, rows: dict[changes.PairKey, list[bl.Row]],
                    bars: dict[changes.PairKey, dict[str, float]], budget: float, notes: list[str],
                    costs: dict[changes.PairKey, float]) -> Plans:  # fmt: skip
    """Per inconclusive pair, as many more samples per case as its MDE needs (`seq.samples_to_decide`, at most
    `seq.MOST_EXTRA` times what it had), cheapest pairs first, within `budget` dollars at the cost per cell measured so
    far. A pair whose MDE more samples would not bring to the bar still gets the most allowed: they add power
    against a drop. A budget short of what a pair needs buys what it can."""
    plans: Plans = {}
    todo = [k for k, o in out.outcomes.items() if o.decision == "inconclusive" and o.fractions[-1] >= 1 - 1e-9]
    for k in sorted(todo, key=lambda k: (costs.get(k, 0.0), k)):
        samples = seq.case_samples(rows.get(k, []))
        before = min((len(v) for v in samples.values()), default=0)
        base = case_scores(baseline.rows.get(k, []))
        diff, _ = paired_cases(base, case_scores(rows.get(k, [])))
        if before == 0 or diff is None:
            continue
        most = seq.MOST_EXTRA * before
        bar = bars[k]["min_detectable_effect"]
        extra = seq.samples_to_decide(samples, {c: v[0] for c, v in base.items()}, diff.mde, bar, most) or most
        per_sample = costs.get(k, 0.0) * len(samples)  # one more sample of every case
        if per_sample > 0:
            extra = min(extra, int((budget + 1e-12) // per_sample))
        if extra < 1:
            cost = f"${per_sample:,.4f}, over the ${budget:,.4f} left of --max-extra-cost"
            notes.append(f"extension of {' / '.join(k)} skipped: one more sample per case would cost {cost}")
            continue
        plans[k] = (before, extra, extra * len(samples), None)
        budget -= extra * per_sample
    return plans


def _cell_costs(runs: list[RunResult], read_state: Callable[[Path], Any], total: bool = False
                ) -> dict[changes.PairKey, float]:  # fmt: skip
    """Per pair, the mean cost of a cell in these runs (with `total`: the sum)."""
    sums: dict[changes.PairKey, float] = {}
    counts: dict[changes.PairKey, int] = {}
    for run in runs:
        for rec in read_state(run.journal).done.values():
            k = (rec["task"], rec["deployment"], rec["variant"])
            sums[k] = sums.get(k, 0.0) + float(rec.get("cost_usd") or 0.0)
            counts[k] = counts.get(k, 0) + 1
    return sums if total else {k: sums[k] / counts[k] for k in sums}


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
