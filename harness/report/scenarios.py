"""Served quality, cost and latency of each task's chain under failure scenarios (routing-and-statistics.md §3.4.3).

Per case (and sample), as §3.4 prefers to means: each chain position's measured outcome in the fan-out (its score,
cost and latency; a failure when the routed walk would leave it: an error class, a semantic failure, a latency over
the task's budget) and, under a scenario, the suite's faults on top. `stats.scenario_expectation` gives the expected
served quality (an unserved case scores 0), cost and latency per case; the report shows their means. The row
"as measured" injects nothing: it is what a routed run (`harness run --routed`) measures, shown beside it.

Fault model (`scenarios.Fault`): each fault hits a call independently with its rate; the first hit with a failure
fails the attempt; retryable classes (the policy's `retry_on`) are retried up to `max_attempts`; semantic faults
(empty, truncated) answer, at the call's cost; others fail before the call (no cost). Latency faults add
rate × latency_ms per call. Latency is a lower bound: the time of retried attempts and of backoff waits between
them is not counted.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from harness import stats
from harness.config.routing import Policy, expand_classes, over_latency_budget
from harness.config.scenarios import SEMANTIC
from harness.errors import FailureClass
from harness.run.routed import semantic_failure

Row = dict[str, Any]
MEASURED = "as measured"


class Walk:
    """The classes a task's policy retries, falls back on and stops at."""

    def __init__(self, policy: Policy | None, budget: float | None, budget_on: str = "total") -> None:
        policy = policy or Policy()
        self.retry = expand_classes(policy.retry.retry_on)
        self.attempts = policy.retry.max_attempts
        self.through = expand_classes(policy.fallback_on) - expand_classes(policy.never_fallback_on)
        self.budget = budget
        self.budget_on = budget_on
        """What the budget bounds: total | ttft | both (the task's `latency_budget_on`)."""
        # Both are asked once per cell and scenario (100,000 cells: a third of the report's time); the rows and
        # the faults outlive the walk, so their ids are stable keys.
        self._measured: dict[int, tuple[str | None, float]] = {}
        self._injected: dict[tuple[int, ...], tuple[float, float, float, float]] = {}

    def measured(self, cell: Row) -> tuple[str | None, float]:
        """The routed walk's verdict on a fan-out cell: its failure class (None: it serves) and charged latency."""
        verdict = self._measured.get(id(cell))
        if verdict is None:
            verdict = self._measured[id(cell)] = self._measure(cell)
        return verdict

    def _measure(self, cell: Row) -> tuple[str | None, float]:
        latency = float(cell["latency_ms"] or 0.0)
        failure = cell["error_class"] or semantic_failure(cell)
        ttft = float(cell["ttft_ms"]) if cell.get("ttft_ms") is not None else latency  # not streamed: first = last
        if failure is None and self.budget is not None and over_latency_budget(self.budget, self.budget_on, latency,
                                                                               ttft):  # fmt: skip
            return str(FailureClass.timeout), self.budget  # production gives up at the budget
        return (str(failure) if failure else None), latency

    def injected(self, faults: Sequence[Any]) -> tuple[float, float, float, float]:
        """Under these faults, a call that would serve: P(fail, walk goes on), P(fail, walk stops), the share of
        failures that still cost the call (semantic), and the expected extra latency."""
        key = tuple(map(id, faults))
        odds = self._injected.get(key)
        if odds is None:
            odds = self._injected[key] = self._inject(faults)
        return odds

    def _inject(self, faults: Iterable[Any]) -> tuple[float, float, float, float]:
        first, clear, extra = [], 1.0, 0.0
        for f in faults:
            extra += f.rate * f.latency_ms
            if f.failure is not None:
                first.append((f.failure, f.rate * clear))  # this fault is the attempt's first failing hit
                clear *= 1 - f.rate
        q_retry = sum(p for c, p in first if FailureClass(c) in self.retry)
        tries = sum(q_retry**a for a in range(self.attempts))
        final = [
            (c, p * (q_retry ** (self.attempts - 1) if FailureClass(c) in self.retry else tries)) for c, p in first
        ]
        through = sum(p for c, p in final if FailureClass(c) in self.through)
        total = sum(p for _, p in final)
        semantic = sum(p for c, p in final if c in SEMANTIC) / total if total else 0.0
        return through, total - through, semantic, extra


def step(cell: Row, walk: Walk, faults: Sequence[Any], cost: float | None = None) -> stats.ChainStep:
    """A fan-out cell as a walk meets it, with `faults` (its deployment's, under a scenario) on top; `cost`
    replaces the cell's recorded cost (routing advice prices the measured tokens at today's prices)."""
    failure, latency = walk.measured(cell)
    cost = float(cell["cost_usd"] or 0.0) if cost is None else cost
    if failure is not None:
        stop = 0.0 if FailureClass(failure) in walk.through else 1.0
        return stats.ChainStep(1.0, 0.0, fail_cost=cost, fail_latency_ms=latency, stop=stop)
    through, stop, semantic, extra = walk.injected(faults)
    return stats.ChainStep(fail=through + stop, quality=float(cell["score"] or 0.0), cost=cost,
                           latency_ms=latency + extra, fail_cost=semantic * cost,
                           fail_latency_ms=semantic * latency + extra, stop=stop)  # fmt: skip


