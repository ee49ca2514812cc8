"""The CI gate's verdicts, pure: each pair the gate ran against its baseline, and each chain it touched.

A pair's score verdict is the report's own (`report.compare.drift`: case means over samples, majority pass,
paired difference, clustered SE, MDE, the one-sided drop test `stats.drop_p` with Holm across the gated pairs, and
`stats.drift_verdict`), so the report and the gate cannot disagree. A pair is **degraded** when that verdict is
`regressed` (a significant drop, estimated beyond `regression_margin`) or on a significant rise of its error rate beyond
`max_error_rate_increase` (Holm across pairs too); **inconclusive** when the verdict is (its MDE exceeds
`min_detectable_effect`, `stats.underpowered`, and nothing significant was found) or an error-rate rise above the
margin is not significant; **incomplete** when the run or the baseline does not cover it. A fallback whose
non-inferiority to its primary held in the baseline and is lost now degrades the gate. What changed comes from
`harness.gate.changes`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from harness import stats
from harness.gate.changes import PairKey, PairPlan
from harness.gate.sequential import MOST_EXTRA, Outcome, case_samples, samples_to_decide
from harness.report.compare import case_scores, drift

Row = dict[str, Any]
Verdict = Literal["pass", "degraded", "inconclusive", "incomplete", "new"]
MAX_FLIPS = 10


# --- Verdicts -----------------------------------------------------------------------------------------------------


@dataclass
class Evidence:
    """What the verdicts are computed from: baseline rows, the gate run's rows, and how each side was made."""

    baseline: dict[PairKey, list[Row]]
    head: dict[PairKey, list[Row]]
    planned: dict[PairKey, int]
    """Cells the gate run planned per pair."""
    base_modes: dict[str, str]
    head_modes: dict[str, str]
    run_status: str | None
    base_chains: dict[str, list[str]]
    head_chains: dict[str, list[str]]
    bars: dict[str, dict[str, float]]
    """Quality bars per task (the working tree's)."""


@dataclass
class PairVerdict:
    key: PairKey
    action: str
    verdict: Verdict
    notes: list[str] = field(default_factory=list)
    score: dict[str, Any] | None = None
    """The report's drift entry: n, diff, se, ci, mde, means, pass_to_fail, fail_to_pass, mcnemar_p, the one-sided
    drop test `p_drop`, its Holm adjustment across the gated pairs `p_holm`, and the report's `verdict`."""
    errors: dict[str, Any] | None = None
    """Error rate before / after, its paired difference and Holm-adjusted p."""
    flips: list[str] = field(default_factory=list)
    """Cases that passed in the baseline and fail now."""
    cells: int = 0
    """Cells of the gate run behind this verdict."""
    planned_cells: int = 0
    """Cells the fixed-n gate runs for it: all the pair's cases (the sequential gate may stop before)."""


@dataclass
class ChainCheck:
    """A fallback against its primary: non-inferiority in the baseline and now."""

    task: str
    variant: str
    primary: str
    fallback: str
    before: str | None
    after: str | None
    outcome: Literal["ok", "degraded", "inconclusive"]


def _paired(a: dict[str, tuple[float, str | None]], b: dict[str, tuple[float, str | None]]) -> Any:
    common = sorted(set(a) & set(b))
    if len(common) < 2:
        return None
    clusters = [a[c][1] for c in common]
    clustered = any(x is not None for x in clusters)
    return stats.paired_difference(
        [a[c][0] for c in common], [b[c][0] for c in common],
        [x or f"\x00{c}" for x, c in zip(clusters, common, strict=True)] if clustered else None,
    )  # fmt: skip


def _case_errors(rows: Iterable[Row]) -> dict[str, tuple[float, str | None]]:
    by_case: dict[str, list[Row]] = {}
    for r in rows:
        by_case.setdefault(r["case_id"], []).append(r)
    return {c: (sum(r["status"] != "ok" or r["score"] is None for r in rs) / len(rs), rs[0]["cluster"])
            for c, rs in by_case.items()}  # fmt: skip


