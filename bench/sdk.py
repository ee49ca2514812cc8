"""The real SDK path (3) and faults (4): harness/providers/openai.py against the loopback wire server, compared in
the same process with a bare loop of the same SDK client doing only the calls, at the same concurrency.

The server runs in its own process (bench/fakeserver.py). Transports: the SDK's `DefaultAioHttpClient` (what the
harness uses when aiohttp is installed, as it is by default) and its httpx client; headline figures are the
default's. A connection-limited httpx client was tried too and was no faster.
"""

from __future__ import annotations

import asyncio
import json
import os
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

    def config(self, **schedule: Any) -> None:
        assert self._ask("config " + json.dumps(schedule)) == "ok"

    def stats(self) -> dict[str, Any]:
        return dict(json.loads(self._ask("stats")))

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=10)


def http_client(transport: str, **kw: Any) -> Any:
    """The SDK's async HTTP client on one transport (the SDK's defaults otherwise)."""
    import openai

    return openai.DefaultAioHttpClient(**kw) if transport == "aiohttp" else openai.DefaultAsyncHttpxClient(**kw)


def transports() -> list[str]:
    """The default transport (what `harness run` uses, see harness.providers.http_client.transport) first."""
    from harness.providers.http_client import transport

    return ["aiohttp", "httpx"] if transport() == "aiohttp" else ["httpx"]


async def _bare(url: str, texts: list[str], concurrency: int, transport: str) -> dict[str, Any]:
    """Only the calls: one SDK client, `concurrency` tasks pulling prompts from one iterator."""
    import openai

    client = openai.AsyncOpenAI(api_key=BENCH_CREDENTIAL, base_url=url, max_retries=0,
                                http_client=http_client(transport))  # fmt: skip
    prompts = iter(texts)
    answers: list[str] = []
    m: dict[str, float] = {}

    async def worker() -> None:
        for text in prompts:
            r = await client.chat.completions.create(
                model=MODEL, messages=[{"role": "user", "content": f"Label this: {text}"}], temperature=0.0,
                max_tokens=1024,
            )  # fmt: skip
            answers.append(r.choices[0].message.content or "")
            if len(answers) == concurrency:
                m["round"] = time.perf_counter()

    t0, c0 = time.perf_counter(), time.process_time()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    t1, cpu = time.perf_counter(), time.process_time() - c0
    await client.close()
    return {"cells": len(answers), "wall": t1 - t0, "cpu": cpu, "steady": _steady(len(answers), concurrency, m, t1)}


async def _aiohttp(url: str, texts: list[str], concurrency: int) -> dict[str, Any]:
    """The issue's reference column: a bare aiohttp loop with plain retries (no SDK, no httpx), the same requests
    and concurrency. What one HTTP call costs on this machine at that moment: the yardstick for CPU per cell."""
    import aiohttp

    answers: list[str] = []
    m: dict[str, float] = {}
    headers = {"authorization": f"Bearer {BENCH_CREDENTIAL}", "content-type": "application/json"}
    async with aiohttp.ClientSession() as session:
        prompts = iter(texts)

        async def worker() -> None:
            for text in prompts:
                body = json.dumps({"model": MODEL, "messages": [{"role": "user", "content": f"Label this: {text}"}],
                                   "temperature": 0.0, "max_tokens": 1024})  # fmt: skip
                for _ in range(10):
                    async with session.post(f"{url}/chat/completions", data=body, headers=headers) as r:
                        payload = await r.read()
                        if r.status == 200:
                            break
                        await asyncio.sleep(float(r.headers.get("retry-after", "0.1")))
                answers.append(json.loads(payload)["choices"][0]["message"]["content"])
                if len(answers) == concurrency:
                    m["round"] = time.perf_counter()

        t0, c0 = time.perf_counter(), time.process_time()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        t1, cpu = time.perf_counter(), time.process_time() - c0
    return {"cells": len(answers), "wall": t1 - t0, "cpu": cpu, "steady": _steady(len(answers), concurrency, m, t1)}


def _steady(cells: int, concurrency: int, m: dict[str, float], last: float) -> float | None:
    """Cells/s after the first round (`concurrency` answers) to the last: without the ramp-up (first connections,
    the first round's full latency) and with the last partial round, the run's steady state."""
    return (cells - concurrency) / (last - m["round"]) if "round" in m and last > m["round"] else None


