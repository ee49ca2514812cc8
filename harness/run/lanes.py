"""Per-deployment lanes: how many calls may be in flight to one deployment, and how fast they may start.

Every deployment gets its own lane (and its own workers in the runner), so a stalled or throttled deployment
never holds back the others. A lane combines:

- **Declared limits** from the model table (`rate_limits: {rpm, tpm}`): token buckets refilled continuously.
  A call reserves its request and its estimated tokens and waits until the bucket covers them, so calls are
  paced evenly instead of bursting into a 429.
- **Adaptive rate and concurrency, decided on shares per window, never per event** (issue 31). Cutting on every
  429 makes the rate settle where cuts (proportional to throughput) balance growth (proportional to time): about
  0.25/p requests per second under a share p of random 429s, whatever the real quota. Instead:

  1. *Classify before reacting.* A 429 whose response says the quota is spent (`x-ratelimit-remaining-*: 0` with
     a reset, `anthropic-ratelimit-*-remaining: 0`, Gemini's QuotaFailure) is a **quota** signal; any other 429,
     and a 529 / 503 overloaded, is **transient**: the call waits its Retry-After (the retry policy) and the 429
     counts toward its window's share, never a cut on its own. Headers read on every response: remaining / limit
     under 10% holds growth (the lane slows before the quota answers 429).
  2. *Decide per window* of at least `window_s` seconds and `window_n` attempts: cut once when the window saw a
     quota signal (which ends it at once) or its 429 share passed `share`; otherwise grow.
  3. *At most one cut per cooldown* of one round trip (the mean latency), extended by the Retry-After that came
     with the cut; outcomes of calls sent before the cut (they arrive during the cooldown) are not judged.
  4. *Grow only when the lane is in use*: calls in flight (paced ones included) at least half the limit, on
     average over the window.
  5. *Never above twice the measured send rate*: growth stops at twice the attempts per second of the window.

  A cut takes the request rate to the lower of 90% of itself and 95% of the successes in the last second (what
  the quota let through), and on a share cut (overload rather than a spent quota) the in-flight limit to 90%; a
  lane with no rate yet learns one (90% of the successes it measured over the last seconds), or with nothing
  measured pauses for the Retry-After. Growth is 10% of the limit (at least one) and 5% of the rate per window,
  doubling (10%, 20%, 40%, then 50%) over consecutive windows without a 429 or low headroom, so a quota that came
  back is found in seconds; up to the declared ceiling, `max_concurrency` and (rule 5) twice the send rate, which
  bounds the overshoot.
- **Retry-After**: the call that got a 429 always waits it out (the retry policy), without holding a slot.

Every cut is recorded (`Lane.history`, with its cause and the window that caused it) and the runner journals it,
so a run can say how its limits moved.
"""

# longer than 400 lines because a lane's controller is one state machine: its buckets, windows, cuts, growth and the
# cuts it follows from the run's other processes (`follow`) read and write the same state.

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from harness.errors import FailureClass
from harness.types import RateSignal

Clock = Callable[[], float]
Kind = Literal["quota", "transient"]


def kind_of(failure: FailureClass | None, rate: RateSignal | None = None) -> Kind | None:
    """Which kind of rate limit an outcome was: a spent quota, a transient throttle, or none."""
    if failure == FailureClass.rate_limited:
        return "quota" if rate is not None and rate.spent else "transient"
    if failure == FailureClass.overloaded:
        return "transient"
    return None


@dataclass
class Bucket:
    """A token bucket refilled continuously at `rate` units per second up to `capacity`."""

    rate: float
    capacity: float
    level: float
    stamp: float

    def wait(self, units: float, now: float) -> float:
        """Seconds until `units` are available (a request larger than the bucket needs it full), taking nothing."""
        self.level = min(self.capacity, self.level + (now - self.stamp) * self.rate)
        self.stamp = now
        need = min(units, self.capacity)
        return 0.0 if self.level >= need else (need - self.level) / self.rate

    def take(self, units: float) -> None:
        self.level -= units


