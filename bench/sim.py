"""Simulated-fleet scenarios: harness overhead and start-up (1), latency-bound (2), memory (5), cached rerun (6),
scaling (8). Each run is one child process doing what `harness run` does: import the CLI, plan, run, load."""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.common import (
    ROOT,
    RssSampler,
    median_of,
    peak_rss_mb,
    run_child,
    sim_project,
    spread_of,
    summarise,
)

FAST = {"concurrency": 64, "per_deployment": 64}
"""Zero latency: enough cells in flight that the harness, not the fleet, sets the pace."""
LATENCY = {"concurrency": 32, "per_deployment": 32, "sim_time_scale": 1.0}


def child(args: dict[str, Any], t0: float) -> Iterator[dict[str, Any]]:
    """One run as `harness run` does it (CLI module, display progress), timed from before the first import."""
    import harness.cli  # noqa: F401  (what `harness run` imports before anything else)
    from harness.cli import display
    from harness.providers.sim import SimProvider
    from harness.run.launch import start_run
    from harness.run.plan import Plan, Selection
    from harness.run.runner import RunOptions

    calls = [0]
    complete = SimProvider.complete

    async def counted(self: SimProvider, request: Any) -> Any:
        calls[0] += 1
        return await complete(self, request)

    SimProvider.complete = counted  # type: ignore[method-assign]
    m: dict[str, float] = {}
    progress: list[display.RunProgress] = []
    sampler = RssSampler(children=bool(args.get("rss_after")))

    def on_plan(plan: Plan, notes: list[str]) -> None:
        m["plan"], m["plan_cpu"] = time.perf_counter(), time.process_time()
        progress.append(display.RunProgress(len(plan.cells), plan.run_id).__enter__())

    def sink(e: Any) -> None:
        m["last"], m["last_cpu"] = time.perf_counter(), time.process_time()
        m.setdefault("first", m["last"])
        sampler.done += 1
        progress[0].advance(e.status, e.cost_usd)

    t1, c1 = time.perf_counter(), time.process_time()
    with sampler:
        result = start_run(Path(args["suite"]), Selection(mode="sim"), results_dir=Path(args["results"]),
                           options=RunOptions(**args["options"]), sink=sink, on_plan=on_plan)  # fmt: skip
    t2, c2 = time.perf_counter(), time.process_time()
    progress[0].__exit__()
    cells = len(result.plan.cells)
    base, with_load = sampler.growth_after(args.get("rss_after", 5000))
    _, growth = sampler.growth_after(args.get("rss_after", 5000), until=cells)  # LD-2: while cells run
    yield {
        "cells": cells, "status": result.status, "ok": result.tally.ok, "provider_calls": calls[0],
        "wall": m["last"] - m["plan"], "cpu": m["last_cpu"] - m["plan_cpu"],
        "whole_wall": t2 - t1, "whole_cpu": c2 - c1, "import_s": t1 - t0, "startup": m["first"] - t0,
        "plan_s": m["plan"] - t1, "load_s": t2 - m["last"], "rss_mb": peak_rss_mb(),
        "rss_at_mark_mb": base, "rss_growth_mb": growth, "rss_growth_with_load_mb": with_load,
        "peak_tree_rss_mb": round(sampler.tree_peak, 1), "loaded": result.loaded,
    }  # fmt: skip


def sim_runs(
    cases: int, options: dict[str, Any], repeats: int, output_kb: int = 0, **args: Any
) -> list[dict[str, Any]]:
    """`repeats` fresh runs of a 3 × `cases` cell suite, each in its own child and results directory."""
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        suite = sim_project(Path(tmp) / "p", cases, output_kb)
        for i in range(repeats):
            results = Path(tmp) / f"r{i}"
            runs += run_child("sim", {"suite": str(suite), "results": str(results), "options": options, **args})
            shutil.rmtree(results)
    for r in runs:
        if r["status"] != "complete" or r["ok"] != r["cells"]:
            raise RuntimeError(f"bench run did not complete cleanly: {r}")
    return runs