def _rise_p(d: stats.PairedDifference, margin: float) -> float:
    """p for H0: the error rate rose by at most `margin`, against H1: by more."""
    if d.se <= 0:
        return 0.0 if d.diff > margin else 1.0
    return stats.t_sf((d.diff - margin) / d.se, d.df)


def _score_tests(keys: list[PairKey], report: dict[str, Any]) -> dict[PairKey, dict[str, Any]]:
    """The report's drift entries of the gated pairs: paired difference, `p_drop`, `p_holm` (Holm across exactly
    these pairs, since `drift` ran on them alone) and the verdict of `stats.drift_verdict`."""
    by_key = {(d["task"], d["deployment"], d["variant"]): d for d in report["pairs"]}
    return {k: dict(by_key[k]) for k in keys if k in by_key}


def _error_tests(keys: list[PairKey], ev: Evidence) -> dict[PairKey, dict[str, Any]]:
    tests = []
    for k in keys:
        d = _paired(_case_errors(ev.baseline[k]), _case_errors(ev.head.get(k, [])))
        if d is not None:
            tests.append((k, d, _rise_p(d, ev.bars[k[0]]["max_error_rate_increase"])))
    adjusted = stats.holm([p for _, _, p in tests]) if tests else []
    return {k: {"before": d.mean_a, "after": d.mean_b, "diff": d.diff, "se": d.se, "p_holm": p_adj}
            for (k, d, _), p_adj in zip(tests, adjusted, strict=True)}  # fmt: skip


def _incomplete(key: PairKey, changed: Sequence[str], ev: Evidence, need_baseline: bool) -> list[str]:
    out = []
    if ev.run_status != "complete":
        out.append(f"the gate run ended {ev.run_status or 'before it started'}")
    rows = ev.head.get(key, [])
    if len(rows) < ev.planned.get(key, 0):
        out.append(f"{len(rows)} of {ev.planned[key]} cells finished")
    skipped = sorted({r["error_class"] or "skipped" for r in rows if r["status"] == "skipped"})
    if skipped:
        out.append(f"cells skipped ({', '.join(skipped)}): the deployment was not evaluated")
    before, now = ev.base_modes.get(key[1]), ev.head_modes.get(key[1])
    if before and now and (before == "sim") != (now == "sim"):
        out.append(f"the baseline is {before}, this run is {now}: simulated and real answers do not compare")
    if not need_baseline:
        return out
    if key not in ev.baseline:
        out.append("no baseline for this pair")
    elif "dataset" not in changed:
        missing = sorted({r["case_id"] for r in rows} - {r["case_id"] for r in ev.baseline[key]})
        if missing:
            out.append(f"the baseline lacks {len(missing)} case(s), e.g. {', '.join(missing[:3])}")
    return out


def _pair_verdict(p: PairPlan, score: dict[str, Any] | None, err: dict[str, Any] | None, bars: dict[str, float],
                  ev: Evidence | None = None) -> PairVerdict:  # fmt: skip
    v = PairVerdict(p.key, p.action, "pass", score=score, errors=err)
    if score is None:
        v.verdict, v.notes = "inconclusive", ["fewer than 2 cases scored on both sides"]
        return v
    lo, hi = score["ci"]
    if score["verdict"] == "regressed":
        v.notes.append(f"score {score['diff']:+.3f} [{lo:+.3f}, {hi:+.3f}]: a significant drop beyond "
                       f"the {bars['regression_margin']:g} margin (Holm p {score['p_holm']:.3g})")  # fmt: skip
        v.verdict = "degraded"
    if err is not None and err["p_holm"] < bars["alpha"]:
        v.notes.append(f"error rate {err['before']:.1%} → {err['after']:.1%}: a rise beyond "
                       f"{bars['max_error_rate_increase']:g} (Holm p {err['p_holm']:.3g})")  # fmt: skip
        v.verdict = "degraded"
    if v.verdict == "degraded":
        return v
    if score["verdict"] == "inconclusive":
        need = stats.cases_to_decide(score["n"], score["mde"], bars["min_detectable_effect"])
        more = _samples_to_decide(p.key, ev, score["mde"], bars) if ev is not None else None
        extend = f", or {more} more sample(s) per case (--sequential --max-extra-cost)" if more else ""
        v.notes.append(f"underpowered: MDE {score['mde']:.3f} > {bars['min_detectable_effect']:g} at n={score['n']}"
                       + (f"; about {need:,} cases would decide" if need else "") + extend)  # fmt: skip
        v.verdict = "inconclusive"
    if err is not None and err["diff"] > bars["max_error_rate_increase"]:
        v.notes.append(f"error rate {err['before']:.1%} → {err['after']:.1%}, not significant")
        v.verdict = "inconclusive"
    if v.verdict == "pass" and score["verdict"] == "improved":
        v.notes.append("improved")
    return v


