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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from harness import stats
from harness.config.routing import Policy
from harness.report import scenarios
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


@dataclass
class _Scope:
    """One task's requests in the run: per unit, each deployment's cell (repriced)."""

    variant: str
    units: dict[Unit, dict[str, Row]]
    deps: list[str]
    skipped: dict[str, set[str]]
    clusters: dict[str, str | None]
    left_out: int

    def chain_units(self, chain: Sequence[str]) -> list[dict[int, Row]]:
        return [{i: u[d] for i, d in enumerate(chain) if d in u} for u in self.units.values()]

    def cells(self, dep: str) -> list[Row]:
        return [u[dep] for u in self.units.values() if dep in u]


def _price(row: Row, prices: Mapping[str, tuple[float, float]]) -> float:
    """Today's price of the measured tokens (the recorded cost when the cell has no token counts)."""
    price = prices.get(row["deployment"])
    if price is None or row.get("input_tokens") is None or row.get("output_tokens") is None:
        return float(row["cost_usd"] or 0.0)
    return float(row["input_tokens"] * price[0] + row["output_tokens"] * price[1]) / 1e6


def _scope(task: str, rows: list[Row], routes: Mapping[tuple[str, str], str], spec: TaskRouting) -> _Scope:
    variants = {r["variant"] for r in rows}
    variant = "base" if "base" in variants else min(variants)
    units: dict[Unit, dict[str, Row]] = defaultdict(dict)
    skipped: dict[str, set[str]] = defaultdict(set)
    clusters: dict[str, str | None] = {}
    left: set[str] = set()
    for r in rows:
        if r["variant"] != variant:
            continue
        if routes.get((task, r["case_id"]), "chain") in spec.own_routes:
            left.add(r["case_id"])
        elif r["status"] == "skipped":
            skipped[r["deployment"]].add(r["error_class"] or "skipped")
        else:
            units[(r["case_id"], r["sample"])][r["deployment"]] = {**r, "cost_usd": _price(r, spec.prices)}
            clusters[r["case_id"]] = r["cluster"]
    deps = sorted({d for u in units.values() for d in u}, key=lambda d: (_rank(spec.chain, d), d))
    return _Scope(variant, dict(sorted(units.items())), deps, skipped, clusters, len(left))


def _rank(chain: Sequence[str], dep: str) -> int:
    return chain.index(dep) if dep in chain else len(chain)


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


# --- Chains -------------------------------------------------------------------------------------------------------


@dataclass
class _Chain:
    chain: tuple[str, ...]
    expectations: dict[str, list[stats.ScenarioExpectation]]
    """scenario (or `as measured`) -> per unit."""
    case_quality: dict[str, dict[str, Case]]
    """scenario -> case id -> (expected served quality, mean over samples)."""
    cost_per_1k: float


def _evaluate(chain: tuple[str, ...], scope: _Scope, walk: scenarios.Walk, faults: Mapping[str, Any]) -> _Chain:
    units = scope.chain_units(chain)
    out: dict[str, list[stats.ScenarioExpectation]] = {}
    per_case: dict[str, dict[str, Case]] = {}
    for name, by_dep in faults.items():
        exps = out[name] = scenarios.unit_expectations(units, walk, by_dep)
        qualities: dict[str, list[float]] = defaultdict(list)
        for (case, _), e in zip(scope.units, exps, strict=True):
            qualities[case].append(e.quality)
        per_case[name] = {c: (stats.mean(q), True, scope.clusters.get(c)) for c, q in qualities.items()}
    measured = out[scenarios.MEASURED]
    cost = stats.mean([e.cost for e in measured]) * 1000 if measured else 0.0
    return _Chain(chain, out, per_case, cost)


def _view(c: _Chain, scope: _Scope, touching: Sequence[str]) -> Row:
    """A chain side by side: served quality with its CI, p50/p95 latency, cost per 1,000 requests, who serves, and
    the same under each scenario."""
    measured = c.expectations[scenarios.MEASURED]
    agg = scenarios.aggregate(scope.chain_units(c.chain), measured)
    cases = sorted(c.case_quality[scenarios.MEASURED])
    means = [c.case_quality[scenarios.MEASURED][k][0] for k in cases]
    clustered = any(scope.clusters.get(k) is not None for k in cases)
    groups = [scope.clusters.get(k) or f"\x00{k}" for k in cases] if clustered else None
    ci, _ = stats.case_intervals(means, means, groups, one_sample=False) if len(means) >= 2 else (None, None)
    latency = [e.latency_ms for e in measured]
    rows = []
    for name in (scenarios.MEASURED, *touching):
        a = scenarios.aggregate(scope.chain_units(c.chain), c.expectations[name])
        rows.append({"scenario": name, "quality": a["quality"], "cost_per_1k": a["cost_per_1k"],
                     "latency_ms": a["latency_ms"], "unserved": a["unserved"]})  # fmt: skip
    return {"chain": list(c.chain), "quality": agg["quality"], "quality_ci": [ci.low, ci.high] if ci else None,
            "p50_ms": stats.quantile(latency, 0.5), "p95_ms": stats.quantile(latency, 0.95),
            "cost_per_1k": c.cost_per_1k, "served": agg["served"], "unserved": agg["unserved"],
            "scenarios": rows}  # fmt: skip


def _faults(spec: TaskRouting, deps: Sequence[str]) -> dict[str, dict[str, list[Any]]]:
    """`as measured` (nothing injected), then each suite scenario whose faults touch a candidate."""
    out: dict[str, dict[str, list[Any]]] = {scenarios.MEASURED: {}}
    for name, scenario in sorted(spec.scenarios.items()):
        by_dep: dict[str, list[Any]] = defaultdict(list)
        for f in scenario.faults:
            by_dep[f.deployment].append(f)
        if set(by_dep) & set(deps):
            out[name] = dict(by_dep)
    return out