def _expect(units: list[dict[int, Row]], walk: Walk, faults: Mapping[str, list[Any]]) -> dict[str, Any]:
    served: defaultdict[str, float] = defaultdict(float)
    quality = cost = latency = unserved = 0.0
    for unit in units:
        order = sorted(unit)
        e = stats.scenario_expectation([step(unit[p], walk, faults.get(unit[p]["deployment"], [])) for p in order])
        for p, pi in zip(order, e.served, strict=True):
            served[unit[p]["deployment"]] += pi
        quality, cost, latency, unserved = (quality + e.quality, cost + e.cost, latency + e.latency_ms,
                                            unserved + e.unserved)  # fmt: skip
    n = len(units)
    shares = {d: v / n for d, v in sorted(served.items(), key=lambda x: -x[1]) if v > 0}
    return {"served": shares, "unserved": unserved / n, "quality": quality / n,
            "cost_per_1k": cost / n * 1000, "latency_ms": latency / n}  # fmt: skip


def _positions(units: list[dict[int, Row]], walk: Walk) -> list[dict[str, Any]]:
    """Per deployment, in chain order: measured failure rate and quality, cost, latency when it serves."""
    seen: dict[str, list[Row]] = defaultdict(list)
    first: dict[str, int] = {}
    for unit in units:
        for p, cell in unit.items():
            seen[cell["deployment"]].append(cell)
            first[cell["deployment"]] = min(first.get(cell["deployment"], p), p)
    out = []
    for dep in sorted(seen, key=lambda d: (first[d], d)):
        ok = [c for c in seen[dep] if walk.measured(c)[0] is None]
        out.append({"deployment": dep, "position": first[dep], "n": len(seen[dep]),
                    "fail_rate": 1 - len(ok) / len(seen[dep]),
                    "quality": stats.mean([float(c["score"] or 0.0) for c in ok]) if ok else None,
                    "cost_per_1k": stats.mean([float(c["cost_usd"] or 0.0) for c in ok]) * 1000 if ok else None,
                    "latency_ms": stats.mean([walk.measured(c)[1] for c in ok]) if ok else None})  # fmt: skip
    return out


def _routed(served: list[Row]) -> dict[str, Any] | None:
    """What a routed run measured on the same walk: means per case, an unserved case scoring 0."""
    if not served:
        return None
    n = len(served)
    who = Counter(r["served_deployment"] for r in served if r["served_deployment"])
    return {"n": n, "served": {d: v / n for d, v in who.most_common()},
            "unserved": sum(r["served_deployment"] is None for r in served) / n,
            "quality": sum(float(r["score"] or 0.0) for r in served) / n,
            "cost_per_1k": sum(float(r["cost_usd"] or 0.0) for r in served) / n * 1000,
            "latency_ms": sum(float(r["latency_ms"] or 0.0) for r in served) / n,
            "simulated": any(r.get("simulated") for r in served)}  # fmt: skip


def expectations(
    rows: list[Row],
    policies: Mapping[str, Policy],
    budgets: Mapping[str, float | None],
    scenarios: Mapping[str, Any],
    served: list[Row],
    budget_on: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """Per task and variant: positions as measured, then the expectation as measured and under each suite scenario
    whose faults touch the chain, with the routed run's measured numbers when there is one."""
    units: dict[tuple[str, str], dict[tuple[str, int], dict[int, Row]]] = defaultdict(lambda: defaultdict(dict))
    for r in rows:
        if r["chain_position"] is not None:
            units[(r["task"], r["variant"])][(r["case_id"], r["sample"])][r["chain_position"]] = r
    walked: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for s in served:
        walked[(s["task"], s["variant"])].append(s)
    out = []
    for (task, variant), by_unit in sorted(units.items()):
        walk = Walk(policies.get(task), budgets.get(task), (budget_on or {}).get(task, "total"))
        chain = {r["deployment"] for u in by_unit.values() for r in u.values()}
        unit_list = [by_unit[k] for k in sorted(by_unit)]
        rows_out = [{"scenario": MEASURED, "description": "the fan-out's own failures, nothing injected", "faults": [],
                     **_expect(unit_list, walk, {})}]  # fmt: skip
        for name, scenario in sorted(scenarios.items()):
            faults: dict[str, list[Any]] = defaultdict(list)
            for f in scenario.faults:
                faults[f.deployment].append(f)
            if set(faults) & chain:
                described = [f"{f.deployment}: {f.failure or f'+{f.latency_ms:g} ms'} {f.rate:.0%}"
                             for f in scenario.faults if f.deployment in chain]  # fmt: skip
                rows_out.append({"scenario": name, "description": scenario.description, "faults": described,
                                 **_expect(unit_list, walk, faults)})  # fmt: skip
        out.append({"task": task, "variant": variant, "cases": len(unit_list), "positions": _positions(unit_list, walk),
                    "rows": rows_out, "routed": _routed(walked.get((task, variant), [])),
                    "simulated": any(r["simulated"] for u in unit_list for r in u.values())})  # fmt: skip
    return out
