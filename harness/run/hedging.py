"""Hedged requests in routed play: a slow position's next one starts early, and the first token serves.

With a task's `hedge` policy (`config/latency.py`), one request's walk becomes a race on its own clock (ms from the
request). Each position's fan-out cell says how that call went: an answer that serves delivers its first token at
`start + TTFT` (a non-streamed answer, with its last) and ends at `start + latency`; a call that fails (an error
class, a semantic failure, a latency over the task's budget; `routed.walk`'s verdicts) fails at `start + its charged
latency`. When the running position has no first token `after` ms from its start and the chain has another
position, that position starts too (at most two in flight, as routers hedge). The first answer to deliver a token
serves; the other is cancelled then and charged what it had cost by that moment: its input tokens once it started,
and the share of its output streamed before the cut (as `deadlines` bills a cut attempt). The hedge's extra cost
(`player`) is what the request cost hedged less what the plain walk (`routed.walk`) would have cost it: the racers
that did not serve, less what a slow answer would have cost to finish (below 0 when cancelling it saved more than
the hedge spent). A failure lets the other racer run on (and
hedge again); with none left, the walk moves on from the failure as the plain walk does, or stops on a class it must
not fall back on.

The race judges a failure when the call fails, so a semantic failure (an empty or refused answer) loses even if its
first chunk came first: the idealisation is a router that validates before it commits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from harness import stats
from harness.config.latency import Hedge
from harness.config.routing import Policy, expand_classes
from harness.errors import FailureClass
from harness.run.routed import Key, Play, verdict, walk

Row = dict[str, Any]
#: Prices of a deployment: dollars per input token and per output token.
Prices = Mapping[str, tuple[float, float]]
CANCELLED = "hedge_cancelled"


def delays(cells: Iterable[Row], hedges: Mapping[str, Hedge]) -> dict[tuple[str, str], float]:
    """Per (task, deployment) of a hedged task: when to hedge, in ms after its start. `p95_ttft`: the deployment's
    p95 time to first token on the task among its answers in this run (a non-streamed answer: its latency)."""
    seen: dict[tuple[str, str], list[float]] = {}
    for c in cells:
        if c.get("task") in hedges and c.get("status") == "ok":
            first = c.get("ttft_ms") if c.get("ttft_ms") is not None else c.get("latency_ms")
            if first is not None:
                seen.setdefault((c["task"], c["deployment"]), []).append(float(first))
    out: dict[tuple[str, str], float] = {}
    for (task, dep), firsts in seen.items():
        after = hedges[task].after
        delay = stats.quantile(firsts, 0.95) if after == "p95_ttft" else float(after)
        if delay is not None:
            out[(task, dep)] = delay
    return out


def when(task: str, hedge: Hedge, wait: Mapping[tuple[str, str], float]) -> Callable[[str], float | None]:
    """A hedged task's delay per deployment (ms after its start): `p95_ttft` from `delays`, else the fixed ms."""
    after = hedge.after
    if after == "p95_ttft":
        return lambda dep: wait.get((task, dep))
    return lambda _dep: float(after)


def partial_cost(cell: Row, elapsed_ms: float, prices: Prices) -> float:
    """What a call cancelled `elapsed_ms` after its start had cost: its input once sent, and the share of its output
    streamed by then."""
    per_in, per_out = prices.get(cell["deployment"], (0.0, 0.0))
    cost = float(cell.get("input_tokens") or 0) * per_in
    latency = float(cell.get("latency_ms") or 0.0)
    ttft = float(cell["ttft_ms"]) if cell.get("ttft_ms") is not None else latency
    if elapsed_ms > ttft and latency > ttft:
        cost += float(cell.get("output_tokens") or 0) * per_out * min(1.0, (elapsed_ms - ttft) / (latency - ttft))
    return cost


@dataclass
class _Racer:
    position: int
    cell: Row
    start: float
    failure: str | None
    charged: float
    ttft: float

    @property
    def event(self) -> float:
        """When it serves (its first token) or fails."""
        return self.start + (self.ttft if self.failure is None else self.charged)


#: A cell's (failure, charged latency, TTFT) as a walk meets it (`routed.verdict`; the router runtime's own).
Judge = Callable[[Row, float | None, str], tuple[str | None, float, float]]
#: Why a deployment cannot be started `t` ms into the request (the runtime's `cooldown`), or None.
Skip = Callable[[str, float], str | None]