class Slots:
    """An in-flight limit that can move: a semaphore whose capacity follows the lane's limit, waking one waiter
    per freed slot (a condition with notify_all would wake every queued worker on every release)."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.used = 0
        self._waiters: deque[asyncio.Future[None]] = deque()

    async def acquire(self) -> None:
        if self.used < self.capacity and not self._waiters:
            self.used += 1
            return
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(fut)
        try:
            await fut  # whoever granted it counted us in `used`
        except asyncio.CancelledError:
            if fut.done() and not fut.cancelled():
                self.release()  # granted, then cancelled before it ran: give the slot back
            elif fut in self._waiters:
                self._waiters.remove(fut)
            raise

    def release(self) -> None:
        self.used -= 1
        self._wake()

    def resize(self, capacity: int) -> None:
        self.capacity = capacity
        self._wake()

    def _wake(self) -> None:
        while self._waiters and self.used < self.capacity:
            fut = self._waiters.popleft()
            if not fut.done():
                self.used += 1
                fut.set_result(None)


class Slot:
    """`async with lane.slot(tokens)`: one in-flight slot, taken once the lane's pace allows, given back on the way out
    (a class rather than an `@asynccontextmanager` generator: it runs on every attempt)."""

    __slots__ = ("lane", "tokens")

    def __init__(self, lane: Lane, tokens: int) -> None:
        self.lane, self.tokens = lane, tokens

    async def __aenter__(self) -> None:
        await self.lane.slots.acquire()
        try:
            await self.lane._pace(self.tokens)
        except BaseException:
            self.lane.slots.release()
            raise

    async def __aexit__(self, *exc: object) -> None:
        self.lane.slots.release()


@dataclass
class Window:
    """The outcomes judged together: one decision per window."""

    start: float
    attempts: int = 0
    limited: int = 0
    """429s of both kinds and overloaded answers."""
    quota: int = 0
    """Of them, 429s whose response said the quota is spent."""
    near: bool = False
    """A response said remaining / limit is under the lane's `headroom`."""
    busy: int = 0
    """Calls in flight summed over the outcomes (mean = busy / attempts)."""
    retry_after: float = 0.0
    spent: str | None = None
    """The limit a quota signal named."""


@dataclass(frozen=True)
class Cut:
    """One cut of a lane's limits, and why."""

    t: float
    """Seconds since the lane started."""
    cause: Literal["quota", "share", "peer"]
    """quota: a 429 said the quota is spent; share: the window's 429 share passed the threshold; peer: another
    process of the run cut its lane for this deployment (`LanePeers`), and this lane followed."""
    limit: int
    """In-flight limit after the cut."""
    rate: float | None
    """Requests per second after the cut (None: unpaced, e.g. paused for the Retry-After instead)."""
    before: float | None
    """Requests per second before it."""
    attempts: int
    limited: int
    quota: int
    retry_after: float | None
    spent: str | None


class LanePeers(Protocol):
    """The other processes running shards of the same run (`harness run --executor ray`): each lane's cuts are
    published to them, and theirs are followed here, so a 429 episode on one node slows every node's lane."""

    def publish(self, deployment: str, cut: Cut) -> None: ...

    def pending(self, deployment: str) -> list[Cut]:
        """Cuts other processes made to `deployment` since the last call (never this process's own)."""
        ...


