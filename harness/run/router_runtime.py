"""The router's runtime in routed play: cooldowns and load-balanced chain steps, on a simulated request clock.

Routed play (`routed.py`) walks each case down its chain from the fan-out's cells. With a `router:` block or a
task's `balance:` groups in the routing table, the walks are played as one request stream instead, the way LiteLLM
or Portkey would meet them:

- **Clock.** Every (task, case, variant, sample) is one request; they arrive in a seeded order (tasks interleaved),
  `requests_per_s` apart. A fallback's call starts when the earlier positions' latency has passed.
- **Cooldowns.** Each call a walk makes is recorded against its deployment: failed when the cell ended in an error
  class (a semantic failure is a 200 the router does not see; a latency over the task's budget counts, as the
  router's timeout). A deployment whose calls in the last `window_s` failed more than `failure_share` of the time
  (at least `min_requests` calls), or whose call failed with an `immediate` class, is skipped until `seconds` have
  passed: a walk that meets it records `cooldown` on its path and moves on at no cost. A walk that finds every
  position cooling ends unserved with the class `cooldown`.
- **Balancing.** A balance group's members stand next to each other in the chain; per request the walk tries the
  picked member first (a seeded draw by weight, or the member with the fewest requests in flight per unit of
  weight), then the others by weight, then the next step.

The failure share counts calls, as LiteLLM does: a cell's retried attempts are calls too (all failed when the cell
failed, all but the last when it answered), recorded at the time the walk reached the cell.

- **Hedging.** A task with a `hedge` policy races as `hedging.hedged_walk` does, over the positions this runtime
  would try (balance groups' order), judging cells as this walk does (the budget's timeout first) and passing over
  a deployment cooling when its turn comes; every racer counts in its deployment's health and load from its start
  (a racer cancelled for the winner: in flight until then, neither failed nor answered), and `hedge_cost_usd` is
  against this walk unhedged on the same health.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_left, bisect_right
from collections import defaultdict, deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from harness.config.router import Balance, Cooldown, RouterSettings, fits
from harness.config.routing import Policy, RoutingTable, expand_classes, over_latency_budget
from harness.errors import FailureClass
from harness.run import hedging
from harness.run.routed import Key, Play, semantic_failure

Row = dict[str, Any]
COOLDOWN = "cooldown"


@dataclass
class Runtime:
    """What the routing table asks of routed play beyond the chain."""

    settings: RouterSettings
    balance: dict[str, list[Balance]] = field(default_factory=dict)

    @classmethod
    def of(cls, table: RoutingTable, cooldowns: bool = True) -> Runtime | None:
        """The table's runtime; None when it has neither cooldowns nor balance groups (the plain walk).
        `cooldowns=False`: the same balancing without cooldowns (the report's comparison)."""
        settings = table.router if cooldowns else table.router.model_copy(update={"cooldown": None})
        balance = {t: list(r.balance) for t, r in table.tasks.items() if r.balance}
        if settings.cooldown is None and not balance:
            return None
        return cls(settings, balance)

    def player(self, policies: Mapping[str, Policy], budgets: Mapping[str, float | None],
               budget_on: Mapping[str, str] | None = None, prices: hedging.Prices | None = None) -> Play:  # fmt: skip
        """`routed.served_records`' hook: every walk of the run played on this runtime, hedged tasks racing (their
        cancelled racers charged at `prices`)."""

        def run(groups: dict[Key, dict[int, Row]], chains: dict[Key, list[str]]) -> dict[Key, Row]:
            reqs = [Request(k, by_pos, chains[k]) for k, by_pos in groups.items()]
            hedges = {t: p.hedge for t, p in policies.items() if p.hedge is not None}
            wait = hedging.delays((c for by_pos in groups.values() for c in by_pos.values()), hedges)
            races = {t: Race(hedging.when(t, h, wait), prices or {}) for t, h in hedges.items()}
            bodies, _ = play(reqs, self, policies, budgets, budget_on, races)
            return bodies

        return run


@dataclass(frozen=True)
class Race:
    """What a hedged task's walks need: when to hedge after a position's start (ms, per deployment) and prices."""

    after: Callable[[str], float | None]
    prices: hedging.Prices


def draw(seed: int, *parts: object) -> float:
    """A uniform number in [0, 1) fixed by the seed and the parts (no global random state)."""
    digest = hashlib.sha256(repr((seed, *parts)).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def arrival_order(keys: Sequence[Key], seed: int) -> list[Key]:
    """The request stream: every key once, tasks interleaved, the same for the same seed."""
    return sorted(keys, key=lambda k: draw(seed, "arrival", *k))


class Health:
    """Per deployment, the calls of the last window and the time it is cooling until."""

    def __init__(self, rule: Cooldown | None) -> None:
        self.rule = rule
        self.calls: dict[str, deque[tuple[float, bool]]] = defaultdict(deque)
        self.until: dict[str, float] = {}
        self.cooled: list[tuple[str, float, str]] = []
        """(deployment, time, why) each time a deployment was cooled."""

    def cooling(self, dep: str, t: float) -> bool:
        return self.until.get(dep, float("-inf")) > t

    def record(self, dep: str, t: float, failure: str | None, attempts: int = 1) -> None:
        """One cell's calls: its `attempts` (retries included), all failed when it ended in `failure`, else all
        but the last."""
        rule = self.rule
        if rule is None:
            return
        window = self.calls[dep]
        window.extend([(t, True)] * (attempts if failure is not None else max(attempts - 1, 0)))
        if failure is None:
            window.append((t, False))
        while window and window[0][0] <= t - rule.window_s:
            window.popleft()
        failed = sum(f for _, f in window)
        if failure is not None and failure in rule.immediate:
            self._cool(dep, t, failure)
        elif len(window) >= rule.min_requests and failed / len(window) > rule.failure_share:
            self._cool(dep, t, f"{failed}/{len(window)} calls failed")

    def _cool(self, dep: str, t: float, why: str) -> None:
        assert self.rule is not None
        self.until[dep] = t + self.rule.seconds
        self.calls[dep].clear()  # a deployment back from its cooldown starts with a clean window
        self.cooled.append((dep, round(t, 3), why))


class Load:
    """Requests in flight per deployment: each call occupies it from its start for its latency (a fallback's call
    starts later than its request arrived, so it counts only from then)."""

    def __init__(self) -> None:
        self.calls: dict[str, list[tuple[float, float]]] = defaultdict(list)
        """(end, start) per deployment, by end."""

    def busy(self, dep: str, t: float) -> int:
        calls = self.calls[dep]
        del calls[: bisect_right(calls, (t, float("inf")))]  # calls that ended: arrivals only move forward
        return sum(start <= t for _, start in calls)

    def add(self, dep: str, start: float, latency_ms: float) -> None:
        end = start + latency_ms / 1000
        calls = self.calls[dep]
        calls.insert(bisect_left(calls, (end, start)), (end, start))


def order(chain: Sequence[str], groups: Sequence[Balance], key: Key, t: float, load: Load, seed: int
          ) -> tuple[list[int], dict[str, str]]:  # fmt: skip
    """The positions one request tries, in order, and the member each group picked (group label -> member)."""
    positions = list(range(len(chain)))
    picks: dict[str, str] = {}
    for g in groups:
        if not fits(chain, g):
            continue  # a route's own chain without the group: walked as written
        spots = sorted(chain.index(d) for d in g.deployments)
        if g.strategy == "weighted":
            u, acc, picked = draw(seed, "pick", *key) * sum(map(g.weight, g.deployments)), 0.0, g.deployments[-1]
            for d in g.deployments:
                acc += g.weight(d)
                if u < acc:
                    picked = d
                    break
        else:
            picked = min(g.deployments, key=lambda d: (load.busy(d, t) / g.weight(d), g.deployments.index(d)))
        rest = sorted((d for d in g.deployments if d != picked), key=lambda d: (-g.weight(d), g.deployments.index(d)))
        for spot, dep in zip(spots, [picked, *rest], strict=True):
            positions[spot] = chain.index(dep)
        picks[" + ".join(g.deployments)] = picked
    return positions, picks


def _verdict(cell: Row, budget: float | None, on: str = "total") -> tuple[str | None, str | None, float]:
    """(failure the walk sees, failure the router sees, charged latency) of one cell; the budget bounds the
    measure the task names (`latency_budget_on`; a cell without a TTFT was not streamed)."""
    latency = float(cell.get("latency_ms") or 0.0)
    if cell.get("error_class"):
        return str(cell["error_class"]), str(cell["error_class"]), latency
    ttft = float(cell["ttft_ms"]) if cell.get("ttft_ms") is not None else latency
    if budget is not None and over_latency_budget(budget, on, latency, ttft):
        return str(FailureClass.timeout), str(FailureClass.timeout), budget  # production gives up at the budget
    semantic = semantic_failure(cell)
    return (str(semantic) if semantic else None), None, latency


def _first(cell: Row) -> float:
    """A served cell's time to first token (not streamed: with its last)."""
    return float(cell["ttft_ms"] if cell.get("ttft_ms") is not None else cell.get("latency_ms") or 0.0)


@dataclass
class Request:
    key: Key
    by_pos: Mapping[int, Row]
    chain: Sequence[str]


def walk_request(req: Request, t: float, policy: Policy, budget: float | None, groups: Sequence[Balance],
                 health: Health, load: Load, seed: int, budget_on: str = "total", race: Race | None = None
                 ) -> Row:  # fmt: skip
    """One request's walk at time `t`: the served record's body, with the cooled positions it skipped."""
    positions, picks = order(req.chain, groups, req.key, t, load, seed)
    if race is not None:
        body = _race(req, t, positions, policy, budget, health, load, budget_on, race)
    else:
        body = _walk(req, t, positions, policy, budget, health, load, budget_on)
    return body | {"at_s": round(t, 3), "picks": picks}


def _walk(req: Request, t: float, positions: Sequence[int], policy: Policy, budget: float | None, health: Health,
          load: Load, on: str, record: bool = True) -> Row:  # fmt: skip
    """The walk down `positions` (`record`: each call counted in its deployment's health and load)."""
    through = expand_classes(policy.fallback_on) - expand_classes(policy.never_fallback_on)
    path: list[Row] = []
    latency = cost = 0.0
    final: str | None = None
    for position in positions:
        cell = req.by_pos.get(position)
        if cell is None:
            continue  # ineligible for this case: production never calls it
        dep = cell["deployment"]
        if health.cooling(dep, t + latency / 1000):
            path.append({"deployment": dep, "position": position, "outcome": COOLDOWN})
            final = final or COOLDOWN
            continue
        failure, seen, charged = _verdict(cell, budget, on)
        before, start = latency, t + latency / 1000
        if record:
            health.record(dep, start, seen, int(cell.get("attempts") or 1))
            load.add(dep, start, charged)
        latency += charged
        cost += float(cell.get("cost_usd") or 0.0)
        path.append({"deployment": dep, "position": position, "outcome": failure or "ok"})
        if failure is None:
            return {"served_deployment": dep, "served_position": position, "served_cell": cell["cell_key"],
                    "status": "ok", "failure_class": None, "path": path, "latency_ms": round(latency, 3),
                    "ttft_ms": round(before + _first(cell), 3), "cost_usd": cost}  # fmt: skip
        final = failure
        if FailureClass(failure) not in through:
            break
    return {"served_deployment": None, "served_position": None, "served_cell": None, "status": "error",
            "failure_class": final or "skipped_budget", "path": path, "latency_ms": round(latency, 3),
            "ttft_ms": None, "cost_usd": cost}  # fmt: skip


def _race(req: Request, t: float, positions: Sequence[int], policy: Policy, budget: float | None, health: Health,
          load: Load, on: str, race: Race) -> Row:  # fmt: skip
    """`walk_request` for a hedged task (see the module docstring): the race judges cells as the runtime's walk does
    and skips a deployment cooling when its turn comes; `hedge_cost_usd` is against that walk unhedged."""
    plain = _walk(req, t, positions, policy, budget, health, load, on, record=False)
    turns = [p for p in positions if p in req.by_pos]
    by_turn = {i: req.by_pos[p] for i, p in enumerate(turns)}

    def judge(cell: Row, b: float | None, o: str) -> tuple[str | None, float, float]:
        failure, _, charged = _verdict(cell, b, o)
        return failure, charged, _first(cell)

    def skip(dep: str, at_ms: float) -> str | None:
        return COOLDOWN if health.cooling(dep, t + at_ms / 1000) else None

    body = hedging.hedged_walk(by_turn, len(turns), policy, budget, on, race.after, race.prices, judge, skip)
    for step in body["path"]:
        cell, start = by_turn[step["position"]], t + step["start_ms"] / 1000
        if step["outcome"] == hedging.CANCELLED:  # in flight until the winner's first token
            load.add(cell["deployment"], start, float(body["ttft_ms"]) - step["start_ms"])
        elif step["outcome"] != COOLDOWN:
            _, seen, charged = _verdict(cell, budget, on)
            health.record(cell["deployment"], start, seen, int(cell.get("attempts") or 1))
            load.add(cell["deployment"], start, charged)
        step["position"] = turns[step["position"]]
    served = body.pop("served_position")
    body.pop("cancelled_cost_usd")
    return body | {"served_position": turns[served] if served is not None else None,
                   "hedge_cost_usd": body["cost_usd"] - plain["cost_usd"]}  # fmt: skip


def play(requests: Sequence[Request], runtime: Runtime, policies: Mapping[str, Policy],
         budgets: Mapping[str, float | None], budget_on: Mapping[str, str] | None = None,
         races: Mapping[str, Race] | None = None) -> tuple[dict[Key, Row], Health]:  # fmt: skip
    """Every request walked in arrival order on one clock; the bodies by key, and the deployments' health (its
    `cooled` list says when each cooldown began and why). `races`: the hedged tasks' (`Runtime.player`)."""
    s = runtime.settings
    health, load = Health(s.cooldown), Load()
    by_key = {r.key: r for r in requests}
    out: dict[Key, Row] = {}
    for i, key in enumerate(arrival_order(list(by_key), s.seed)):
        req = by_key[key]
        task = key[0]
        out[key] = walk_request(req, i / s.requests_per_s, policies.get(task) or Policy(), budgets.get(task),
                                runtime.balance.get(task, []), health, load, s.seed,
                                (budget_on or {}).get(task, "total"), (races or {}).get(task))  # fmt: skip
    return out, health
