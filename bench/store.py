"""Store and report (7): a 100,000-cell journal loaded into a fresh DuckDB, and the HTML report rendered from it;
and the lake (issue 20): the same run pushed to a DuckLake (file catalog, local Parquet) and its report built from
the lake.

The journal is written once (not timed) in the shape the runner writes: per cell one attempt, one cell and one
grade record, three simulated deployments in one chain, so the report has a full degradation ladder.
"""

from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.common import LABELS, median_of, peak_rss_mb, run_child, sim_project, spread_of

DEPLOYMENTS = (("a", "anthropic", "claude", 0.80), ("b", "openai", "gpt", 0.78), ("c", "google", "gemini", 0.70))
STAMP = "2026-01-01T00:00:00+00:00"


def _run_record(run_id: str, suite: Path, cells: int) -> dict[str, Any]:
    return {
        "type": "run", "run_id": run_id, "suite": "bench", "suite_path": str(suite), "started_at": STAMP,
        "status": "running", "mode": "sim", "simulated": True, "sim_seed": 0, "git_commit": None,
        "git_dirty": None, "harness_version": "bench", "packages": {}, "hashes": {}, "fingerprint": {},
        "deployment_modes": {d: "sim" for d, *_ in DEPLOYMENTS}, "routing_table_version": "bench",
        "tasks": ["t"], "deployments": [d for d, *_ in DEPLOYMENTS], "variants": ["base"], "planned_cells": cells,
        "pid": os.getpid(), "host": "bench",
    }  # fmt: skip


def _records(run_id: str, i: int, pos: int, rng: random.Random) -> Iterator[dict[str, Any]]:
    dep, provider, family, accuracy = DEPLOYMENTS[pos]
    key, label = f"{run_id}-{dep}-{i}", LABELS[i % 4]
    right = rng.random() < accuracy
    output = label if right else LABELS[(i + 1) % 4]
    latency = round(rng.lognormvariate(4.6, 0.3), 3)
    yield {"type": "attempt", "attempt_id": f"{key}:0:1", "cell_key": key, "run_id": run_id, "n": 1,
           "deployment": dep, "status": "ok", "latency_ms": latency, "input_tokens": 12, "output_tokens": 2,
           "cost_usd": 0.0, "finish_reason": "stop", "served_model": f"sim:{dep}", "request_id": f"sim-{i}",
           "retry_layer": "harness", "started_at": STAMP, "simulated": True}  # fmt: skip
    yield {"type": "cell", "cell_key": key, "run_id": run_id, "task": "t", "task_class": "classification",
           "dataset": "d", "dataset_version": "1", "dataset_sha256": "0" * 64, "case_id": f"c{i}", "cluster": None,
           "tags": [], "deployment": dep, "provider": provider, "model": dep, "family": family,
           "role": "primary" if pos == 0 else f"fallback {pos}", "variant": "base", "sample": 0,
           "template_path": "t/default.j2", "template_hash": "1" * 64, "prompt_hash": f"p{i}",
           "options_hash": "o", "request_hash": f"r{pos}-{i}", "status": "ok", "output": output, "tool_calls": [],
           "finish_reason": "stop", "served_model": f"sim:{dep}", "error_class": None, "error_message": None,
           "input_tokens": 12, "output_tokens": 2, "cost_usd": 0.0, "latency_ms": latency, "attempts": 1,
           "cache_hit": False, "mode": "sim", "simulated": True, "served_deployment": dep, "chain_position": pos,
           "est_input_tokens": 12, "pass_threshold": 1.0, "finished_at": STAMP}  # fmt: skip
    yield {"type": "grade", "cell_key": key, "run_id": run_id, "grader_id": "exact", "grader_version": "1",
           "value": 1.0 if right else 0.0, "passed": right, "reason": "", "error": None, "weight": 1.0,
           "judge_deployment": None, "graded_at": STAMP}  # fmt: skip