@dataclass
class Lane:
    name: str
    max_concurrency: int
    rpm: int | None = None
    tpm: int | None = None
    clock: Clock = time.monotonic
    window_s: float = 2.0
    window_n: int = 20
    share: float = 0.15
    """A window whose 429 share passes this cuts (random throttling below it only costs retries)."""
    headroom: float = 0.10
    """remaining / limit under this (from the response headers) holds growth."""
    rate_share: float = 1.0
    """This process's share of the declared rpm/tpm: 1/N for one of N shards running at once."""
    peers: LanePeers | None = None
    """The run's other processes: this lane's cuts are published to them (the runner applies theirs: `follow`)."""
    limit: int = field(init=False)
    paused_until: float = field(default=0.0, init=False)
    history: list[Cut] = field(default_factory=list, init=False)
    counts: dict[str, int] = field(default_factory=dict, init=False)
    """429s by kind (quota, transient), windows by decision (grown, held, idle, cut)."""

    def __post_init__(self) -> None:
        now = self.clock()
        if self.rate_share < 1:
            self.rpm, self.tpm = (max(1, int(x * self.rate_share)) if x else x for x in (self.rpm, self.tpm))
        self.limit = self.max_concurrency
        self.slots = Slots(self.limit)
        self.ceiling = self.rpm / 60 if self.rpm else None
        burst = max(1.0, (self.ceiling or 0.0) / 4)  # a quarter second of calls at once, not a whole second
        self.requests = Bucket(self.ceiling, burst, burst, now) if self.ceiling else None
        tps = self.tpm / 60 if self.tpm else None
        self.tokens = Bucket(tps, tps, tps, now) if tps else None
        self._pacing = asyncio.Lock()
        self.started = now
        self._window = Window(now)
        self._cooldown_until = -math.inf
        self._rtt: float | None = None
        self._streak = 0
        self._successes: deque[float] = deque(maxlen=4096)
        self.lowest_rate: float | None = self.rate

    @property
    def rate(self) -> float | None:
        """Requests per second in force (None: unpaced)."""
        return self.requests.rate if self.requests else None

    @property
    def in_flight(self) -> int:
        return self.slots.used

    @property
    def episodes(self) -> int:
        return len(self.history)

    def slot(self, tokens: int = 0) -> Slot:
        """Hold one in-flight slot for one attempt, started no sooner than the limits allow."""
        return Slot(self, tokens)

    async def _pace(self, tokens: int) -> None:
        """One caller at a time waits for the buckets, re-reading the rate after every sleep: a cut or a pause
        applies to the very next call instead of to a queue of calls booked at the old rate."""
        if not (self.requests or self.tokens or self.paused_until):
            return
        async with self._pacing:
            while True:
                now = self.clock()
                wait = self.paused_until - now
                if self.requests:
                    wait = max(wait, self.requests.wait(1, now))
                if self.tokens and tokens:
                    wait = max(wait, self.tokens.wait(tokens, now))
                if wait <= 0:
                    break
                await asyncio.sleep(wait)
            if self.requests:
                self.requests.take(1)
            if self.tokens and tokens:
                self.tokens.take(tokens)

    def record(
        self,
        failure: FailureClass | None,
        retry_after: float | None = None,
        rate: RateSignal | None = None,
        latency_s: float | None = None,
    ) -> Cut | None:
        """Feed one attempt's outcome back; the cut it caused, if any (a window's decision)."""
        now = self.clock()
        if latency_s is not None:
            self._rtt = latency_s if self._rtt is None else 0.9 * self._rtt + 0.1 * latency_s
        if failure is None:
            self._successes.append(now)
        kind = kind_of(failure, rate)
        if kind is not None:
            self.counts[kind] = self.counts.get(kind, 0) + 1
        if now < self._cooldown_until:
            return None  # an answer to a call sent at the old rate: not evidence about the new one
        w = self._window
        w.attempts += 1
        w.busy += self.in_flight
        if kind is not None:
            w.limited += 1
            w.retry_after = max(w.retry_after, retry_after or 0.0)
            if kind == "quota":
                w.quota += 1
                w.spent = w.spent or (rate.limit if rate else None)
        if rate is not None and rate.headroom is not None and rate.headroom < self.headroom:
            w.near = True
        if w.quota or (now - w.start >= self.window_s and w.attempts >= self.window_n):
            return self._decide(now)  # a spent quota ends its window at once
        return None

    def _decide(self, now: float) -> Cut | None:
        w, self._window = self._window, Window(now)
        if w.quota or w.limited > self.share * w.attempts:
            return self._cut(now, w)
        self._streak = 0 if w.limited or w.near else self._streak
        if w.near:
            self._count("held")
        elif w.busy * 2 < w.attempts * self.limit:
            self._count("idle")  # rule 4: a lane not in use proves nothing about a higher rate
        else:
            self._grow(now, w)
        return None

    def _count(self, what: str) -> None:
        self.counts[what] = self.counts.get(what, 0) + 1

    def _cut(self, now: float, w: Window) -> Cut:
        self._count("cut")
        self._streak = 0
        before = self.rate
        if not w.quota:  # a spent quota is a rate: cutting calls in flight too only starves the lane at its rate
            self.limit = max(1, math.floor(self.limit * 0.9))
            self.slots.resize(self.limit)
        if self.requests:
            lower = self.requests.rate * 0.9
            passed = self._passed(now, 1.0, 3)
            if passed is not None:
                lower = min(lower, passed * 0.95)  # what the quota let through in the last second
            self.requests.rate = max(0.05, lower)
            self.requests.capacity = max(1.0, self.requests.rate / 4)
        else:
            learned = self._passed(now, 10.0, 5)
            if learned is not None:
                rate = max(0.05, learned * 0.9)
                self.requests = Bucket(rate, max(1.0, rate / 4), 0.0, now)
            elif w.retry_after:
                self.paused_until = max(self.paused_until, now + w.retry_after)
        if self.rate is not None:
            self.lowest_rate = self.rate if self.lowest_rate is None else min(self.lowest_rate, self.rate)
        self._cooldown_until = now + max(self._rtt or 0.0, w.retry_after)
        self._window = Window(self._cooldown_until)
        cut = Cut(round(now - self.started, 3), "quota" if w.quota else "share", self.limit, self.rate, before,
                  w.attempts, w.limited, w.quota, w.retry_after or None, w.spent)  # fmt: skip
        self.history.append(cut)
        if self.peers:
            self.peers.publish(self.name, cut)
        return cut

    def follow(self, theirs: Cut) -> Cut:
        """Apply another process's cut of this deployment: the same factor on the rate (or its pause for the
        Retry-After when unpaced) and a cooldown, so this lane does not cut again for the same episode."""
        now = self.clock()
        self._count("followed")
        before = self.rate
        if self.requests and theirs.rate and theirs.before:
            self.requests.rate = max(0.05, self.requests.rate * min(1.0, theirs.rate / theirs.before))
            self.requests.capacity = max(1.0, self.requests.rate / 4)
            self.lowest_rate = self.rate if self.lowest_rate is None else min(self.lowest_rate, self.requests.rate)
        elif theirs.retry_after:
            self.paused_until = max(self.paused_until, now + theirs.retry_after)
        self._cooldown_until = max(self._cooldown_until, now + max(self._rtt or 0.0, theirs.retry_after or 0.0))
        self._window = Window(max(now, self._cooldown_until))
        cut = Cut(round(now - self.started, 3), "peer", self.limit, self.rate, before, theirs.attempts,
                  theirs.limited, theirs.quota, theirs.retry_after, theirs.spent)  # fmt: skip
        self.history.append(cut)
        return cut

    def record_of(self, cut: Cut | None) -> dict[str, Any]:
        """The journal record (`lanes` table) of a cut, or with None of the lane as it is now (at the end)."""
        c = self.counts
        record: dict[str, Any] = {
            "deployment": self.name, "seq": len(self.history) + (cut is None), "event": "cut" if cut else "end",
            "t": cut.t if cut else round(self.clock() - self.started, 3), "in_flight_limit": self.limit,
            "rate": _r(self.rate), "max_concurrency": self.max_concurrency, "declared_rate": _r(self.ceiling),
            "quota_429s": c.get("quota", 0), "transient_429s": c.get("transient", 0),
        }  # fmt: skip
        if cut:
            return record | {"cause": cut.cause, "rate_before": _r(cut.before), "window_attempts": cut.attempts,
                             "window_limited": cut.limited, "window_quota": cut.quota, "retry_after": cut.retry_after,
                             "spent": cut.spent}  # fmt: skip
        return record | {"cuts": len(self.history), "lowest_rate": _r(self.lowest_rate),
                         "windows_grown": c.get("grown", 0), "windows_held": c.get("held", 0),
                         "windows_idle": c.get("idle", 0)}  # fmt: skip

    def _passed(self, now: float, span: float, least: int) -> float | None:
        """Successes per second over the last `span` seconds, from the first of them (over at least a second, or
        the lane's age when younger: its first burst is all there is to go by); None with fewer than `least`."""
        while self._successes and now - self._successes[0] > 10.0:
            self._successes.popleft()
        recent = [t for t in self._successes if now - t <= span]
        if len(recent) < least:
            return None
        return len(recent) / max(now - recent[0], min(1.0, now - self.started), 0.05)

    def _grow(self, now: float, w: Window) -> None:
        self._count("grown")
        if self.limit < self.max_concurrency:
            self.limit = min(self.max_concurrency, self.limit + max(1, self.limit // 10))
            self.slots.resize(self.limit)
        self._streak += 1
        if self.requests:
            sent = w.attempts / max(1e-9, now - w.start)
            step = 1 + min(0.5, 0.05 * 2 ** (self._streak - 1))  # 5%, 10%, 20%, 40%, 50% while nothing pushes back
            grown = min(self.requests.rate * step, 2.0 * sent, self.ceiling or math.inf)  # rule 5: <= 2x sent
            if grown > self.requests.rate:
                self.requests.rate = grown
                self.requests.capacity = max(1.0, grown / 4)


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 3)
