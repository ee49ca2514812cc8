"""A provider's true quota for fakeprov: a token bucket that answers in each wire format's own words.

Every answer carries the vendor's rate-limit headers (OpenAI `x-ratelimit-*-requests`, Anthropic
`anthropic-ratelimit-requests-*`; Gemini sends none), and a request beyond the bucket gets the vendor's 429: the
headers with remaining 0 and the reset, Anthropic's `rate_limit_error` with Retry-After, Gemini's
RESOURCE_EXHAUSTED with `QuotaFailure` and `RetryInfo` details. The rate can change while serving (`set_rate`),
as a shared quota does when another tenant starts.
"""

from __future__ import annotations

import datetime as dt
import math
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from tests.fakeprov.wire import Api, Fault


@dataclass
class Quota:
    rate: float
    """Requests per second."""
    burst: float
    """The bucket's size: what may go at once (reported as the limit)."""
    api: Api = "openai"
    delay: float = 0.0
    """Latency of an answer within the quota."""
    level: float = field(init=False)
    stamp: float = field(init=False, default_factory=time.monotonic)
    lock: threading.Lock = field(init=False, default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.level = self.burst

    def set_rate(self, rate: float) -> None:
        with self.lock:
            self._refill(time.monotonic())
            self.rate = rate

    def _refill(self, now: float) -> None:
        self.level = min(self.burst, self.level + (now - self.stamp) * self.rate)
        self.stamp = now

    def take(self) -> tuple[bool, int, float, float]:
        """(within the quota, requests remaining, seconds until the bucket is full, seconds until the next one)."""
        with self.lock:
            self._refill(time.monotonic())
            ok = self.level >= 1
            if ok:
                self.level -= 1
            wait = max(0.001, (1 - self.level) / self.rate)
            return ok, math.floor(self.level), (self.burst - self.level) / self.rate, wait

    def __call__(self, _cell: str = "", _n: int = 0) -> Fault:
        """A fakeprov schedule: the answer (with headers) or the 429 for one request."""
        ok, remaining, reset, wait = self.take()
        headers = self.headers(remaining, reset)
        if ok:
            return Fault(delay=self.delay, headers=headers)
        if self.api == "anthropic":
            headers["retry-after"] = str(max(1, math.ceil(wait)))
        details = quota_failure(self.rate, wait) if self.api == "google" else None
        return Fault(429, headers=headers, message="quota exceeded", details=details)

    def headers(self, remaining: int, reset: float) -> dict[str, str]:
        limit = str(math.floor(self.burst))
        if self.api == "openai":
            return {
                "x-ratelimit-limit-requests": limit,
                "x-ratelimit-remaining-requests": str(remaining),
                "x-ratelimit-reset-requests": f"{max(1, round(reset * 1000))}ms",
            }
        if self.api == "anthropic":
            at = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=reset)
            return {
                "anthropic-ratelimit-requests-limit": limit,
                "anthropic-ratelimit-requests-remaining": str(remaining),
                "anthropic-ratelimit-requests-reset": at.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            }
        return {}


def quota_failure(rate: float, wait: float) -> list[dict[str, Any]]:
    """Gemini's details of a RESOURCE_EXHAUSTED: which quota, and how long to wait."""
    return [
        {"@type": "type.googleapis.com/google.rpc.QuotaFailure",
         "violations": [{"quotaMetric": "generativelanguage.googleapis.com/generate_content_requests",
                         "quotaId": "GenerateRequestsPerMinutePerProjectPerModel",
                         "quotaValue": str(round(rate * 60))}]},
        {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": f"{wait:.3f}s"},
    ]  # fmt: skip
