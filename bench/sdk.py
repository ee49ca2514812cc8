"""The real SDK path (3) and faults (4): harness/providers/openai.py against the loopback wire server, compared in
the same process with a bare loop of the same SDK client doing only the calls, at the same concurrency.

The server runs in its own process (bench/fakeserver.py). Transports tried: the SDK's default httpx client, the
same with connection limits sized to the concurrency, and `DefaultAioHttpClient` when aiohttp is importable.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.common import (
    BENCH_CREDENTIAL,
    LABELS,
    ROOT,
    child_env,
    live_project,
    median_of,
    peak_rss_mb,
    run_child,
    spread_of,
    summarise,
)

MODEL = "gpt-bench"


class Server:
    """bench/fakeserver.py in a child process, configured between runs over its stdin."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen([sys.executable, str(ROOT / "bench/fakeserver.py")], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True, env=child_env())  # fmt: skip
        assert self.proc.stdout is not None
        self.url = self.proc.stdout.readline().strip()

    def _ask(self, line: str) -> str:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        return self.proc.stdout.readline().strip()

    def config(self, **schedule: float) -> None:
        assert self._ask("config " + json.dumps(schedule)) == "ok"

    def stats(self) -> dict[str, Any]:
        return dict(json.loads(self._ask("stats")))

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=10)


def http_client(transport: str, concurrency: int, **kw: Any) -> Any:
    """The SDK's async HTTP client for one transport (its own defaults otherwise)."""
    import httpx2
    from openai._base_client import _DefaultAioHttpClient, _DefaultAsyncHttpxClient

    if transport == "aiohttp":
        return _DefaultAioHttpClient(**kw)
    if transport == "limits":
        limits = httpx2.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        return _DefaultAsyncHttpxClient(limits=limits, **kw)
    return _DefaultAsyncHttpxClient(**kw)


def transports() -> list[str]:
    try:
        import aiohttp  # noqa: F401
    except ImportError:
        return ["httpx", "limits"]
    return ["httpx", "limits", "aiohttp"]


async def _bare(url: str, texts: list[str], concurrency: int, transport: str) -> dict[str, Any]:
    """Only the calls: one SDK client, `concurrency` tasks pulling prompts from one iterator."""
    import openai

    client = openai.AsyncOpenAI(api_key=BENCH_CREDENTIAL, base_url=url, max_retries=0,
                                http_client=http_client(transport, concurrency))  # fmt: skip
    prompts = iter(texts)
    answers: list[str] = []

    async def worker() -> None:
        for text in prompts:
            r = await client.chat.completions.create(
                model=MODEL, messages=[{"role": "user", "content": f"Label this: {text}"}], temperature=0.0,
                max_tokens=1024,
            )  # fmt: skip
            answers.append(r.choices[0].message.content or "")

    t0, c0 = time.perf_counter(), time.process_time()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    await client.close()
    return {"cells": len(answers), "wall": wall, "cpu": cpu}


def _exactly_once(journal: Path) -> tuple[int, int]:
    """(cells with exactly one final record, cells with more than one) in a run's journal."""
    keys = Counter(r["cell_key"] for r in map(json.loads, journal.read_text().splitlines()) if r["type"] == "cell")
    return sum(1 for n in keys.values() if n == 1), sum(1 for n in keys.values() if n > 1)


def _harness(suite: Path, results: Path, concurrency: int, transport: str) -> dict[str, Any]:
    """One `harness run --mode live` as a library call; in-run time from plan to the last cell."""
    import openai

    from harness.launch import start_run
    from harness.plan import Selection
    from harness.runner import RunOptions
    from harness.store import db

    default = openai.DefaultAsyncHttpxClient
    openai.DefaultAsyncHttpxClient = lambda **kw: http_client(transport, concurrency, **kw)  # type: ignore[misc]
    m: dict[str, float] = {}

    def on_plan(*_: Any) -> None:
        m["plan"], m["plan_cpu"] = time.perf_counter(), time.process_time()

    def sink(_: Any) -> None:
        m["last"], m["last_cpu"] = time.perf_counter(), time.process_time()

    try:
        result = start_run(suite, Selection(mode="live"), results_dir=results, sink=sink, on_plan=on_plan,
                           options=RunOptions(concurrency=concurrency, per_deployment=concurrency))  # fmt: skip
    finally:
        openai.DefaultAsyncHttpxClient = default  # type: ignore[misc]
    once, twice = _exactly_once(result.journal)
    ((cells, errors, attempts),) = db.query(
        results, "SELECT count(*), count(*) FILTER (WHERE status <> 'ok'), sum(attempts) FROM cells"
    )
    return {
        "cells": len(result.plan.cells), "wall": m["last"] - m["plan"], "cpu": m["last_cpu"] - m["plan_cpu"],
        "status": result.status, "stored_cells": cells, "errors": errors, "attempts": attempts,
        "exactly_once": once, "more_than_once": twice,
    }  # fmt: skip


def child(args: dict[str, Any], t0: float) -> Iterator[dict[str, Any]]:
    """Per phase and repeat: a bare loop, then the harness, against the same server settings."""
    server = Server()
    tmp = Path(tempfile.mkdtemp(prefix="bench-sdk-"))
    try:
        suite = live_project(tmp / "p", args["cases"], server.url)
        texts = [f"message {i} about {LABELS[i % 4]}" for i in range(args["cases"])]
        conc = args["concurrency"]
        for phase in args["phases"]:
            schedule = {k: phase.get(k, 0.0) for k in ("delay", "p429", "p500")}
            for rep in range(args["repeats"]):
                for kind in phase["kinds"]:
                    server.config(**schedule)
                    if kind == "bare":
                        row = asyncio.run(_bare(server.url, texts, conc, phase["transport"]))
                    else:
                        results = tmp / f"r-{phase['name']}-{rep}"
                        row = _harness(suite, results, conc, phase["transport"])
                        shutil.rmtree(results)
                    yield {**row, "phase": phase["name"], "kind": kind, "transport": phase["transport"],
                           "server": server.stats(), "rss_mb": peak_rss_mb()}  # fmt: skip
    finally:
        server.close()
        shutil.rmtree(tmp, ignore_errors=True)


