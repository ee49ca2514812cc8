"""Routing advice (`harness routing advise`): per task, the cheapest chain that meets the task's quality bars, from a
run that evaluated every candidate. Pure: the run's cells and today's routing in, plain dicts out.

A candidate is a deployment the run evaluated on the task (its base variant, the cases that take the task's own
chain or a route that keeps it). It may be a primary unless today's routing table forbids it for the task (risk
level: residency, retention, certifications; capabilities; declared latency), its measured p95 latency is over the
task's `latency_budget_ms`, or it is a canned response. Per-case eligibility (a risk level of a route, the context
window) is the run's own: a deployment dropped for a case has no cell there, and every walk passes it over.

The chain proposed for a primary is today's chain with that primary in front and the excluded entries left out; a
fallback is never dropped for its cost, which is paid only when the walk reaches it. Such a chain **meets the bars**
when, against today's, on the cases both answered:

- its primary is non-inferior to today's primary within `regression_margin` (the one-sided (1 − 2α) interval's
  lower bound above −margin: `stats.non_inferiority`), and
- its expected served quality per case (`report.scenarios`: failures fall through the chain as the policy says, an
  unserved case scores 0) is non-inferior to today's within `regression_margin`, as measured and under every suite
  scenario whose faults touch a candidate.

The chains are tried from the cheapest (expected cost per 1,000 requests as measured, at today's prices on the
measured tokens); the first that meets the bars is the advice. A check that is inconclusive with an MDE above the
margin cannot decide: a cheaper chain blocked only by such checks is reported as "insufficient evidence: N more cases
would decide" (`stats.cases_to_decide`), and is never advised.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from harness import stats
from harness.config.routing import Policy, over_latency_budget
from harness.report import chains, scenarios
from harness.report.compare import Case, case_scores, paired_cases

Row = dict[str, Any]
Unit = tuple[str, int]
"""(case id, sample): one request."""


@dataclass(frozen=True)
class TaskRouting:
    """One task as today's suite and routing table define it."""

    chain: tuple[str, ...]
    bars: Mapping[str, float]
    policy: Policy | None = None
    budget_ms: float | None = None
    budget_on: str = "total"
    """What `budget_ms` bounds: total (time to the last token) | ttft | both (the task's `latency_budget_on`)."""
    scenarios: Mapping[str, Any] = field(default_factory=dict)
    """name -> `config.scenarios.Scenario` (the suite's)."""
    excluded: Mapping[str, str] = field(default_factory=dict)
    """deployment -> why today's table forbids it for this task (`config.routing.static_drop`)."""
    own_routes: frozenset[str] = frozenset()
    """Routes (`route N`) with a chain of their own: their cases keep that chain and are left out."""
    canned: frozenset[str] = frozenset()
    prices: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    """deployment -> (USD per million input tokens, per million output tokens), today's."""


@dataclass
class Evidence:
    """What the run holds: its cells, the route each case took, the entries dropped per case, its routed play."""

    rows: list[Row]
    routes: Mapping[tuple[str, str], str] = field(default_factory=dict)
    """(task, case id) -> `chain` or `route N`."""
    drops: list[Row] = field(default_factory=list)
    """Eligibility entries with `eligible` false: task, case_id, deployment, reason."""
    served: list[Row] = field(default_factory=list)


# --- Checks -------------------------------------------------------------------------------------------------------


