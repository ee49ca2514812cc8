"""Per-attempt deadlines (`attempt_deadline`, a task's `deadlines`; `config/latency.py`) on a provider call.

A live call runs under one asyncio timeout set to the TTFT deadline; the provider's `Clock` reports the first
content chunk through `stream_convert.WATCH`, which moves the timeout to the total deadline. A timeout that fires
is a `latency_exceeded` error carrying the text delivered so far (`Watch.partial`) and when it was cut; the run's
own `timeout_s` stays the outer bound (`timeout` as before). A simulated answer's latency is drawn, not slept for,
so it is judged after the fact on its drawn TTFT and total (`check`), with the share of its text a stream would have
delivered by the cut.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable

from harness.config.latency import Deadline
from harness.errors import FailureClass, ProviderError
from harness.providers.watch import WATCH, Watch
from harness.types import Completion


def exceeded(deadline: Deadline, which: str, partial: str | None) -> ProviderError:
    """The error of an attempt cut at `which` (`ttft`: no first token; `total`: not finished)."""
    cut = deadline.cut_at(which)
    what = "no first token" if which == "ttft" else "not finished"
    e = ProviderError(FailureClass.latency_exceeded, f"{what} within the {cut:g} ms deadline: cancelled",
                      partial=partial or None)  # fmt: skip
    e.cut_ms = cut
    return e


async def within(call: Awaitable[Completion], deadline: Deadline, timeout_s: float) -> Completion:
    """Await a live provider call under `deadline`; raise `exceeded(...)` when cut, TimeoutError past `timeout_s`."""
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
                return await call
            finally:
                WATCH.reset(token)
    except TimeoutError:
        if first is not None and watch.first_at is None and first <= total:
            raise exceeded(deadline, "ttft", None) from None
        if deadline.total_ms is not None and deadline.total_ms / 1000 <= timeout_s:
            raise exceeded(deadline, "total", watch.partial()) from None
        raise


def check(completion: Completion, deadline: Deadline) -> None:
    """Raise `exceeded(...)` when an answer's recorded times passed the deadline (simulated answers, and a live one
    that ended between the deadline and its timer)."""
    which = deadline.over(completion.ttft_ms, completion.latency_ms)
    if which is None:
        return
    partial = None
    if which == "total" and completion.ttft_ms is not None and completion.latency_ms > completion.ttft_ms:
        share = (deadline.cut_at("total") - completion.ttft_ms) / (completion.latency_ms - completion.ttft_ms)
        partial = completion.text[: int(len(completion.text) * max(0.0, min(share, 1.0)))]
    raise exceeded(deadline, which, partial)


def late(completion: Completion, deadline: Deadline | None) -> ProviderError | None:
    """`check`'s error, returned: None when there is no deadline or the answer kept it."""
    if deadline is None:
        return None
    try:
        check(completion, deadline)
    except ProviderError as e:
        return e
    return None
