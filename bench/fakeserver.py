"""The loopback wire server (tests/fakeprov) in a process of its own, so its CPU is not the harness's.

`python bench/fakeserver.py` prints the openai base URL of lane `gpt`, then reads commands on stdin:
`config {"delay": 0.1, "p429": 0.05, "p500": 0.02}` clears the request log and sets the schedule (answers `ok`);
`stats` answers one JSON line about the requests since the last `config`. It stops when stdin closes.

Faults are drawn per (cell, attempt) from a hash, so every run sees the same ones; a cell's third request is
always answered (the default retry policy allows 3 attempts), so every cell can end ok.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections import Counter
from http.server import ThreadingHTTPServer
from typing import Any

from tests.fakeprov.server import Fault, Hit, Prompt, Reply, Schedule, http, serve

LANE = "gpt"
LABELS = ("billing", "shipping", "technical", "refund")
CLEAN_FROM = 3


def answer(p: Prompt) -> Reply:
    """The right label when the message names one: a model the exact grader can score."""
    return Reply(text=next((label for label in LABELS if label in p.user), "unknown"))


def draw(cell: str, n: int) -> float:
    return int(hashlib.sha256(f"{cell}:{n}".encode()).hexdigest()[:8], 16) / 2**32


def schedule(delay: float = 0.0, p429: float = 0.0, p500: float = 0.0) -> Schedule:
    slow = Fault(delay=delay) if delay else None
    limited, broken = http(429, "1"), http(500)

    def pick(cell: str, n: int) -> Fault | None:
        u = draw(cell, n) if n < CLEAN_FROM else 1.0
        return limited if u < p429 else broken if u < p429 + p500 else slow

    return pick


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
                print(json.dumps(stats(hits)), flush=True)


if __name__ == "__main__":
    main()