def write_journal(
    results: Path, suite: Path, cells: int, run_id: str = "20260101-000000-bench0", seed: int = 0, routed: bool = False
) -> str:
    """A finished simulated run of `cells` cells (3 deployments × cells / 3 cases) as the runner journals it; another
    `seed` gives other right and wrong answers (a second run with flips). `routed`: with each case's routed walk
    (`_served`), as `harness run --routed` journals it."""
    from harness.store.journal import JournalWriter

    rng = random.Random(seed)
    j = JournalWriter(results / "runs" / f"{run_id}.jsonl")
    j.write(_run_record(run_id, suite, cells))
    chain: list[dict[str, Any]] = []  # the case's cells so far, each with its grade's pass
    for n in range(cells):
        for rec in _records(run_id, n // 3, n % 3, rng):
            j.write(rec)
            if rec["type"] == "cell":
                chain.append(dict(rec))
            elif rec["type"] == "grade":
                chain[-1]["passed"] = rec["passed"]
        if n % 3 == 2 or n == cells - 1:
            if routed:
                j.write(_served(run_id, chain))
            chain = []
    j.write({"type": "run_end", "run_id": run_id, "status": "complete", "ended_at": STAMP,
             "counts": {"ok": cells, "error": 0, "skipped": 0}, "session": 0})  # fmt: skip
    j.close()
    return run_id


BUDGET_MS = 150.0
"""The bench's latency budget for a routed walk: about one primary answer in ten is over it and falls back."""


def _served(run_id: str, chain: list[dict[str, Any]]) -> dict[str, Any]:
    """A case's walk down its chain (`run.routed.walk` on these cells: the first within `BUDGET_MS` serves)."""
    path, latency = [], 0.0
    for pos, cell in enumerate(chain):
        late = cell["latency_ms"] > BUDGET_MS
        latency += BUDGET_MS if late else cell["latency_ms"]
        path.append({"deployment": cell["deployment"], "position": pos, "outcome": "timeout" if late else "ok"})
        if not late:
            return {"type": "served", "run_id": run_id, "task": "t", "case_id": cell["case_id"], "variant": "base",
                    "sample": 0, "route": "chain", "requested": "a", "served_deployment": cell["deployment"],
                    "served_position": pos, "served_cell": cell["cell_key"], "status": "ok", "failure_class": None,
                    "path": path, "latency_ms": round(latency, 3), "cost_usd": 0.0,
                    "score": 1.0 if cell["passed"] else 0.0, "passed": cell["passed"], "simulated": True}  # fmt: skip
    return {"type": "served", "run_id": run_id, "task": "t", "case_id": chain[0]["case_id"], "variant": "base",
            "sample": 0, "route": "chain", "requested": "a", "served_deployment": None, "served_position": None,
            "served_cell": None, "status": "error", "failure_class": "timeout", "path": path,
            "latency_ms": round(latency, 3), "cost_usd": 0.0, "score": None, "passed": None,
            "simulated": True}  # fmt: skip


def child(args: dict[str, Any], t0: float) -> Iterator[dict[str, Any]]:
    from harness.report.data import build
    from harness.report.render import render, write
    from harness.store import db

    with tempfile.TemporaryDirectory() as tmp:
        suite = sim_project(Path(tmp) / "p", 4)  # quality bars come from the suite the run names
        results = Path(tmp) / "results"
        cells = args["cells"]
        run_id = write_journal(results, suite, cells)
        for _ in range(args["repeats"]):
            db.db_path(results).unlink(missing_ok=True)
            t, c = time.perf_counter(), time.process_time()
            stats = db.load(results)
            load_wall, load_cpu = time.perf_counter() - t, time.process_time() - c
            out = Path(tmp) / "report.html"
            t, c = time.perf_counter(), time.process_time()
            write(render(build(results, run_id), "html"), out)
            report_wall, report_cpu = time.perf_counter() - t, time.process_time() - c
            yield {"cells": cells, "rows": stats.records - 2, "load_wall": load_wall, "load_cpu": load_cpu,
                   "report_wall": report_wall, "report_cpu": report_cpu, "report_mb": out.stat().st_size / 2**20,
                   "rss_mb": peak_rss_mb()}  # fmt: skip


def store_and_report(cells: int, repeats: int) -> dict[str, Any]:
    """(7) Load `cells` cells (+ attempts and grades) into a fresh DuckDB; render the report for them."""
    runs = run_child("store", {"cells": cells, "repeats": repeats})
    rates = [r["rows"] / r["load_wall"] for r in runs]
    row = {
        "scenario": f"store and report: {cells:,} cells", "cells": cells, "runs": len(runs), "rows": runs[0]["rows"],
        "wall_s": median_of(runs, "load_wall"), "rows_per_s": round(statistics.median(rates)),
        "spread_rows_per_s": [round(min(rates)), round(max(rates))], "limit_rows_per_s": 20_000,
        "ratio_to_limit": round(statistics.median(rates) / 20_000, 3),
        "cpu_ms_per_cell": median_of([{"x": r["load_cpu"] / cells * 1000} for r in runs], "x"),
        "report_s": median_of(runs, "report_wall"), "spread_report_s": spread_of(runs, "report_wall"),
        "report_cpu_ms_per_cell": median_of([{"x": r["report_cpu"] / cells * 1000} for r in runs], "x"),
        "report_mb": median_of(runs, "report_mb", 2), "peak_rss_mb": round(max(r["rss_mb"] for r in runs), 1),
        "simulated": True, "target": ">= 20,000 rows/s into DuckDB; report in <= 10 s to a file <= 25 MB",
    }  # fmt: skip
    row["ok"] = row["rows_per_s"] >= 20_000 and row["report_s"] <= 10 and row["report_mb"] <= 25
    return row


def lake_child(args: dict[str, Any], t0: float) -> Iterator[dict[str, Any]]:
    from harness.report.data import build
    from harness.report.render import render, write
    from harness.store import db, lake

    with tempfile.TemporaryDirectory() as tmp:
        suite = sim_project(Path(tmp) / "p", 4)
        results = Path(tmp) / "results"
        cells = args["cells"]
        run_id = write_journal(results, suite, cells)
        db.load(results)
        for i in range(args["repeats"]):
            spec = lake.parse(f"ducklake:{Path(tmp) / f'lake-{i}.ducklake'}")
            assert spec is not None
            t = time.perf_counter()
            pushed = lake.push(results, spec, [run_id])
            push_wall = time.perf_counter() - t
            t = time.perf_counter()
            lake.push(results, spec, [run_id])  # again: replaces the run
            repush_wall = time.perf_counter() - t
            out = Path(tmp) / "report.html"
            t = time.perf_counter()
            write(render(build(spec, run_id), "html"), out)
            report_wall = time.perf_counter() - t
            yield {"cells": cells, "rows": pushed.rows, "push_wall": push_wall, "repush_wall": repush_wall,
                   "report_wall": report_wall, "rss_mb": peak_rss_mb()}  # fmt: skip


def lake(cells: int, repeats: int) -> dict[str, Any]:
    """(issue 20) Push `cells` cells with their attempts and grades to a file-catalog lake; the report from it."""
    runs = run_child("lake", {"cells": cells, "repeats": repeats})
    rates = [r["rows"] / r["push_wall"] for r in runs]
    row = {
        "scenario": f"lake: push and report, {cells:,} cells", "cells": cells, "runs": len(runs),
        "rows": runs[0]["rows"], "push_s": median_of(runs, "push_wall"), "rows_per_s": round(statistics.median(rates)),
        "spread_rows_per_s": [round(min(rates)), round(max(rates))], "repush_s": median_of(runs, "repush_wall"),
        "report_s": median_of(runs, "report_wall"), "spread_report_s": spread_of(runs, "report_wall"),
        "peak_rss_mb": round(max(r["rss_mb"] for r in runs), 1), "simulated": True,
        "target": "report from the lake <= 15 s at 100,000 cells",
    }  # fmt: skip
    row["ok"] = row["report_s"] <= 15
    return row


MACHINE = """
import sys, time, pathlib
from harness.store import lake
t = time.perf_counter()
pushed = lake.push(pathlib.Path(sys.argv[1]), lake.parse(sys.argv[2], sys.argv[3]))
print(time.perf_counter() - t, pushed.rows, pushed.retries)
"""


def machines_child(args: dict[str, Any], t0: float) -> Iterator[dict[str, Any]]:
    """`machines` processes, each with its own run of `cells` cells, push into one PostgreSQL-catalog lake at once."""
    import subprocess
    import sys

    from harness.store import db, lake
    from tests.pg import cluster

    with tempfile.TemporaryDirectory() as tmp, cluster() as pg:
        suite = sim_project(Path(tmp) / "p", 4)
        dirs = []
        for m in range(args["machines"]):
            results = Path(tmp) / f"machine-{m}"
            write_journal(results, suite, args["cells"], f"20260101-000000-machine{m}")
            db.load(results)
            dirs.append(results)
        catalog, data = pg.database("machines").store, str(Path(tmp) / "lake-data") + "/"
        t = time.perf_counter()
        procs = [subprocess.Popen([sys.executable, "-c", MACHINE, str(d), catalog, data], stdout=subprocess.PIPE,
                                  text=True) for d in dirs]  # fmt: skip
        outs = [p.communicate(timeout=900)[0].split() for p in procs]
        wall = time.perf_counter() - t
        assert all(p.returncode == 0 for p in procs), outs
        spec = lake.parse(catalog, data)
        assert spec is not None
        con = lake.connect(spec, read_only=True)
        try:
            cells, distinct, runs = con.execute(
                "SELECT count(*), count(DISTINCT cell_key), (SELECT count(*) FROM runs) FROM cells"
            ).fetchone()
        finally:
            con.close()
        yield {"machines": args["machines"], "cells": cells, "distinct": distinct, "runs": runs, "wall": wall,
               "rows": sum(int(o[1]) for o in outs), "retries": sum(int(o[2]) for o in outs),
               "slowest_push": max(float(o[0]) for o in outs)}  # fmt: skip


def machines(count: int, cells: int) -> dict[str, Any]:
    """(issue 20) `count` machines push a `cells`-cell run each into one lake at the same time: nothing lost."""
    (r,) = run_child("lake-machines", {"machines": count, "cells": cells, "repeats": 1})
    row = {
        "scenario": f"lake: {count} machines push {cells:,} cells each at once", **r,
        "rows_per_s": round(r["rows"] / r["wall"]), "target": f"{count * cells:,} cells in the lake, 0 lost, 0 doubled",
    }  # fmt: skip
    row["ok"] = r["cells"] == r["distinct"] == count * cells and r["runs"] == count
    return row