def _exactly_once(journal: Path) -> tuple[int, int]:
    """(cells with exactly one final record, cells with more than one) in a run's journal."""
    keys = Counter(r["cell_key"] for r in map(json.loads, journal.read_text().splitlines()) if r["type"] == "cell")
    return sum(1 for n in keys.values() if n == 1), sum(1 for n in keys.values() if n > 1)


def _harness(
    suite: Path, results: Path, concurrency: int, transport: str, max_attempts: int | None = None
) -> dict[str, Any]:
    """One `harness run --mode live` as a library call; in-run time from plan to the last cell."""
    from harness.providers.http_client import TRANSPORT_ENV
    from harness.run.launch import start_run
    from harness.run.plan import Selection
    from harness.run.runner import RunOptions
    from harness.store import db

    before = os.environ.get(TRANSPORT_ENV)
    os.environ[TRANSPORT_ENV] = transport
    m: dict[str, float] = {}

    def on_plan(plan: Any, _: Any) -> None:
        m["plan"], m["plan_cpu"], m["cells"] = time.perf_counter(), time.process_time(), len(plan.cells)

    def sink(_: Any) -> None:  # the CPU clock read once, at the last cell: the measurement adds none per cell
        m["last"] = time.perf_counter()
        m["n"] = m.get("n", 0) + 1
        if m["n"] == concurrency:
            m["round"] = m["last"]
        if m["n"] == m["cells"]:
            m["last_cpu"] = time.process_time()

    try:
        result = start_run(suite, Selection(mode="live"), results_dir=results, sink=sink, on_plan=on_plan,
                           options=RunOptions(concurrency=concurrency, per_deployment=concurrency,
                                              max_attempts=max_attempts))  # fmt: skip
    finally:
        if before is None:
            os.environ.pop(TRANSPORT_ENV, None)
        else:
            os.environ[TRANSPORT_ENV] = before
    once, twice = _exactly_once(result.journal)
    ((cells, errors, attempts),) = db.query(
        results, "SELECT count(*), count(*) FILTER (WHERE status <> 'ok'), sum(attempts) FROM cells"
    )
    lanes = db.query(results, "SELECT event, t, cause, rate, in_flight_limit, windows_grown, windows_held, "
                              "windows_idle FROM lanes ORDER BY session, seq")  # fmt: skip
    return {
        "cells": len(result.plan.cells), "wall": m["last"] - m["plan"],
        "cpu": m.get("last_cpu", time.process_time()) - m["plan_cpu"],
        "steady": _steady(len(result.plan.cells), concurrency, m, m["last"]),
        "status": result.status, "stored_cells": cells, "errors": errors, "attempts": attempts,
        "exactly_once": once, "more_than_once": twice, "lane": [list(r) for r in lanes],
    }  # fmt: skip


def child(args: dict[str, Any], t0: float) -> Iterator[dict[str, Any]]:
    """Per phase and repeat: a bare loop, then the harness, against the same server settings."""
    server = Server()
    tmp = Path(tempfile.mkdtemp(prefix="bench-sdk-"))
    try:
        suite = live_project(tmp / "p", args["cases"], server.url)
        texts = [f"message {i} about {LABELS[i % 4]}" for i in range(args["cases"])]
        conc = args["concurrency"]
        # Repeat-major: every phase once, then again, so a load that drifts over minutes (other work on the
        # machine) falls on every phase alike instead of on the last ones.
        for rep in range(args["repeats"]):
            for phase in args["phases"]:
                schedule = {k: phase.get(k, 0.0) for k in ("delay", "p429", "p500")}
                schedule |= {k: phase[k] for k in ("retry_after", "quota") if k in phase}
                for kind in phase["kinds"]:
                    server.config(**schedule)
                    if kind == "bare":
                        row = asyncio.run(_bare(server.url, texts, conc, phase["transport"]))
                    elif kind == "aiohttp":
                        row = asyncio.run(_aiohttp(server.url, texts, conc))
                    else:
                        results = tmp / f"r-{phase['name']}-{rep}"
                        row = _harness(suite, results, conc, phase["transport"], phase.get("max_attempts"))
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