def check(what: str, today: Mapping[str, Case], other: Mapping[str, Case], bars: Mapping[str, float]) -> Row:
    """`other` against `today`, paired on the cases both have: non-inferior within `regression_margin`? `ok` when
    shown so; `need` (more cases) when it cannot decide because the MDE is above the margin."""
    margin, alpha = bars["regression_margin"], bars["alpha"]
    diff, _ = paired_cases(dict(today), dict(other))
    if diff is None:
        return {"what": what, "ok": False, "verdict": "inconclusive", "need": None,
                "why": f"{what}: fewer than 2 cases answered by both"}  # fmt: skip
    verdict = stats.non_inferiority(diff, margin, alpha)
    lower = diff.diff - stats.t_value(1 - 2 * alpha, diff.df) * diff.se
    need = None
    if verdict == "inconclusive" and diff.mde > margin:
        total = stats.cases_to_decide(diff.n, diff.mde, margin)
        need = max(1, total - diff.n) if total else None
    ok = verdict in ("superior", "non-inferior")
    why = (f"{what}: Δ {diff.diff:+.3f}, lower bound {lower:+.3f} "
           f"{'above' if ok else 'not above'} −{margin:g} ({verdict}, MDE {diff.mde:.3f}, {diff.n} cases)")  # fmt: skip
    return {"what": what, "ok": ok, "verdict": verdict, "cases": diff.n, "diff": diff.diff,
            "ci": [diff.ci.low, diff.ci.high], "lower": lower, "mde": diff.mde, "margin": margin, "need": need,
            "why": why}  # fmt: skip


def outcome(checks: list[Row]) -> tuple[str, int | None]:
    """`meets` when every check holds; `undecided` (with the most cases any check needs) when the ones that fail
    only lack evidence; else `misses`."""
    failed = [c for c in checks if not c["ok"]]
    if not failed:
        return "meets", None
    if all(c["need"] for c in failed):
        return "undecided", max(c["need"] for c in failed)
    return "misses", None


# --- Candidates ---------------------------------------------------------------------------------------------------


def _candidate(dep: str, scope: chains.Scope, spec: TaskRouting, drops: Mapping[str, Mapping[str, int]]) -> Row:
    cells = scope.cells(dep)
    s = stats.summarise([stats.Observation(r["case_id"], r["score"], r["passed"], r["cluster"]) for r in cells],
                        resamples=2000)  # fmt: skip
    latency = [float(r["latency_ms"]) for r in cells if r["latency_ms"] is not None]
    # a cell that was not streamed had its first token with its last
    ttft = [float(r["ttft_ms"] if r.get("ttft_ms") is not None else r["latency_ms"])
            for r in cells if r["latency_ms"] is not None]  # fmt: skip
    p95, ttft_p95 = stats.quantile(latency, 0.95), stats.quantile(ttft, 0.95)
    excluded = spec.excluded.get(dep)
    over = over_latency_budget(spec.budget_ms, spec.budget_on, p95, ttft_p95)
    if excluded is None and over:
        measured = f"TTFT p95 {ttft_p95:.0f}" if over == "ttft" else f"p95 {p95:.0f}"
        excluded = f"latency: measured {measured} ms over the {spec.budget_ms:g} ms budget"
    return {"deployment": dep, "position": spec.chain.index(dep) if dep in spec.chain else None,
            "cases": s.n_cases, "samples": len(cells), "mean": s.mean,
            "mean_ci": [s.mean_ci.low, s.mean_ci.high] if s.mean_ci else None,
            "p50_ms": stats.quantile(latency, 0.5), "p95_ms": p95,
            "ttft_p50_ms": stats.quantile(ttft, 0.5), "ttft_p95_ms": ttft_p95,
            "cost_per_1k": stats.mean([scope.cost[id(r)] for r in cells]) * 1000 if cells else 0.0,
            "excluded": excluded, "canned": dep in spec.canned, "dropped": dict(drops.get(dep, {})),
            "simulated": any(r["simulated"] for r in cells)}  # fmt: skip


def _drops(task: str, drops: list[Row], units: Mapping[Unit, Any]) -> dict[str, dict[str, int]]:
    """deployment -> reason -> cases of the scope it was dropped on."""
    cases = {c for c, _ in units}
    out: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    seen: set[tuple[str, str, str]] = set()
    for d in drops:
        key = (d["deployment"], d["case_id"], d["reason"] or "")
        if d["task"] == task and d["case_id"] in cases and key not in seen:
            seen.add(key)
            out[d["deployment"]][d["reason"] or "dropped"] += 1
    return {k: dict(v) for k, v in out.items()}