def _whole(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The whole `start_run` call (plan and the final DuckDB load included), beside the in-run figures."""
    return {
        "whole_run_cells_per_s": median_of([{"x": r["cells"] / r["whole_wall"]} for r in runs], "x", 1),
        "whole_run_cpu_ms_per_cell": median_of([{"x": r["whole_cpu"] / r["cells"] * 1000} for r in runs], "x"),
        "plan_s": median_of(runs, "plan_s"),
        "final_load_s": median_of(runs, "load_s"),
    }


def overhead(cases: int, repeats: int) -> dict[str, Any]:
    """(1) Zero latency: the harness's own cost per cell, and start-up of `harness run` (import to first cell)."""
    runs = sim_runs(cases, FAST, repeats)
    startup = median_of(runs, "startup")
    row = summarise(
        f"overhead: {3 * cases:,} cells, sim, zero latency", runs, None,
        ">= 2,000 cells/s inside the run (plan to last cell); start-up <= 1 s", simulated=True,
        startup_s=startup, spread_startup_s=spread_of(runs, "startup"), import_s=median_of(runs, "import_s"),
        **_whole(runs),
    )  # fmt: skip
    row["ok"] = row["cells_per_s"] >= 2000 and startup is not None and startup <= 1.0
    return row


def latency(cases: int, repeats: int) -> dict[str, Any]:
    """(2) 100 ms simulated latency, 32 in flight: Little's law caps it at 32 / 0.1 s = 320 cells/s."""
    runs = sim_runs(cases, LATENCY, repeats)
    row = summarise(f"latency-bound: {3 * cases:,} cells, sim 100 ms, concurrency 32", runs, 320.0,
                    ">= 95% of 320 cells/s", simulated=True, **_whole(runs))  # fmt: skip
    row["ok"] = (row["ratio_to_limit"] or 0) >= 0.95
    return row


def memory(cases: int, repeats: int) -> dict[str, Any]:
    """(5) 3 × `cases` cells with 8 KB outputs: peak RSS (final database load included), and growth after the
    first 5,000 cells while cells run (LD-2; the growth up to the end of the final load is reported beside it)."""
    mark = min(5000, cases * 3 // 10)
    runs = sim_runs(cases, FAST, repeats, output_kb=8, rss_after=mark)
    growth = median_of(runs, "rss_growth_mb", 1)
    tree = median_of(runs, "peak_tree_rss_mb", 1)
    row = summarise(f"memory: {3 * cases:,} cells, 8 KB outputs", runs, None,
                    f"peak RSS <= 500 MB (the run process, and it plus its database loader at any moment); "
                    f"growth of the run process after the first {mark:,} cells <= 100 MB", simulated=True,
                    peak_rss_with_loader_mb=tree, spread_peak_rss_with_loader_mb=spread_of(runs, "peak_tree_rss_mb", 1),
                    rss_after_first_cells_mb=median_of(runs, "rss_at_mark_mb", 1), rss_growth_mb=growth,
                    spread_rss_growth_mb=spread_of(runs, "rss_growth_mb", 1),
                    rss_growth_with_final_load_mb=median_of(runs, "rss_growth_with_load_mb", 1),
                    **_whole(runs))  # fmt: skip
    row["ok"] = max(row["peak_rss_mb"], tree or 0) <= 500 and growth is not None and growth <= 100
    return row


def scaling(sizes: list[int], repeats: int) -> dict[str, Any]:
    """(8) CPU per cell at growing run sizes (cells = 3 × cases): flat means no per-cell cost grows with n."""
    points = []
    for cases in sizes:
        runs = sim_runs(cases, FAST, repeats)
        points.append(summarise(f"{3 * cases:,} cells", runs, None, "", **_whole(runs)))
    per_cell = [p["cpu_ms_per_cell"] for p in points]
    worst = max(per_cell) / min(per_cell)
    growth = max(per_cell[1:]) / per_cell[0]  # what grows with n; a fixed cost per run makes small runs dearer
    row = {
        "scenario": "scaling: " + ", ".join(f"{p['cells']:,}" for p in points) + " cells",
        "cells": points[-1]["cells"], "runs": repeats, "cells_per_s": points[-1]["cells_per_s"],
        "cpu_ms_per_cell": per_cell, "whole_run_cpu_ms_per_cell": [p["whole_run_cpu_ms_per_cell"] for p in points],
        "max_over_min_cpu_per_cell": round(worst, 3), "larger_over_smallest_cpu_per_cell": round(growth, 3),
        "points": points, "simulated": True,
        "target": "CPU per cell flat: no larger size above 1.25 x the smallest's",
    }  # fmt: skip
    row["ok"] = growth <= 1.25
    return row


def cache_pending() -> str | None:
    """Why the cached-rerun scenario cannot run yet (None when `harness run --cache` and the option exist)."""
    from harness.run.runner import RunOptions

    help_text = subprocess.run(
        [sys.executable, "-m", "harness", "run", "--help"], capture_output=True, text=True, cwd=ROOT,
        env={**os.environ, "COLUMNS": "200"},
    ).stdout  # fmt: skip
    if "--cache" not in help_text:
        return "pending: `harness run --help` has no --cache option yet"
    if "cache" not in {f.name for f in dataclasses.fields(RunOptions)}:
        return "pending: RunOptions has no `cache` field yet"
    return None


def cached(cases: int, repeats: int) -> dict[str, Any]:
    """(6) Scenario 1 again over a warm response cache: no provider call, >= 5,000 cells/s."""
    target = "0 provider calls; >= 5,000 cells/s inside the run"
    name = f"cached rerun: {3 * cases:,} cells, sim, zero latency"
    why = cache_pending()
    if why:
        return {"scenario": name, "status": "pending", "note": why, "target": target, "ok": None}
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        suite, results = sim_project(Path(tmp) / "p", cases), Path(tmp) / "r"
        args = {"suite": str(suite), "results": str(results), "options": {**FAST, "cache": "rw"}}
        warm = run_child("sim", args)  # fills the cache
        for _ in range(repeats):
            runs += run_child("sim", args)
    calls = max(r["provider_calls"] for r in runs)
    first = warm[0]  # scenario 1 with the cache written as it goes (what `harness run`, cache rw, does first)
    row = summarise(name, runs, None, target, simulated=True, warm_run_provider_calls=first["provider_calls"],
                    warm_run_cells_per_s=round(first["cells"] / first["wall"], 1), provider_calls=calls,
                    startup_s=median_of(runs, "startup"), **_whole(runs))  # fmt: skip
    row["ok"] = calls == 0 and row["cells_per_s"] >= 5000
    return row