def _runs(rows: list[dict[str, Any]], phase: str, kind: str) -> list[dict[str, Any]]:
    return [r for r in rows if r["phase"] == phase and r["kind"] == kind]


def _rate(runs: list[dict[str, Any]]) -> float:
    return statistics.median(r["cells"] / r["wall"] for r in runs)


def sdk_zero(cases: int, repeats: int, concurrency: int = 32) -> dict[str, Any]:
    """(3a) Zero latency: the harness's live path against the bare SDK loop (>= 0.8), per HTTP transport."""
    kinds = ["bare", "harness"]
    phases = [{"name": t, "transport": t, "kinds": kinds} for t in transports()]
    rows = run_child("sdk", {"cases": cases, "concurrency": concurrency, "repeats": repeats, "phases": phases})
    harness, bare = _runs(rows, "httpx", "harness"), _runs(rows, "httpx", "bare")
    pairs = [h["cells"] / h["wall"] / (b["cells"] / b["wall"]) for h, b in zip(harness, bare, strict=True)]
    by_transport = {
        t["name"]: {k: {"cells_per_s": round(_rate(_runs(rows, t["name"], k)), 1),
                        "cpu_ms_per_cell": median_of([{"x": r["cpu"] / r["cells"] * 1000}
                                                      for r in _runs(rows, t["name"], k)], "x")}
                    for k in kinds}
        for t in phases
    }  # fmt: skip
    row = summarise(
        f"real SDK path: openai adapter, {cases:,} cells, zero latency, concurrency {concurrency}", harness,
        _rate(bare), ">= 80% of the bare SDK loop (reference = bare loop cells/s)",
        bare_cpu_ms_per_call=median_of([{"x": r["cpu"] / r["cells"] * 1000} for r in bare], "x"),
        spread_ratio_per_repeat=[round(min(pairs), 3), round(max(pairs), 3)], transports=by_transport,
        errors=sum(r["errors"] for r in harness),
    )  # fmt: skip
    row["ok"] = (row["ratio_to_limit"] or 0) >= 0.8 and row["errors"] == 0
    return row


def sdk_latency(cases: int, repeats: int, concurrency: int = 32) -> dict[str, Any]:
    """(3b) 100 ms server latency: the harness's live path against Little's law (concurrency / latency)."""
    phases = [{"name": "100ms", "transport": "httpx", "kinds": ["bare", "harness"], "delay": 0.1}]
    rows = run_child("sdk", {"cases": cases, "concurrency": concurrency, "repeats": repeats, "phases": phases})
    harness, bare = _runs(rows, "100ms", "harness"), _runs(rows, "100ms", "bare")
    limit = concurrency / 0.1
    row = summarise(
        f"real SDK path: openai adapter, {cases:,} cells, 100 ms, concurrency {concurrency}", harness, limit,
        f">= 90% of {limit:.0f} cells/s", bare_cells_per_s=round(_rate(bare), 1),
        bare_ratio_to_limit=round(_rate(bare) / limit, 3), errors=sum(r["errors"] for r in harness),
    )  # fmt: skip
    row["ok"] = (row["ratio_to_limit"] or 0) >= 0.9 and row["errors"] == 0
    return row


def faults(cases: int, repeats: int, concurrency: int = 32) -> dict[str, Any]:
    """(4) 100 ms with 5% 429 (Retry-After 1 s) and 2% 500: every cell ends exactly once, none as an error."""
    clean = {"name": "clean", "transport": "httpx", "kinds": ["harness"], "delay": 0.1}
    faulty = {**clean, "name": "faults", "p429": 0.05, "p500": 0.02}
    rows = run_child("sdk", {"cases": cases, "concurrency": concurrency, "repeats": repeats,
                             "phases": [clean, faulty]})  # fmt: skip
    base, hit = _runs(rows, "clean", "harness"), _runs(rows, "faults", "harness")
    status: Counter[str] = Counter()
    for r in hit:
        status.update(r["server"]["status"])
    requests = sum(status.values())
    clean, faulty = median_of(base, "wall") or 0.0, median_of(hit, "wall") or 0.0
    checks = {
        "cells_exactly_once": min(r["exactly_once"] for r in hit),
        "cells_more_than_once": sum(r["more_than_once"] for r in hit),
        "stored_cells": min(r["stored_cells"] for r in hit),
        "errors": sum(r["errors"] for r in hit),
    }
    row = summarise(
        f"faults: openai adapter, {cases:,} cells, 100 ms, 5% 429 (Retry-After 1 s) + 2% 500", hit,
        concurrency / 0.1, "every cell ends exactly once, 0 errors; report attempts per cell and the time lost",
        attempts_per_cell=round(statistics.median(r["attempts"] / r["cells"] for r in hit), 4),
        server_requests_per_cell=round(requests / sum(r["cells"] for r in hit), 4),
        server_status_share={k: round(v / requests, 4) for k, v in status.items()},
        clean_wall_s=clean, spread_clean_wall_s=spread_of(base, "wall"), fault_cost_s=round(faulty - clean, 3),
        **checks,
    )  # fmt: skip
    row["ok"] = row["errors"] == 0 and row["cells_exactly_once"] == cases and row["cells_more_than_once"] == 0
    return row