# --- Advice -------------------------------------------------------------------------------------------------------


def _proposal(primary: str, spec: TaskRouting, excluded: set[str]) -> tuple[str, ...]:
    """Today's chain with `primary` in front and the excluded entries left out (a canned response stays last)."""
    return (primary, *(d for d in spec.chain if d != primary and d not in excluded))


def _options(scope: chains.Scope, spec: TaskRouting, candidates: list[Row], faults: Mapping[str, Any]) -> list[Row]:
    """Today's chain, then the chain of each eligible primary with its checks against today's, cheapest first.

    Chains are walked in the order of a bound on their cost (what their primary charges on the requests it serves
    as measured: a chain costs at least that), and no further once one meets the bars and every chain left is
    bound to cost more: those can be neither the advice nor a cheaper undecided one (`costlier`, not walked)."""
    steps = chains.steps(scope, scenarios.Walk(spec.policy, spec.budget_ms, spec.budget_on), faults)
    today = chains.evaluate(spec.chain, scope, steps)
    excluded = {c["deployment"] for c in candidates if c["excluded"]}
    tried = [_proposal(c["deployment"], spec, excluded) for c in candidates if not (c["excluded"] or c["canned"])]
    measured, n = steps[scenarios.MEASURED], len(scope.units)
    bound = {ch: sum(measured[id(x)].cost for x in scope.cells(ch[0]) if measured[id(x)].fail == 0) / n * 1000
             for ch in tried}  # fmt: skip
    tried.sort(key=lambda ch: (bound[ch], chains.rank(spec.chain, ch[0])))
    scores = {d: case_scores(scope.cells(d)) for d in {spec.chain[0], *(ch[0] for ch in tried)} if d in scope.deps}
    out: list[Row] = []
    best: tuple[float, int] | None = None
    for chain in tried:
        if best is not None and (bound[chain], chains.rank(spec.chain, chain[0])) >= best:
            out.append({"chain": list(chain), "eval": None, "checks": [], "outcome": "costlier", "need": None,
                        "bound": bound[chain]})  # fmt: skip
            continue
        ev = today if chain == spec.chain else chains.evaluate(chain, scope, steps)
        checks = [] if chain == spec.chain else _checks(chain, spec, scores, today, ev)
        verdict, need = outcome(checks)
        out.append({"chain": list(chain), "eval": ev, "checks": checks, "outcome": verdict, "need": need})
        if verdict == "meets" and (best is None or (ev.cost_per_1k, chains.rank(spec.chain, chain[0])) < best):
            best = (ev.cost_per_1k, chains.rank(spec.chain, chain[0]))
    out.sort(key=lambda o: (o["eval"].cost_per_1k if o["eval"] else o["bound"], chains.rank(spec.chain, o["chain"][0])))
    return [{"today": today}, *out]


def _checks(chain: tuple[str, ...], spec: TaskRouting, scores: Mapping[str, Mapping[str, Case]], today: chains.Chain,
            ev: chains.Chain) -> list[Row]:  # fmt: skip
    """The primary against today's (unless today's was dropped on every case: then served quality decides), and
    the served quality against today's, as measured and under each scenario."""
    mine = scores.get(spec.chain[0])
    out = [check(f"primary {chain[0]} vs {spec.chain[0]}", mine, scores[chain[0]], spec.bars)] if mine else []
    return out + [check(f"served quality, {name}", today.case_quality[name], ev.case_quality[name], spec.bars)
                  for name in today.case_quality]  # fmt: skip