def _samples_to_decide(key: PairKey, ev: Evidence, mde: float, bars: dict[str, float]) -> int | None:
    """More samples per case of the head that would decide an underpowered pair (`sequential.samples_to_decide`)."""
    head = case_samples(ev.head.get(key, []))
    k = min((len(v) for v in head.values()), default=0)
    base = {c: v[0] for c, v in case_scores(ev.baseline.get(key, [])).items()}
    return samples_to_decide(head, base, mde, bars["min_detectable_effect"], MOST_EXTRA * k) if k else None


def _unreached(p: PairPlan, before: int, now: int) -> PairVerdict:
    """A pair that no case reaches on one side or both: a routing decision, nothing to test."""
    if not before and not now:
        return PairVerdict(p.key, p.action, "pass", ["no case reaches this deployment, before or now"])
    if not before:
        return PairVerdict(p.key, p.action, "new", ["no case reached it in the baseline: reported, not gated"])
    return PairVerdict(p.key, p.action, "pass", [f"no case reaches it any more (the baseline had {before} cells)"])


def judge(plan: list[PairPlan], ev: Evidence) -> tuple[list[PairVerdict], list[ChainCheck]]:
    """Verdicts for every pair the gate ran, and the chain checks those pairs touch."""
    out: dict[PairKey, PairVerdict] = {}
    comparable: list[PairPlan] = []
    for p in plan:
        if p.action not in ("run", "regrade", "new"):
            continue
        why = _incomplete(p.key, p.changed, ev, need_baseline=p.action != "new")
        if why:
            out[p.key] = PairVerdict(p.key, p.action, "incomplete", why)
        elif p.action == "new":
            out[p.key] = PairVerdict(p.key, p.action, "new", ["no baseline yet: reported, not gated"])
        elif not ev.baseline[p.key] or not ev.head.get(p.key):
            out[p.key] = _unreached(p, len(ev.baseline[p.key]), len(ev.head.get(p.key, [])))
        else:
            comparable.append(p)
    keys = [p.key for p in comparable]
    report = drift([r for k in keys for r in ev.baseline[k]], [r for k in keys for r in ev.head.get(k, [])], ev.bars,
                   MAX_FLIPS * max(1, len(keys)))  # fmt: skip
    scores = _score_tests(keys, report)
    errors = _error_tests(keys, ev)
    for p in comparable:
        v = _pair_verdict(p, scores.get(p.key), errors.get(p.key), ev.bars[p.key[0]], ev)
        v.flips = [
            f["case_id"]
            for f in report["flips"]
            if (f["task"], f["deployment"], f["variant"]) == p.key and f["direction"] == "pass → fail"
        ]
        v.flips = v.flips[:MAX_FLIPS]  # fmt: skip
        v.cells = v.planned_cells = len(ev.head.get(p.key, []))
        out[p.key] = v
    return [out[k] for k in sorted(out)], chain_checks(plan, ev)