#: The issue's rig (issue 31's table): a bare aiohttp loop with plain retries took 0.2 ms of CPU a call there.
ISSUE_AIOHTTP_MS = 0.2
#: Issue 31's target: <= 1.0 ms of CPU a cell through the SDK on that rig, i.e. <= 5 bare aiohttp calls.
CPU_TARGET_MS = 1.0


def sdk_zero(cases: int, repeats: int, concurrency: int = 32) -> dict[str, Any]:
    """(3a) Zero latency: the harness's live path against the bare SDK loop (>= 0.8), per HTTP transport; and its
    CPU per cell against issue 31's target (<= 1.0 ms on the issue's rig).

    CPU per cell on this shared machine moves by a third within an hour with the same build, so the CPU target is
    judged against a yardstick taken beside it: a bare aiohttp loop (the issue's reference column, 0.2 ms a call on
    its rig) runs in the same round of each repeat, and each repeat's harness/aiohttp ratio times 0.2 ms is what
    the harness would take on that rig. The absolute figures are reported too."""
    phases = [{"name": t, "transport": t, "kinds": ["bare", "harness"]} for t in transports()]
    phases[0]["kinds"] = ["aiohttp", "bare", "harness"]
    rows = run_child("sdk", {"cases": cases, "concurrency": concurrency, "repeats": repeats, "phases": phases})
    default = phases[0]["name"]
    harness, bare, raw = (_runs(rows, default, k) for k in ("harness", "bare", "aiohttp"))
    pairs = [h["cells"] / h["wall"] / (b["cells"] / b["wall"]) for h, b in zip(harness, bare, strict=True)]
    to_raw = [h["cpu"] / h["cells"] / (a["cpu"] / a["cells"]) for h, a in zip(harness, raw, strict=True)]
    by_transport = {
        t["name"]: {k: {"cells_per_s": round(_rate(_runs(rows, t["name"], k)), 1),
                        "cpu_ms_per_cell": median_of([{"x": r["cpu"] / r["cells"] * 1000}
                                                      for r in _runs(rows, t["name"], k)], "x")}
                    for k in t["kinds"]}
        for t in phases
    }  # fmt: skip
    at_rig = statistics.median(to_raw) * ISSUE_AIOHTTP_MS
    row = summarise(
        f"real SDK path: openai adapter ({default}), {cases:,} cells, zero latency, concurrency {concurrency}", harness,
        _rate(bare), ">= 80% of the bare SDK loop (reference = bare loop cells/s); CPU per cell <= 1.0 ms on "
        "issue 31's rig (harness/aiohttp-loop CPU ratio x 0.2 ms)",
        bare_cpu_ms_per_call=median_of([{"x": r["cpu"] / r["cells"] * 1000} for r in bare], "x"),
        aiohttp_cpu_ms_per_call=median_of([{"x": r["cpu"] / r["cells"] * 1000} for r in raw], "x"),
        cpu_to_aiohttp_per_repeat=[round(x, 2) for x in to_raw], cpu_to_aiohttp=round(statistics.median(to_raw), 2),
        cpu_ms_per_cell_on_issue_rig=round(at_rig, 3),
        spread_ratio_per_repeat=[round(min(pairs), 3), round(max(pairs), 3)], transports=by_transport,
        errors=sum(r["errors"] for r in harness),
    )  # fmt: skip
    whole = all(r["status"] == "complete" and r["stored_cells"] == r["cells"] for r in harness)
    row["ok"] = (row["ratio_to_limit"] or 0) >= 0.8 and row["errors"] == 0 and whole and at_rig <= CPU_TARGET_MS
    return row