def _decide(options: list[Row], today_chain: tuple[str, ...]) -> tuple[str, Row | None, Row | None]:
    """(status, the chain advised, the cheaper chain the evidence cannot decide on)."""
    pick = next((o for o in options if o["outcome"] == "meets"), None)
    limit = pick["eval"].cost_per_1k if pick else float("inf")
    undecided = next((o for o in options if o["outcome"] == "undecided" and o["eval"].cost_per_1k < limit), None)
    if pick is None:
        return ("insufficient evidence" if undecided else "no chain meets the bars"), None, undecided
    if tuple(pick["chain"]) != today_chain:
        return "switch", pick, undecided
    return ("insufficient evidence" if undecided else "keep"), pick, undecided


def _summary(status: str, today: Row, proposed: Row | None, undecided: Row | None, misses: list[Row],
             excluded: Mapping[str, str]) -> str:  # fmt: skip
    if status == "switch" and proposed is not None:
        saving = today["cost_per_1k"] - proposed["cost_per_1k"]
        left = [f"{d} ({excluded[d]})" for d in today["chain"] if d not in proposed["chain"] and d in excluded]
        return (f"switch to {' → '.join(proposed['chain'])}: saves ${saving:.4g} per 1,000 requests; served quality "
                f"{proposed['quality']:.3f} vs {today['quality']:.3f} today"
                + (f"; leaves out {', '.join(left)}" if left else ""))  # fmt: skip
    if undecided is not None:
        return (f"insufficient evidence: {undecided['need']:,} more cases would decide whether "
                f"{' → '.join(undecided['chain'])} meets the bars")  # fmt: skip
    if status == "keep":
        cheaper = [m for m in misses if m["eval"].cost_per_1k < today["cost_per_1k"]]
        if not cheaper:
            return "keep today's chain: no cheaper chain with an eligible primary"
        return f"keep today's chain: no cheaper chain meets the bars ({_first_miss(cheaper[0])})"
    return "no chain meets the bars: " + (_first_miss(misses[0]) if misses else "no eligible primary")


def _first_miss(option: Row) -> str:
    return next((str(c["why"]) for c in option["checks"] if not c["ok"]), option["outcome"])


def advise_task(task: str, rows: list[Row], ev: Evidence, spec: TaskRouting) -> Row:
    """The advice for one task (see the module docstring)."""
    base: Row = {"task": task, "today": None, "proposed": None, "candidates": [], "considered": [], "need": None,
                 "simulated": any(r["simulated"] for r in rows)}  # fmt: skip
    if not rows:
        return {**base, "status": "not evaluated", "summary": "not evaluated: the run did not evaluate this task"}
    scope = chains.task_scope(task, rows, ev.routes, spec.chain, spec.own_routes, spec.prices)
    drops = _drops(task, ev.drops, scope.units)
    missing = [d for d in spec.chain if d not in scope.deps and d not in drops]
    if not scope.units and scope.left_out:
        summary = f"not evaluated: all {scope.left_out} cases take a route with a chain of its own, kept as it is"
        return {**base, "variant": scope.variant, "status": "not evaluated", "summary": summary}
    if missing or not scope.units:
        why = "; ".join(f"{d} ({', '.join(sorted(scope.skipped.get(d, {'not in the run'})))})" for d in missing)
        summary = f"not evaluated: the run did not evaluate {why or 'any case of its chain'}; run the task again"
        return {**base, "variant": scope.variant, "status": "not evaluated", "summary": summary}
    candidates = [_candidate(d, scope, spec, drops) for d in scope.deps]
    faults = chains.faults_of(spec.scenarios, scope.deps)
    touching = [n for n in faults if n != scenarios.MEASURED]
    today, *options = _options(scope, spec, candidates, faults)
    status, pick, undecided = _decide(options, spec.chain)
    today_view = {**chains.view(today["today"], scope, touching), "routed": _routed(task, scope, ev.served)}
    proposed = {**chains.view(pick["eval"], scope, touching), "checks": pick["checks"]} if pick else None
    misses = [o for o in options if o["outcome"] == "misses"]
    vs = {o["chain"][0]: c for o in options for c in o["checks"][:1] if c["what"].startswith("primary")}
    candidates = [{**c, "vs_primary": vs.get(c["deployment"])} for c in candidates]
    return {
        **base, "variant": scope.variant, "status": status, "cases": len({c for c, _ in scope.units}),
        "requests": len(scope.units), "left_out": scope.left_out, "margin": spec.bars["regression_margin"],
        "alpha": spec.bars["alpha"], "today": today_view, "proposed": proposed, **_saving(today_view, proposed),
        "need": undecided["need"] if undecided else None,
        "undecided": {k: undecided[k] for k in ("chain", "need", "checks")} if undecided else None,
        "summary": _summary(status, today_view, proposed, undecided, misses,
                            {c["deployment"]: c["excluded"] for c in candidates if c["excluded"]}),
        "candidates": candidates, "scenarios": touching, "simulated": any(c["simulated"] for c in candidates),
        "considered": [_considered(o) for o in options],
    }  # fmt: skip