def sequential_verdicts(plan: list[PairPlan], ev: Evidence, outcomes: dict[PairKey, Outcome],
                        full_cells: dict[PairKey, int]) -> tuple[list[PairVerdict], list[ChainCheck]]:  # fmt: skip
    """`judge` on the cells the sequential gate ran, each pair's score verdict being where the sequential design
    stopped it (`harness.gate.sequential.decide`); the error-rate test and the chain checks as in `judge`."""
    pairs, chains = judge(plan, ev)
    by_key = {p.key: p for p in plan}
    seen = {"degraded": "regressed", "inconclusive": "inconclusive"}
    for i, v in enumerate(pairs):
        o = outcomes.get(v.key)
        if o is None or v.score is None or v.verdict in ("incomplete", "new"):
            continue
        fixed = v.score["verdict"]
        verdict = seen.get(o.decision, "improved" if fixed == "improved" else "no detectable change")
        score = {**v.score, "verdict": verdict, "fixed_n_verdict": fixed, "sequential": asdict(o)}
        nv = _pair_verdict(by_key[v.key], score, v.errors, ev.bars[v.key[0]], None if o.extension else ev)
        nv.notes.insert(0, o.note())
        nv.flips, nv.cells, nv.planned_cells = v.flips, v.cells, full_cells.get(v.key, v.cells)
        pairs[i] = nv
    return pairs, chains


def _ni(primary: list[Row] | None, fallback: list[Row] | None, bars: dict[str, float]) -> str | None:
    if not primary or not fallback:
        return None
    a = {c: (v[0], v[2]) for c, v in case_scores(primary).items()}
    b = {c: (v[0], v[2]) for c, v in case_scores(fallback).items()}
    d = _paired(a, b)
    return None if d is None else stats.non_inferiority(d, bars["non_inferiority_margin"], bars["alpha"])


def chain_checks(plan: list[PairPlan], ev: Evidence) -> list[ChainCheck]:
    """Each fallback of a task's chain against its primary, where the gate ran either of them or the primary
    changed: non-inferior (or superior) in the baseline and inferior now degrades; inconclusive now is inconclusive."""
    ran = {p.key for p in plan if p.action in ("run", "regrade", "new")}
    variants = sorted({p.key[2] for p in plan})
    out = []
    for task, chain in sorted(ev.head_chains.items()):
        base_chain = ev.base_chains.get(task) or chain
        for variant in variants:
            primary, before_primary = (task, chain[0], variant), (task, base_chain[0], variant)
            for fb in chain[1:]:
                key = (task, fb, variant)
                if not {primary, key} & ran and primary == before_primary:
                    continue
                now = {k: ev.head.get(k) if k in ran else ev.baseline.get(k) for k in (primary, key)}
                before = _ni(ev.baseline.get(before_primary), ev.baseline.get(key), ev.bars[task])
                after = _ni(now[primary], now[key], ev.bars[task])
                held = before in ("non-inferior", "superior")
                outcome: Literal["ok", "degraded", "inconclusive"] = "ok"
                if held and after == "inferior":
                    outcome = "degraded"
                elif held and after in (None, "inconclusive"):
                    outcome = "inconclusive"
                out.append(ChainCheck(task, variant, chain[0], fb, before, after, outcome))
    return out


def overall(pairs: Sequence[PairVerdict], chains: Sequence[ChainCheck], problems: Sequence[str]) -> str:
    """pass, degraded, incomplete or inconclusive: a degradation outranks missing data, which outranks noise."""
    verdicts = {p.verdict for p in pairs} | {c.outcome for c in chains}
    if "degraded" in verdicts:
        return "degraded"
    if problems or "incomplete" in verdicts:
        return "incomplete"
    if "inconclusive" in verdicts:
        return "inconclusive"
    return "pass"


EXIT_CODES = {"pass": 0, "degraded": 1, "incomplete": 3, "inconclusive": 3}


def exit_code(verdict: str, allow_inconclusive: bool = False) -> int:
    """0 pass, 1 degraded, 3 inconclusive or incomplete; `allow_inconclusive` passes underpowered, never incomplete."""
    if verdict == "inconclusive" and allow_inconclusive:
        return 0
    return EXIT_CODES[verdict]