def hedged_walk(by_pos: Mapping[int, Row], chain_length: int, policy: Policy, budget: float | None, on: str,
                after: Callable[[str], float | None], prices: Prices, judge: Judge = verdict,
                skip: Skip | None = None) -> Row:  # fmt: skip
    """One request's hedged walk; the served record's body (`routed.walk`'s, plus `ttft_ms`, `hedged` and
    `cancelled_cost_usd`: what the racers cancelled for the winner cost, in `cost_usd` too). `skip`: a position
    whose deployment it names a reason for when its turn comes is passed over at no cost (the path says why); when
    the hedge's would-be racer is skipped, the running position races alone and the fallback asks again."""
    through = expand_classes(policy.fallback_on) - expand_classes(policy.never_fallback_on)
    waiting = [p for p in range(chain_length) if p in by_pos]
    racers: list[_Racer] = []
    path: list[Row] = []
    cost = extra = 0.0
    hedged, final, now = False, None, 0.0

    def start(t: float) -> bool:
        nonlocal final
        while waiting:
            pos = waiting.pop(0)
            cell = by_pos[pos]
            if skip is not None and (why := skip(cell["deployment"], t)) is not None:
                path.append({"deployment": cell["deployment"], "position": pos, "outcome": why,
                             "start_ms": round(t, 3)})  # fmt: skip
                final = final or why
                continue
            failure, charged, ttft = judge(cell, budget, on)
            racers.append(_Racer(pos, cell, t, failure, charged, ttft))
            return True
        return False

    start(0.0)
    declined: set[int] = set()  # racers whose hedge found the next deployment skipped: they race alone
    while racers:
        lead = min(racers, key=lambda r: r.event)
        alone = racers[0]
        lone = len(racers) == 1 and waiting and alone.position not in declined
        wait = after(alone.cell["deployment"]) if lone else None
        if wait is not None and alone.start + wait < lead.event:
            at = max(now, alone.start + wait)
            if skip is not None and skip(by_pos[waiting[0]]["deployment"], at) is not None:
                declined.add(alone.position)  # no hedge now; a fallback meets it again when its turn comes
            else:
                hedged = start(at) or hedged
            continue
        racers.remove(lead)
        now = lead.event
        step = {"deployment": lead.cell["deployment"], "position": lead.position, "start_ms": round(lead.start, 3)}
        if lead.failure is None:
            return _won(lead, racers, path + [step | {"outcome": "ok"}], now, cost, extra, hedged, prices)
        path.append(step | {"outcome": lead.failure})
        cost += float(lead.cell.get("cost_usd") or 0.0)
        final = lead.failure
        if racers:
            continue
        if FailureClass(lead.failure) not in through:
            break
        start(now)
    path.sort(key=lambda s: s["position"])
    return {"served_deployment": None, "served_position": None, "served_cell": None, "status": "error",
            "failure_class": final or "skipped_budget", "path": path, "latency_ms": round(now, 3), "ttft_ms": None,
            "cost_usd": cost, "hedged": hedged, "cancelled_cost_usd": extra}  # fmt: skip


def _won(lead: _Racer, others: list[_Racer], path: list[Row], now: float, cost: float, extra: float, hedged: bool,
         prices: Prices) -> Row:  # fmt: skip
    """The served body when `lead`'s first token wins at `now`: the others cancelled then, charged what they cost."""
    for other in others:
        spent = partial_cost(other.cell, now - other.start, prices)
        cost, extra = cost + spent, extra + spent
        path.append({"deployment": other.cell["deployment"], "position": other.position, "outcome": CANCELLED,
                     "start_ms": round(other.start, 3)})  # fmt: skip
    path.sort(key=lambda s: s["position"])
    cost += float(lead.cell.get("cost_usd") or 0.0)
    return {"served_deployment": lead.cell["deployment"], "served_position": lead.position,
            "served_cell": lead.cell["cell_key"], "status": "ok", "failure_class": None, "path": path,
            "latency_ms": round(lead.start + float(lead.cell.get("latency_ms") or 0.0), 3),
            "ttft_ms": round(now, 3), "cost_usd": cost, "hedged": hedged, "cancelled_cost_usd": extra}  # fmt: skip


def player(cells: Iterable[Row], policies: Mapping[str, Policy], budgets: Mapping[str, float | None],
           budget_on: Mapping[str, str], prices: Prices) -> Play | None:  # fmt: skip
    """`routed.served_records`' hook for the hedged tasks of a table without a router runtime (the others walk as
    usual; with a runtime, `router_runtime` races them on its clock); None when no task hedges."""
    hedges = {t: p.hedge for t, p in policies.items() if p.hedge is not None}
    if not hedges:
        return None
    wait = delays(cells, hedges)

    def run(groups: dict[Key, dict[int, Row]], chains: dict[Key, list[str]]) -> dict[Key, Row]:
        out: dict[Key, Row] = {}
        for key, by_pos in groups.items():
            task = key[0]
            if task in hedges:
                policy, budget, on = policies[task], budgets.get(task), budget_on.get(task, "total")
                body = hedged_walk(by_pos, len(chains[key]), policy, budget, on, when(task, hedges[task], wait), prices)
                plain = walk(by_pos, len(chains[key]), policy, budget, on)
                body.pop("cancelled_cost_usd")
                out[key] = body | {"hedge_cost_usd": body["cost_usd"] - plain["cost_usd"]}
        return out

    return run
