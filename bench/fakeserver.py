"""The loopback wire server (tests/fakeprov) in a process of its own, so its CPU is not the harness's.

`python bench/fakeserver.py` prints the openai base URL of lane `gpt`, then reads commands on stdin:
`config {"delay": 0.1, "p429": 0.05, "p500": 0.02}` clears the request log and sets the schedule (answers `ok`);
`stats` answers one JSON line about the requests since the last `config`. It stops when stdin closes.

The knobs: `delay` (latency of an answer), `ttft` (a streamed answer's first chunk this long after its headers),
`p429` (a random share of 429s, with `Retry-After: <retry_after>` or bare when `retry_after` is null), `p500`,
and `quota`: a true token bucket (tests/fakeprov/quota.py) whose rate steps as `[[at_s, requests_per_s], ...]` from
the first request, bursting a quarter second, answering every request with OpenAI's `x-ratelimit-*` headers and a
request beyond it with 429 and remaining 0. With a quota, `stats` adds a per-second `timeline` of [ok, quota 429s,
random 429s, 500s].

Random faults are drawn per (cell, attempt) from a hash, so every run sees the same ones; a cell's third request
never gets one (the default retry policy allows 3 attempts), so every cell can end ok.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from collections import Counter
from http.server import ThreadingHTTPServer
from typing import Any

from tests.fakeprov.quota import Quota
from tests.fakeprov.server import Fault, Hit, Prompt, Reply, Schedule, http, serve

LANE = "gpt"
LABELS = ("billing", "shipping", "technical", "refund")
CLEAN_FROM = 3


def answer(p: Prompt) -> Reply:
    """The right label when the message names one: a model the exact grader can score."""
    return Reply(text=next((label for label in LABELS if label in p.user), "unknown"))


def draw(cell: str, n: int) -> float:
    return int(hashlib.sha256(f"{cell}:{n}".encode()).hexdigest()[:8], 16) / 2**32


class Pick:
    """The schedule of one `config`: random faults first, then the quota (if any), then the latency."""

    def __init__(self, delay: float = 0.0, p429: float = 0.0, p500: float = 0.0, retry_after: str | None = "1",
                 quota: list[list[float]] | None = None, ttft: float = 0.0) -> None:  # fmt: skip
        self.p429, self.p500 = p429, p500
        self.slow = Fault(delay=delay, ttft=ttft) if delay or ttft else None
        self.limited, self.broken = http(429, retry_after), http(500)
        self.steps = sorted(quota or [])
        self.quota = Quota(self.steps[0][1], max(1.0, self.steps[0][1] / 4), delay=delay) if self.steps else None
        self.start: float | None = None
        self.timeline: Counter[tuple[int, int]] = Counter()

    def __call__(self, cell: str, n: int) -> Fault | None:
        now = time.monotonic()
        self.start = self.start if self.start is not None else now
        second = int(now - self.start)
        u = draw(cell, n) if n < CLEAN_FROM else 1.0
        if u < self.p429:
            self.timeline[(second, 2)] += 1
            return self.limited
        if u < self.p429 + self.p500:
            self.timeline[(second, 3)] += 1
            return self.broken
        if self.quota is None:
            self.timeline[(second, 0)] += 1
            return self.slow
        rate = [r for at, r in self.steps if at <= now - self.start][-1]
        if rate != self.quota.rate:
            self.quota.set_rate(rate)
            self.quota.burst = max(1.0, rate / 4)
        fault = self.quota()
        self.timeline[(second, 0 if fault.status == 200 else 1)] += 1
        return fault

    def seconds(self) -> list[list[int]]:
        last = max((s for s, _ in self.timeline), default=-1)
        return [[self.timeline[(s, k)] for k in range(4)] for s in range(last + 1)]


def schedule(**knobs: Any) -> Schedule:
    return Pick(**knobs)


def stats(hits: list[Hit]) -> dict[str, Any]:
    per_cell = Counter(h.cell for h in hits)
    return {
        "requests": len(hits),
        "cells": len(per_cell),
        "status": {str(k): v for k, v in sorted(Counter(h.status for h in hits).items())},
        "requests_per_cell": {str(k): v for k, v in sorted(Counter(per_cell.values()).items())},
    }


def main() -> None:
    # socketserver's default listen backlog is 5: 32 clients connecting at once would see resets
    ThreadingHTTPServer.request_queue_size = 256
    with serve(answer) as server:
        print(server.base_url(LANE, "openai"), flush=True)
        for line in sys.stdin:
            cmd, _, rest = line.strip().partition(" ")
            if cmd == "config":
                with server.lock:
                    server.hits.clear()
                    server.counts.clear()
                server.schedules[LANE] = schedule(**json.loads(rest))
                print("ok", flush=True)
            elif cmd == "stats":
                with server.lock:
                    hits = list(server.hits)
                pick = server.schedules.get(LANE)
                extra = {"timeline": pick.seconds()} if isinstance(pick, Pick) and pick.quota else {}
                print(json.dumps(stats(hits) | extra), flush=True)


if __name__ == "__main__":
    main()
