"""A task's requests walked down any chain, over a run's fan-out cells: what routing advice compares.

`Scope` holds one task's requests (a case's sample: each deployment's cell there, its cost at today's prices);
`steps` turns every cell into the step a walk meets under each scenario (`report.scenarios.step`: its measured
failure, the scenario's faults on top, the policy's retries and stops), once per task; `evaluate` walks a chain down
them per request (`stats.scenario_expectation`) and keeps the means per request and per case; `view` is a chain's
row of the advice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from harness import stats
from harness.report import scenarios
from harness.report.compare import Case

Row = dict[str, Any]
Unit = tuple[str, int]
"""(case id, sample): one request."""


@dataclass
class Scope:
    """One task's requests in the run: per unit, each deployment's cell, and each cell's cost at today's prices."""

    variant: str
    units: dict[Unit, dict[str, Row]]
    deps: list[str]
    skipped: dict[str, set[str]]
    clusters: dict[str, str | None]
    left_out: int
    cost: dict[int, float]
    """id(cell) -> today's price of its measured tokens."""

    def cells(self, dep: str) -> list[Row]:
        return [u[dep] for u in self.units.values() if dep in u]


def price(row: Row, prices: Mapping[str, tuple[float, float]]) -> float:
    """Today's price of the measured tokens (the recorded cost when the cell has no token counts)."""
    rate = prices.get(row["deployment"])
    if rate is None or row.get("input_tokens") is None or row.get("output_tokens") is None:
        return float(row["cost_usd"] or 0.0)
    return float(row["input_tokens"] * rate[0] + row["output_tokens"] * rate[1]) / 1e6


def task_scope(task: str, rows: list[Row], routes: Mapping[tuple[str, str], str], chain: Sequence[str],
               own_routes: frozenset[str], prices: Mapping[str, tuple[float, float]]) -> Scope:  # fmt: skip
    """The task's requests in the run: its base variant (else the first), cases on a route with a chain of its own
    left out (counted), skipped cells set aside by class."""
    variants = {r["variant"] for r in rows}
    variant = "base" if "base" in variants else min(variants)
    units: dict[Unit, dict[str, Row]] = defaultdict(dict)
    skipped: dict[str, set[str]] = defaultdict(set)
    clusters: dict[str, str | None] = {}
    cost: dict[int, float] = {}
    left: set[str] = set()
    for r in rows:
        if r["variant"] != variant:
            continue
        if routes.get((task, r["case_id"]), "chain") in own_routes:
            left.add(r["case_id"])
        elif r["status"] == "skipped":
            skipped[r["deployment"]].add(r["error_class"] or "skipped")
        else:
            units[(r["case_id"], r["sample"])][r["deployment"]] = r
            cost[id(r)] = price(r, prices)
            clusters[r["case_id"]] = r["cluster"]
    deps = sorted({d for u in units.values() for d in u}, key=lambda d: (rank(chain, d), d))
    return Scope(variant, dict(sorted(units.items())), deps, skipped, clusters, len(left), cost)


def rank(chain: Sequence[str], dep: str) -> int:
    return chain.index(dep) if dep in chain else len(chain)


@dataclass
class Chain:
    chain: tuple[str, ...]
    sides: dict[str, Row]
    """scenario (or `as measured`) -> served quality, cost per 1,000 requests, latency, unserved share, who serves."""
    case_quality: dict[str, dict[str, Case]]
    """scenario -> case id -> (expected served quality, mean over samples)."""
    latency: list[float]
    """Per request, as measured: the walk's latency."""

    @property
    def cost_per_1k(self) -> float:
        return float(self.sides[scenarios.MEASURED]["cost_per_1k"])


Steps = dict[str, dict[int, stats.ChainStep]]
"""scenario -> id(cell) -> the cell as a walk meets it under that scenario."""


def steps(scope: Scope, walk: scenarios.Walk, faults: Mapping[str, Mapping[str, list[Any]]]) -> Steps:
    """Every cell's step under every scenario, once per task (each chain reuses them)."""
    return {name: {id(cell): scenarios.step(cell, walk, by_dep.get(dep, ()), scope.cost[id(cell)])
                   for u in scope.units.values() for dep, cell in u.items()}
            for name, by_dep in faults.items()}  # fmt: skip


def evaluate(chain: tuple[str, ...], scope: Scope, steps: Steps) -> Chain:
    """Each request walked down `chain` (the positions its case may use), per scenario (`stats.scenario_expectation`),
    and the means per request and per case."""
    sides: dict[str, Row] = {}
    per_case: dict[str, dict[str, Case]] = {}
    latency: list[float] = []
    n = len(scope.units)
    for name, by_cell in steps.items():
        served: defaultdict[str, float] = defaultdict(float)
        qualities: dict[str, list[float]] = defaultdict(list)
        cost = lat = unserved = 0.0
        for (case, _), u in scope.units.items():
            present = [d for d in chain if d in u]
            e = stats.scenario_expectation([by_cell[id(u[d])] for d in present])
            for d, pi in zip(present, e.served, strict=True):
                served[d] += pi
            qualities[case].append(e.quality)
            cost, lat, unserved = cost + e.cost, lat + e.latency_ms, unserved + e.unserved
            if name == scenarios.MEASURED:
                latency.append(e.latency_ms)
        per_case[name] = {c: (stats.mean(q), True, scope.clusters.get(c)) for c, q in qualities.items()}
        shares = {d: v / n for d, v in sorted(served.items(), key=lambda x: -x[1]) if v > 0}
        sides[name] = {"scenario": name, "quality": stats.mean([q for q, _, _ in per_case[name].values()]),
                       "cost_per_1k": cost / n * 1000, "latency_ms": lat / n, "unserved": unserved / n,
                       "served": shares}  # fmt: skip
    return Chain(chain, sides, per_case, latency)


def view(c: Chain, scope: Scope, touching: Sequence[str]) -> Row:
    """A chain side by side: served quality with its CI, p50/p95 latency, cost per 1,000 requests, who serves, and
    the same under each scenario."""
    measured = c.sides[scenarios.MEASURED]
    cases = sorted(c.case_quality[scenarios.MEASURED])
    means = [c.case_quality[scenarios.MEASURED][k][0] for k in cases]
    clustered = any(scope.clusters.get(k) is not None for k in cases)
    groups = [scope.clusters.get(k) or f"\x00{k}" for k in cases] if clustered else None
    ci, _ = stats.case_intervals(means, means, groups, one_sample=False) if len(means) >= 2 else (None, None)
    rows = [{k: v for k, v in c.sides[name].items() if k != "served"} for name in (scenarios.MEASURED, *touching)]
    return {"chain": list(c.chain), "quality": measured["quality"], "quality_ci": [ci.low, ci.high] if ci else None,
            "p50_ms": stats.quantile(c.latency, 0.5), "p95_ms": stats.quantile(c.latency, 0.95),
            "cost_per_1k": c.cost_per_1k, "served": measured["served"], "unserved": measured["unserved"],
            "scenarios": rows}  # fmt: skip


def faults_of(suite_scenarios: Mapping[str, Any], deps: Sequence[str]) -> dict[str, dict[str, list[Any]]]:
    """`as measured` (nothing injected), then each suite scenario whose faults touch a candidate."""
    out: dict[str, dict[str, list[Any]]] = {scenarios.MEASURED: {}}
    for name, scenario in sorted(suite_scenarios.items()):
        by_dep: dict[str, list[Any]] = defaultdict(list)
        for f in scenario.faults:
            by_dep[f.deployment].append(f)
        if set(by_dep) & set(deps):
            out[name] = dict(by_dep)
    return out