def sdk_latency(cases: int, repeats: int, concurrency: int = 32) -> dict[str, Any]:
    """(3b) 100 ms server latency: the harness's live path against Little's law (concurrency / latency), with the
    bare SDK loop beside it on each transport. 3,000 cells (as scenario 1): at 1,000 the ramp-up and the last
    partial round (1,000 / 32 = 31.25 rounds take 32) alone hold a client that costs nothing to ~0.95 of the limit
    with this server (~6 ms of its own per request); the steady state (after the first round) is reported too."""
    names = transports()
    phases = [{"name": f"100ms-{t}", "transport": t, "kinds": ["bare", "harness"], "delay": 0.1} for t in names]
    rows = run_child("sdk", {"cases": cases, "concurrency": concurrency, "repeats": repeats, "phases": phases})
    limit = concurrency / 0.1
    per = {}
    for t in names:
        h, b = _runs(rows, f"100ms-{t}", "harness"), _runs(rows, f"100ms-{t}", "bare")
        per[t] = {"harness_cells_per_s": round(_rate(h), 1), "bare_cells_per_s": round(_rate(b), 1),
                  "harness_ratio_to_limit": round(_rate(h) / limit, 3),
                  "bare_ratio_to_limit": round(_rate(b) / limit, 3),
                  "harness_to_bare": round(_rate(h) / _rate(b), 3),
                  "harness_steady_cells_per_s": median_of(h, "steady", 1),
                  "bare_steady_cells_per_s": median_of(b, "steady", 1),
                  "harness_cpu_ms_per_cell": median_of([{"x": r["cpu"] / r["cells"] * 1000} for r in h], "x"),
                  "bare_cpu_ms_per_call": median_of([{"x": r["cpu"] / r["cells"] * 1000} for r in b], "x")}  # fmt: skip
    harness, bare = _runs(rows, f"100ms-{names[0]}", "harness"), _runs(rows, f"100ms-{names[0]}", "bare")
    row = summarise(
        f"real SDK path: openai adapter ({names[0]}), {cases:,} cells, 100 ms, concurrency {concurrency}", harness,
        limit, f">= 90% of {limit:.0f} cells/s", bare_cells_per_s=round(_rate(bare), 1),
        bare_ratio_to_limit=round(_rate(bare) / limit, 3), harness_to_bare=per[names[0]]["harness_to_bare"],
        steady_cells_per_s=median_of(harness, "steady", 1),
        steady_ratio_to_limit=_r3((median_of(harness, "steady", 1) or 0) / limit),
        transports=per, errors=sum(r["errors"] for r in harness),
    )  # fmt: skip
    row["ok"] = (row["ratio_to_limit"] or 0) >= 0.9 and row["errors"] == 0
    return row


def _r3(x: float) -> float:
    return round(x, 3)


def faults(cases: int, repeats: int, concurrency: int = 32) -> dict[str, Any]:
    """(4) 100 ms with 5% 429 (Retry-After 1 s) and 2% 500: every cell ends exactly once, none as an error."""
    clean = {"name": "clean", "transport": transports()[0], "kinds": ["harness"], "delay": 0.1}
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


NOISE = [(0.05, None), (0.05, "1"), (0.10, None), (0.10, "1")]


def noise(cases: int, repeats: int, concurrency: int = 32) -> dict[str, Any]:
    """(9) Random 429s at 5% and 10% of attempts, bare and with Retry-After: 1, 100 ms, no quota (issue 31): each
    >= 95% of the cells/s of the same run without them. Transient 429s are retried and counted, never a cut.
    10,000 cells: the cells answered 429 in the run's last second end a second (or two) after the others whatever
    the client does, which alone is 7-15% of a 3,000-cell run at 300 cells/s and 2-5% of this one."""
    clean = {"name": "clean", "transport": transports()[0], "kinds": ["harness"], "delay": 0.1}
    phases = [clean] + [{**clean, "name": f"p{round(p * 100)}-{'ra' + ra if ra else 'bare'}", "p429": p,
                         "retry_after": ra} for p, ra in NOISE]  # fmt: skip
    rows = run_child("sdk", {"cases": cases, "concurrency": concurrency, "repeats": repeats, "phases": phases})
    base = _rate(_runs(rows, "clean", "harness"))
    clean_rates = [r["cells"] / r["wall"] for r in _runs(rows, "clean", "harness")]
    per = {}
    for ph in phases[1:]:
        runs = _runs(rows, ph["name"], "harness")
        # each repeat against the clean run of the same round (the phases interleave), the median of those ratios
        paired = [r["cells"] / r["wall"] / c for r, c in zip(runs, clean_rates, strict=True)]
        status: Counter[str] = Counter()
        for r in runs:
            status.update(r["server"]["status"])
        per[ph["name"]] = {"cells_per_s": round(_rate(runs), 1), "ratio_to_clean": round(statistics.median(paired), 3),
                           "ratios_per_round": [round(x, 3) for x in paired],
                           "cuts": max(sum(1 for e in r["lane"] if e[0] == "cut") for r in runs),
                           "share_429": round(status.get("429", 0) / max(1, sum(status.values())), 4),
                           "cpu_ms_per_cell": median_of([{"x": r["cpu"] / r["cells"] * 1000} for r in runs], "x"),
                           "attempts_per_cell": median_of([{"x": r["attempts"] / r["cells"]} for r in runs], "x"),
                           "steady_cells_per_s": median_of(runs, "steady", 1),
                           "errors": sum(r["errors"] for r in runs)}  # fmt: skip
    worst = min(per, key=lambda k: per[k]["ratio_to_clean"])
    row = summarise(
        f"random 429s: openai adapter, {cases:,} cells, 100 ms, concurrency {concurrency}, 5% and 10%, bare and "
        "Retry-After: 1", _runs(rows, worst, "harness"), base,
        ">= 95% of the clean run's cells/s in every phase (the row's figures: the worst phase against clean)",
        clean_cells_per_s=round(base, 1), worst=worst, phases=per,
        clean_cpu_ms_per_cell=median_of([{"x": r["cpu"] / r["cells"] * 1000} for r in _runs(rows, "clean", "harness")],
                                        "x"),
        clean_steady_cells_per_s=median_of(_runs(rows, "clean", "harness"), "steady", 1),
    )  # fmt: skip
    row["ok"] = all(v["ratio_to_clean"] >= 0.95 and v["errors"] == 0 for v in per.values())
    return row


