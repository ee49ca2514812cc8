"""Per-deployment lanes: how many calls may be in flight to one deployment, and how fast they may start.

Every deployment gets its own lane (and its own workers in the runner), so a stalled or throttled deployment
never holds back the others. A lane combines:

- **Declared limits** from the model table (`rate_limits: {rpm, tpm}`): token buckets refilled continuously.
  A call reserves its request and its estimated tokens and waits until the bucket covers them, so calls are
  paced evenly instead of bursting into a 429.
- **Adaptive concurrency and rate (AIMD)** on rate limits. A rate-limit *episode* is a share of 429s over the
  last `window_s` seconds of at least `episode_share` (and at least 3 of them), at most one per `cooldown_s`: a
  quota being exceeded answers a growing share of calls 429, while scattered 429s (a provider's random throttling)
  are retried and must not shrink the lane, or throughput collapses under a steady 5% of them. An episode cuts
  the in-flight limit to 80% and the request rate to the lower of 90% of what it was and 95% of the successes in
  the last second (what the quota let through). A 429 now and then while calls wait for the bucket (the rate
  sits just above the quota) trims the rate by 2% and holds its growth. With no rate yet, the lane learns one:
  90% of the successes it measured over the last seconds. After `cooldown_s` without an episode each success
  grows the rate by about 0.5% per second back up to the declared ceiling, and every `limit` successes add one
  to the in-flight limit. Other errors (5xx, timeouts) neither cut nor grow.
- **Retry-After**: the call that got a 429 always waits it out (the retry policy). An episode on a lane with no
  rate yet also pauses the whole lane for it; once a rate is in force, pacing does that job.

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
    window_s: float = 2.0
    episode_share: float = 0.08
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
        burst = max(1.0, (self.ceiling or 0.0) / 4)  # a quarter second of calls at once, not a whole second
        self.requests = Bucket(self.ceiling, burst, burst, now) if self.ceiling else None
        tps = self.tpm / 60 if self.tpm else None
        self.tokens = Bucket(tps, tps, tps, now) if tps else None
        self._cond = asyncio.Condition()
        self._pacing = asyncio.Lock()
        self._last_cut = -math.inf
        self._last_growth = now
        self._successes = 0
        self._recent: deque[float] = deque(maxlen=4096)
        self._window: deque[tuple[float, bool]] = deque()
        self._limited = 0
        self._paced_at = -math.inf
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
                self._paced_at = now
                await asyncio.sleep(wait)
            if self.requests:
                self.requests.take(1)
            if self.tokens and tokens:
                self.tokens.take(tokens)

    def record(self, failure: FailureClass | None, retry_after: float | None = None) -> None:
        """Feed one attempt's outcome back: a rate-limit episode cuts, sustained success grows."""
        now = self.clock()
        limited = failure in (FailureClass.rate_limited, FailureClass.quota_exhausted)
        self._window.append((now, limited))
        self._limited += limited
        while self._window and now - self._window[0][0] > self.window_s:
            self._limited -= self._window.popleft()[1]
        if limited:
            if self._episode(now):
                self._throttled(now, retry_after)
            elif self.requests and now - self._paced_at < self.window_s and self._limited / len(self._window) >= 0.02:
                # a 429 now and then while calls wait for the bucket: the rate sits just above the quota
                self.requests.rate = max(0.05, self.requests.rate * 0.98)
                self._last_growth = now
        elif failure is None:
            self._recent.append(now)
            self._grow(now)

    def _episode(self, now: float) -> bool:
        if now - self._last_cut < self.cooldown_s:
            return False  # one cut per episode
        return self._limited >= 3 and self._limited / len(self._window) >= self.episode_share

    def _throttled(self, now: float, retry_after: float | None) -> None:
        # what the quota let through in the last second (older successes may have drawn on its burst)
        passed = sum(1 for t, limited in self._window if not limited and now - t <= 1.0)
        self._last_cut = self._last_growth = now
        self.episodes += 1
        self._successes = 0
        self.limit = max(1.0, math.floor(self.limit * 0.8))
        if self.requests:
            cut = self.requests.rate * 0.9
            if passed >= 3:
                cut = min(cut, passed * 0.95)
            self.requests.rate = max(0.05, cut)
        else:
            learned = self._measured_rate(now)
            if learned is not None:
                rate = max(0.05, learned * 0.9)
                self.requests = Bucket(rate, max(1.0, rate), 0.0, now)
            elif retry_after:
                self.paused_until = max(self.paused_until, now + retry_after)
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
            grown = min(cap, self.requests.rate * (1 + 0.005 * dt))
            if grown != self.requests.rate:
                self.requests.rate = grown
                self.requests.capacity = max(1.0, grown)
        self._last_growth = now
        if changed:
            self.history.append((now, self.limit, self.rate))
