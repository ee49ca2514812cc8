"""Streaming (issue 29): what streaming costs the harness, and how close its TTFT is to the truth.

- CPU: the openai adapter against the loopback server (its own process) at zero latency, the same cells with the
  deployment's `stream: false` (one JSON body) and `stream: true` (SSE chunks, usage in the last), alternating per
  repeat. Target: streaming adds <= 0.2 ms of CPU per cell.
- TTFT: the server sends the response headers, waits a scripted 150 ms, then the first chunk; each cell's recorded
  `ttft_ms` against it, at low concurrency (8 in flight). Target: median |ttft - 150| <= 5 ms.

Both answers carry the same label; the streamed one arrives in several chunks (the label, a few characters each).
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.common import live_project, median_of, peak_rss_mb, run_child, summarise
from bench.sdk import Server, _harness, transports

TTFT_S = 0.15


def child(args: dict[str, Any], t0: float) -> Iterator[dict[str, Any]]:
    """Per repeat: the whole-answer run, then the streamed one (zero latency); then the TTFT run."""
    from harness.store import db

    server = Server()
    tmp = Path(tempfile.mkdtemp(prefix="bench-stream-"))
    transport = args["transport"]
    try:
        suites = {s: live_project(tmp / f"p-{s}", args["cases"], server.url, s) for s in (False, True)}
        for rep in range(args["repeats"]):
            for stream in (False, True):
                server.config(delay=0.0)
                results = tmp / f"r-{stream}-{rep}"
                row = _harness(suites[stream], results, args["concurrency"], transport)
                (chunks,) = db.query(results, "SELECT avg(chunks) FROM cells")[0]
                shutil.rmtree(results)
                yield {**row, "phase": "cpu", "kind": "streamed" if stream else "whole", "chunks": chunks,
                       "rss_mb": peak_rss_mb()}  # fmt: skip
        server.config(ttft=TTFT_S)
        results = tmp / "r-ttft"
        t = time.perf_counter()
        _harness(suites[True], results, 8, transport)
        ttft = [r[0] for r in db.query(results, "SELECT ttft_ms FROM cells WHERE ttft_ms IS NOT NULL")]
        yield {"phase": "ttft", "kind": "streamed", "ttft_ms": ttft, "wall": time.perf_counter() - t}
    finally:
        server.close()
        shutil.rmtree(tmp, ignore_errors=True)


def stream(cases: int, repeats: int, concurrency: int = 32) -> dict[str, Any]:
    transport = transports()[0]
    rows = run_child("stream", {"cases": cases, "concurrency": concurrency, "repeats": repeats,
                                "transport": transport})  # fmt: skip
    whole = [r for r in rows if r["phase"] == "cpu" and r["kind"] == "whole"]
    streamed = [r for r in rows if r["phase"] == "cpu" and r["kind"] == "streamed"]
    cpu = {k: [r["cpu"] / r["cells"] * 1000 for r in runs] for k, runs in (("whole", whole), ("streamed", streamed))}
    added = [s - w for s, w in zip(cpu["streamed"], cpu["whole"], strict=True)]  # paired per repeat
    (ttft_row,) = [r for r in rows if r["phase"] == "ttft"]
    off = [abs(t - TTFT_S * 1000) for t in ttft_row["ttft_ms"]]
    row = summarise(
        f"streaming: openai adapter ({transport}), {cases:,} cells, zero latency, concurrency {concurrency}", streamed,
        None, "streaming adds <= 0.2 ms CPU per cell; median |TTFT - 150 ms| <= 5 ms",
        whole_cpu_ms_per_cell=round(statistics.median(cpu["whole"]), 3),
        streamed_cpu_ms_per_cell=round(statistics.median(cpu["streamed"]), 3),
        added_cpu_ms_per_cell=round(statistics.median(added), 3),
        added_spread=[round(min(added), 3), round(max(added), 3)],
        whole_cells_per_s=round(statistics.median(r["cells"] / r["wall"] for r in whole), 1),
        chunks_per_cell=median_of(streamed, "chunks", 1),
        ttft_cells=len(off), ttft_median_off_ms=round(statistics.median(off), 2) if off else None,
        ttft_p95_off_ms=round(sorted(off)[int(0.95 * len(off))], 2) if off else None,
        errors=sum(r["errors"] for r in streamed + whole),
    )  # fmt: skip
    row["ok"] = (row["added_cpu_ms_per_cell"] <= 0.2 and row["errors"] == 0 and row["ttft_median_off_ms"] is not None
                 and row["ttft_median_off_ms"] <= 5.0)  # fmt: skip
    return row