def settle(timeline: list[list[int]], start: int, end: int, quota: float, band: float = 0.15) -> dict[str, Any]:
    """Seconds after `start` until the 5-s mean of answers per second stays within ±`band` of `quota` to `end`,
    and the mean rate from then on (None: it never settled)."""
    ok = [row[0] for row in timeline]
    for k in range(start, end - 4):
        means = [sum(ok[i : i + 5]) / 5 for i in range(k, end - 4)]
        if all(abs(m - quota) <= band * quota for m in means):
            return {"quota": quota, "settled_s": k - start, "mean": round(sum(ok[k:end]) / (end - k), 1)}
    return {"quota": quota, "settled_s": None, "mean": round(sum(ok[start:end]) / max(1, end - start), 1)}


def quota_steps(step_s: int, repeats: int, concurrency: int = 32) -> dict[str, Any]:
    """(10) A true quota (token bucket, 429 with x-ratelimit headers) stepping 100 -> 50 -> 100 requests/s every
    `step_s` seconds, 50 ms latency (Little's limit 640/s): the lane settles within ±15% of each step within 60 s,
    and <= 10% of attempts are quota 429s (issue 31)."""
    steps = [[0, 100.0], [step_s, 50.0], [2 * step_s, 100.0]]
    cases = int(step_s * 250 * 1.02)  # the three steps' quota, and a little more: the run outlasts the last step
    phase = {"name": "quota", "transport": transports()[0], "kinds": ["harness"], "delay": 0.05, "quota": steps,
             "max_attempts": 20}  # fmt: skip
    rows = run_child("sdk", {"cases": cases, "concurrency": concurrency, "repeats": repeats, "phases": [phase]})
    runs = _runs(rows, "quota", "harness")
    figures = []
    for r in runs:
        line = r["server"]["timeline"]
        bounds = [(0, step_s, 100.0), (step_s, 2 * step_s, 50.0), (2 * step_s, min(3 * step_s, len(line) - 2), 100.0)]
        attempts = sum(sum(x) for x in line)
        figures.append({"steps": [settle(line, a, b, q) for a, b, q in bounds],
                        "quota_429_share": round(sum(x[1] for x in line) / max(1, attempts), 4),
                        "cuts": sum(1 for e in r["lane"] if e[0] == "cut"), "errors": r["errors"],
                        "seconds": len(line), "lane": r["lane"], "ok_per_s": [x[0] for x in line]})  # fmt: skip
    row = summarise(
        f"quota steps: openai adapter, {cases:,} cells, 50 ms, concurrency {concurrency}, quota 100 -> 50 -> 100 "
        f"requests/s every {step_s} s", runs, 100.0,
        "settles within ±15% of each step within 60 s; <= 10% of attempts are quota 429s", runs_detail=figures,
    )  # fmt: skip
    row["ok"] = all(
        all(s["settled_s"] is not None and s["settled_s"] <= min(60, step_s) for s in f["steps"])
        and f["quota_429_share"] <= 0.10
        and f["errors"] == 0
        for f in figures
    )
    return row