# --- Candidates ---------------------------------------------------------------------------------------------------


def _candidate(dep: str, scope: _Scope, spec: TaskRouting, drops: Mapping[str, Mapping[str, int]]) -> Row:
    cells = scope.cells(dep)
    s = stats.summarise([stats.Observation(r["case_id"], r["score"], r["passed"], r["cluster"]) for r in cells],
                        resamples=2000)  # fmt: skip
    latency = [float(r["latency_ms"]) for r in cells if r["latency_ms"] is not None]
    p95 = stats.quantile(latency, 0.95)
    excluded = spec.excluded.get(dep)
    if excluded is None and spec.budget_ms is not None and p95 is not None and p95 > spec.budget_ms:
        excluded = f"latency: measured p95 {p95:.0f} ms over the {spec.budget_ms:g} ms budget"
    return {"deployment": dep, "position": spec.chain.index(dep) if dep in spec.chain else None,
            "cases": s.n_cases, "samples": len(cells), "mean": s.mean,
            "mean_ci": [s.mean_ci.low, s.mean_ci.high] if s.mean_ci else None,
            "p50_ms": stats.quantile(latency, 0.5), "p95_ms": p95,
            "cost_per_1k": stats.mean([r["cost_usd"] for r in cells]) * 1000 if cells else 0.0,
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


def _options(scope: _Scope, spec: TaskRouting, candidates: list[Row], faults: Mapping[str, Any]) -> list[Row]:
    """Every chain with an eligible primary, cheapest first, with its checks against today's chain."""
    walk = scenarios.Walk(spec.policy, spec.budget_ms)
    today = _evaluate(spec.chain, scope, walk, faults)
    primary_scores = {d: case_scores(scope.cells(d)) for d in scope.deps}
    excluded = {c["deployment"] for c in candidates if c["excluded"]}
    out: list[Row] = []
    for c in candidates:
        if c["excluded"] or c["canned"]:
            continue
        chain = _proposal(c["deployment"], spec, excluded)
        ev = today if chain == spec.chain else _evaluate(chain, scope, walk, faults)
        checks = [check(f"primary {chain[0]} vs {spec.chain[0]}", primary_scores.get(spec.chain[0], {}),
                        primary_scores[chain[0]], spec.bars)] if chain[0] != spec.chain[0] else []  # fmt: skip
        checks += [check(f"served quality, {name}", today.case_quality[name], ev.case_quality[name], spec.bars)
                   for name in faults]  # fmt: skip
        verdict, need = outcome(checks)
        out.append({"chain": list(chain), "eval": ev, "checks": checks, "outcome": verdict, "need": need})
    out.sort(key=lambda o: (o["eval"].cost_per_1k, _rank(spec.chain, o["chain"][0])))
    return [{"today": today}, *out]


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


def _summary(status: str, today: Row, proposed: Row | None, undecided: Row | None, misses: list[Row]) -> str:
    if status == "switch" and proposed is not None:
        saving = today["cost_per_1k"] - proposed["cost_per_1k"]
        return (f"switch to {' → '.join(proposed['chain'])}: saves ${saving:.4g} per 1,000 requests; served quality "
                f"{proposed['quality']:.3f} vs {today['quality']:.3f} today")  # fmt: skip
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
    scope = _scope(task, rows, ev.routes, spec)
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
    faults = _faults(spec, scope.deps)
    touching = [n for n in faults if n != scenarios.MEASURED]
    today, *options = _options(scope, spec, candidates, faults)
    status, pick, undecided = _decide(options, spec.chain)
    today_view = {**_view(today["today"], scope, touching), "routed": _routed(task, scope, ev.served)}
    proposed = {**_view(pick["eval"], scope, touching), "checks": pick["checks"]} if pick else None
    misses = [o for o in options if o["outcome"] == "misses"]
    vs = {o["chain"][0]: o["checks"][0] for o in options if o["chain"][0] != spec.chain[0]}
    candidates = [{**c, "vs_primary": vs.get(c["deployment"])} for c in candidates]
    return {
        **base, "variant": scope.variant, "status": status, "cases": len({c for c, _ in scope.units}),
        "requests": len(scope.units), "left_out": scope.left_out, "margin": spec.bars["regression_margin"],
        "alpha": spec.bars["alpha"], "today": today_view, "proposed": proposed, **_saving(today_view, proposed),
        "need": undecided["need"] if undecided else None,
        "undecided": {k: undecided[k] for k in ("chain", "need", "checks")} if undecided else None,
        "summary": _summary(status, today_view, proposed, undecided, misses),
        "candidates": candidates, "scenarios": touching, "simulated": any(c["simulated"] for c in candidates),
        "considered": [{"chain": list(o["chain"]), "cost_per_1k": o["eval"].cost_per_1k, "outcome": o["outcome"],
                        "need": o["need"], "why": _first_miss(o) if o["outcome"] != "meets" else ""}
                       for o in options],
    }  # fmt: skip


def _saving(today: Row, proposed: Row | None) -> Row:
    if proposed is None:
        return {"saving_per_1k": None, "saving_share": None}
    saving = today["cost_per_1k"] - proposed["cost_per_1k"]
    return {"saving_per_1k": saving, "saving_share": saving / today["cost_per_1k"] if today["cost_per_1k"] else None}


def _routed(task: str, scope: _Scope, served: list[Row]) -> Row | None:
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
