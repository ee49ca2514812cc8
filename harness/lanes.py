"""Per-deployment lanes: how many calls may be in flight to one deployment, and how fast they may start.

Every deployment gets its own lane (and its own workers in the runner), so a stalled or throttled deployment
never holds back the others. A lane combines:

- **Declared limits** from the model table (`rate_limits: {rpm, tpm}`): token buckets refilled continuously.
  A call reserves its request and its estimated tokens and waits until the bucket covers them, so calls are
  paced evenly instead of bursting into a 429.
- **Adaptive concurrency and rate (AIMD)** on rate limits: the first 429 of an episode (one per `cooldown_s`)
  cuts the in-flight limit to 80% and the request rate to 90% of what it was (when no rate is declared yet, the
  lane learns one: 90% of the successes it measured over the last seconds). After `cooldown_s` without a 429,
  each success grows the rate by about 1% per second back up to the declared ceiling, and every `limit`
  successes add one to the in-flight limit. Other errors (5xx, timeouts) neither cut nor grow.
- **Retry-After**: while a lane is learning (no rate in force), a 429's Retry-After pauses the whole lane,
  not just the call that got it; once a rate is in force, pacing does that job and only the call waits.

Every cut is recorded (`Lane.history`) so a run can say how its limits moved.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from harness.errors import FailureClass

Clock = Callable[[], float]


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


@dataclass
class Lane:
    name: str
    max_concurrency: int
    rpm: int | None = None
    tpm: int | None = None
    cooldown_s: float = 1.0
    clock: Clock = time.monotonic
    limit: float = field(init=False)
    in_flight: int = field(default=0, init=False)
    paused_until: float = field(default=0.0, init=False)
    episodes: int = field(default=0, init=False)
    history: list[tuple[float, float, float | None]] = field(default_factory=list, init=False)
    """(time, in-flight limit, requests per second) after every change of either."""

    def __post_init__(self) -> None:
        now = self.clock()
        self.limit = float(self.max_concurrency)
        self.ceiling = self.rpm / 60 if self.rpm else None
        burst = max(1.0, self.ceiling or 0.0)
        self.requests = Bucket(self.ceiling, burst, burst, now) if self.ceiling else None
        tps = self.tpm / 60 if self.tpm else None
        self.tokens = Bucket(tps, tps, tps, now) if tps else None
        self._cond = asyncio.Condition()
        self._pacing = asyncio.Lock()
        self._last_cut = -math.inf
        self._last_growth = now
        self._successes = 0
        self._recent: deque[float] = deque(maxlen=4096)
        self._started = now

    @property
    def rate(self) -> float | None:
        """Requests per second in force (None: unpaced)."""
        return self.requests.rate if self.requests else None

    @asynccontextmanager
    async def slot(self, tokens: int = 0) -> AsyncIterator[None]:
        """Hold one in-flight slot for one attempt, started no sooner than the limits allow."""
        async with self._cond:
            await self._cond.wait_for(lambda: self.in_flight < max(1, int(self.limit)))
            self.in_flight += 1
        try:
            await self._pace(tokens)
            yield
        finally:
            async with self._cond:
                self.in_flight -= 1
                self._cond.notify_all()

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

    def record(self, failure: FailureClass | None, retry_after: float | None = None) -> None:
        """Feed one attempt's outcome back: a 429 may cut, sustained success grows."""
        now = self.clock()
        if failure in (FailureClass.rate_limited, FailureClass.quota_exhausted):
            self._throttled(now, retry_after)
        elif failure is None:
            self._recent.append(now)
            self._grow(now)

    def _throttled(self, now: float, retry_after: float | None) -> None:
        if retry_after and not self.requests:
            self.paused_until = max(self.paused_until, now + retry_after)
        if now - self._last_cut < max(self.cooldown_s, 0.0):
            return  # same episode: one cut per episode
        self._last_cut = self._last_growth = now
        self.episodes += 1
        self._successes = 0
        self.limit = max(1.0, math.floor(self.limit * 0.8))
        if self.requests:
            self.requests.rate = max(0.05, self.requests.rate * 0.9)
        else:
            learned = self._measured_rate(now)
            if learned is not None:
                rate = max(0.05, learned * 0.9)
                self.requests = Bucket(rate, max(1.0, rate), 0.0, now)
        self.history.append((now, self.limit, self.rate))

    def _measured_rate(self, now: float, window: float = 10.0) -> float | None:
        """Successes per second over the last `window` seconds (at least one second of history)."""
        while self._recent and now - self._recent[0] > window:
            self._recent.popleft()
        if len(self._recent) < 5:
            return None
        span = max(1.0, now - max(self._recent[0], self._started))
        return len(self._recent) / span

    def _grow(self, now: float) -> None:
        if now - self._last_cut < self.cooldown_s:
            return
        self._successes += 1
        changed = False
        if self._successes >= max(1, int(self.limit)) and self.limit < self.max_concurrency:
            self.limit += 1
            self._successes = 0
            changed = True
        if self.requests:
            dt = now - self._last_growth
            cap = self.ceiling if self.ceiling else math.inf
            grown = min(cap, self.requests.rate * (1 + 0.01 * dt))
            if grown != self.requests.rate:
                self.requests.rate = grown
                self.requests.capacity = max(1.0, grown)
        self._last_growth = now
        if changed:
            self.history.append((now, self.limit, self.rate))