def _considered(o: Row) -> Row:
    if o["eval"] is None:
        why = f"costs at least ${o['bound']:.4g} per 1,000 requests, more than the advice: not walked"
        return {"chain": o["chain"], "cost_per_1k": None, "outcome": o["outcome"], "need": None, "why": why}
    why = _first_miss(o) if o["outcome"] != "meets" else ""
    return {"chain": o["chain"], "cost_per_1k": o["eval"].cost_per_1k, "outcome": o["outcome"], "need": o["need"],
            "why": why}  # fmt: skip


def _saving(today: Row, proposed: Row | None) -> Row:
    if proposed is None:
        return {"saving_per_1k": None, "saving_share": None}
    saving = today["cost_per_1k"] - proposed["cost_per_1k"]
    return {"saving_per_1k": saving, "saving_share": saving / today["cost_per_1k"] if today["cost_per_1k"] else None}


def _routed(task: str, scope: chains.Scope, served: list[Row]) -> Row | None:
    """What the run's routed play measured for today's chain on the same cases (`harness run --routed`)."""
    units = set(scope.units)
    walks = [s for s in served if s["task"] == task and s["variant"] == scope.variant
             and (s["case_id"], s["sample"]) in units]  # fmt: skip
    if not walks:
        return None
    latency = [float(s["latency_ms"] or 0.0) for s in walks]
    return {"n": len(walks), "quality": stats.mean([float(s["score"] or 0.0) for s in walks]),
            "cost_per_1k": stats.mean([float(s["cost_usd"] or 0.0) for s in walks]) * 1000,
            "p50_ms": stats.quantile(latency, 0.5), "p95_ms": stats.quantile(latency, 0.95),
            "simulated": any(s.get("simulated") for s in walks)}  # fmt: skip


def advise(ev: Evidence, tasks: Mapping[str, TaskRouting]) -> list[Row]:
    """The advice for every task of today's routing table, in its order."""
    by_task: dict[str, list[Row]] = defaultdict(list)
    for r in ev.rows:
        by_task[r["task"]].append(r)
    return [advise_task(task, by_task.get(task, []), ev, spec) for task, spec in tasks.items()]


def flat_row(t: dict[str, Any]) -> dict[str, Any]:
    """One task's advice as a flat row (`harness.open(...).advise()`): today's chain beside the proposed one."""
    out: dict[str, Any] = {k: t.get(k) for k in ("task", "variant", "status", "summary", "cases", "saving_per_1k",
                                      "saving_share", "need", "simulated")}  # fmt: skip
    for side in ("today", "proposed"):
        c = t.get(side) or {}
        low, high = c.get("quality_ci") or (None, None)
        out.update({f"{side}": " → ".join(c["chain"]) if c else None, f"{side}_quality": c.get("quality"),
                    f"{side}_ci_low": low, f"{side}_ci_high": high, f"{side}_p50_ms": c.get("p50_ms"),
                    f"{side}_p95_ms": c.get("p95_ms"), f"{side}_cost_per_1k": c.get("cost_per_1k")})  # fmt: skip
    return out
