"""Per-attempt deadlines (`attempt_deadline`, a task's `deadlines`; `config/latency.py`) on a provider call.

A live call runs under one asyncio timeout set to the TTFT deadline; the provider's `Clock` reports the first
content chunk through `providers.watch.WATCH`, which moves the timeout to the total deadline. A timeout that fires
is a `latency_exceeded` error carrying the text delivered so far (`Watch.partial`), when it was cut and what it is
billed (`ProviderError.billed`); the run's own `timeout_s` stays the outer bound (`timeout` as before). A simulated
answer's latency is drawn, not slept for, so it is judged after the fact on its drawn TTFT and total (`check`), with
the share of its text a stream would have delivered by the cut; so is a live answer that ended past its deadline
before its timer could fire (an event loop held by other work).

What a cut attempt costs: its input tokens, and the output tokens streamed before the cut (a simulated or cached
answer's share of its known usage; a live call's estimate from its request and its partial text, as the API returns
no usage for a stream it did not finish). `hedging.partial_cost` charges a cancelled hedge the same way.

Every live call is watched the same way (`live`), deadline or not: one that outlasts the run's `timeout_s` is a
`timeout` that keeps the text it had streamed (`attempts.partial_output`), like a cut one, but is not counted in
`cost_usd` (a timeout is retried as a fault, not cut as a latency promise; its partial bill would be an estimate
attached to whichever attempt came last).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable

from harness.config.latency import Deadline
from harness.config.routing import RoutingTable
from harness.errors import FailureClass, ProviderError
from harness.providers.watch import WATCH, Watch
from harness.types import Completion, Usage

#: Characters per token for the estimate of a live call's streamed output (the runner's own rule of thumb).
CHARS_PER_TOKEN = 4


def table(routing: RoutingTable) -> dict[tuple[str, str], Deadline]:
    """Every (task, deployment) of the routing table with an attempt deadline (a judge's calls, task "", have none)."""
    out = {}
    for task in routing.tasks:
        for dep in routing.candidates(task):
            if (deadline := routing.deadline(task, dep)) is not None:
                out[(task, dep)] = deadline
    return out


def exceeded(deadline: Deadline, which: str, partial: str | None, billed: Usage) -> ProviderError:
    """The error of an attempt cut at `which` (`ttft`: no first token; `total`: not finished)."""
    cut = deadline.cut_at(which)
    what = "no first token" if which == "ttft" else "not finished"
    e = ProviderError(FailureClass.latency_exceeded, f"{what} within the {cut:g} ms deadline: cancelled",
                      partial=partial or None)  # fmt: skip
    e.cut_ms, e.billed = cut, billed
    return e


def timed_out(timeout_s: float, partial: str | None = None) -> ProviderError:
    """The error of a call that outlasted the run's `timeout_s`, with the text it had streamed."""
    return ProviderError(FailureClass.timeout, f"no answer within {timeout_s:g} s", partial=partial or None)


async def live(call: Awaitable[Completion], deadline: Deadline | None, timeout_s: float, input_tokens: int
               ) -> Completion:  # fmt: skip
    """Await a live provider call under `deadline` (`within`) or, without one, the run's `timeout_s` alone; past
    the timeout raise `timed_out(...)` with the text streamed so far."""
    if deadline is not None:
        return await within(call, deadline, timeout_s, input_tokens)
    watch = Watch()
    token = WATCH.set(watch)
    try:
        async with asyncio.timeout(timeout_s) as scope:
            return await call
    except TimeoutError:
        if not scope.expired():  # raised inside the call, not by our timer
            raise
        raise timed_out(timeout_s, watch.partial()) from None
    finally:
        WATCH.reset(token)


async def within(call: Awaitable[Completion], deadline: Deadline, timeout_s: float, input_tokens: int) -> Completion:
    """Await a live provider call under `deadline`; raise `exceeded(...)` when cut, `timed_out(...)` past `timeout_s`.
    `input_tokens`: the request's estimate, billed when it is cut."""
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    total = min(timeout_s, deadline.total_ms / 1000) if deadline.total_ms else timeout_s
    first = deadline.ttft_ms / 1000 if deadline.ttft_ms else None
    watch = Watch()
    try:
        async with asyncio.timeout_at(t0 + min(first, total) if first else t0 + total) as scope:
            watch.on_first = lambda: scope.reschedule(t0 + total)
            token = WATCH.set(watch)
            try:
                completion = await call
            finally:
                WATCH.reset(token)
    except TimeoutError:
        if not scope.expired():  # raised inside the call, not by our timer
            raise
        if first is not None and watch.first_at is None and first <= total:
            raise exceeded(deadline, "ttft", None, Usage(input_tokens, 0)) from None
        if deadline.total_ms is not None and deadline.total_ms / 1000 <= timeout_s:
            text = watch.partial()
            raise exceeded(deadline, "total", text, Usage(input_tokens, len(text) // CHARS_PER_TOKEN)) from None
        raise timed_out(timeout_s, watch.partial()) from None
    elapsed = (loop.time() - t0) * 1000
    first_ms = completion.ttft_ms if completion.ttft_ms is not None else elapsed
    which = deadline.over(first_ms, elapsed)
    if which is not None:  # ended past the deadline before the timer could fire
        partial = _delivered(completion, deadline, which, first_ms, elapsed)
        raise exceeded(deadline, which, partial, _billed(completion, deadline, which, first_ms, elapsed))
    return completion


def check(completion: Completion, deadline: Deadline) -> None:
    """Raise `exceeded(...)` when an answer's recorded times passed the deadline (simulated and cached answers)."""
    which = deadline.over(completion.ttft_ms, completion.latency_ms)
    if which is None:
        return
    first = completion.ttft_ms if completion.ttft_ms is not None else completion.latency_ms
    partial = _delivered(completion, deadline, which, first, completion.latency_ms)
    raise exceeded(deadline, which, partial, _billed(completion, deadline, which, first, completion.latency_ms))


def late(completion: Completion, deadline: Deadline | None) -> ProviderError | None:
    """`check`'s error, returned: None when there is no deadline or the answer kept it."""
    if deadline is None:
        return None
    try:
        check(completion, deadline)
    except ProviderError as e:
        return e
    return None


def _share(deadline: Deadline, which: str, first: float, total: float) -> float:
    """The share of the answer's output streamed before the cut."""
    if which == "ttft" or total <= first:
        return 0.0
    return max(0.0, min((deadline.cut_at("total") - first) / (total - first), 1.0))


def _delivered(completion: Completion, deadline: Deadline, which: str, first: float, total: float) -> str | None:
    text = completion.text[: int(len(completion.text) * _share(deadline, which, first, total))]
    return text or None


def _billed(completion: Completion, deadline: Deadline, which: str, first: float, total: float) -> Usage:
    out = int(completion.usage.output_tokens * _share(deadline, which, first, total))
    return Usage(completion.usage.input_tokens, out)
