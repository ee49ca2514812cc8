"""`make bench`: how much the harness itself costs, against the physical limit (Little's law).

Each scenario runs 3 times and reports the median with the spread: cells, wall seconds, cells/s, the limit or
reference and the ratio to it, CPU seconds per cell and peak RSS. Figures go to stdout and `reports/bench.json`.
Scenarios run in child processes so that RSS and start-up are measured cleanly.

    python bench/run.py [--only NAME ...] [--repeats 3]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LABELS = ["billing", "shipping", "technical", "refund"]


def make_project(root: Path, cases: int, output_kb: int = 0) -> Path:
    """A suite with one classification task over `cases` cases and three simulated deployments."""
    (root / "evals").mkdir(parents=True, exist_ok=True)
    sim = "{default_accuracy: 0.8, latency_ms_p50: 100, latency_ms_p95: 100}"
    models = "deployments:\n" + "".join(
        f"  {d}: {{provider: {p}, model: {d}, family: {f}, sim: {sim}}}\n"
        for d, p, f in [("a", "anthropic", "claude"), ("b", "openai", "gpt"), ("c", "google", "gemini")]
    )
    (root / "evals/models.yaml").write_text(models)
    (root / "evals/routing.yaml").write_text("tasks:\n  t:\n    chain: [a, b, c]\n")
    task_class = "generation" if output_kb else "classification"
    grader = "{name: exact}"
    (root / "evals/bench.yaml").write_text(
        f"name: bench\ntasks:\n  t:\n    task_class: {task_class}\n    dataset: d@1\n    graders: [{grader}]\n"
    )
    pad = "x" * (output_kb * 1024)
    lines = "".join(
        json.dumps({"id": f"c{i}", "input": {"text": f"message {i} about an order"},
                    "expected": (pad + str(i)) if output_kb else LABELS[i % 4]}) + "\n"
        for i in range(cases)
    )  # fmt: skip
    ds = root / "datasets/d"
    ds.mkdir(parents=True, exist_ok=True)
    (ds / "v1.jsonl").write_text(lines)
    digest = hashlib.sha256(lines.encode()).hexdigest()
    (ds / "dataset.yaml").write_text(
        f"name: d\ndescription: bench\nsource: bench/run.py\nlicence: CC0-1.0\nlabels: {json.dumps(LABELS)}\n"
        f"fields: {{text: t}}\nversions:\n  '1': {{file: v1.jsonl, sha256: {digest}, cases: {cases}}}\n"
    )
    (root / "prompts/t").mkdir(parents=True, exist_ok=True)
    (root / "prompts/t/default.j2").write_text("{% block user %}Label this: {{ text }}{% endblock %}")
    return root / "evals/bench.yaml"


CHILD = """
import json, resource, sys, time
t0 = time.perf_counter(); c0 = time.process_time()
from harness.launch import start_run
from harness.plan import Selection
from harness.runner import RunOptions
from pathlib import Path
args = json.loads(sys.argv[1])
first = []
def sink(e):
    if not first:
        first.append(time.perf_counter())
t1 = time.perf_counter(); c1 = time.process_time()
result = start_run(Path(args["suite"]), Selection(mode="sim"), results_dir=Path(args["results"]),
                   options=RunOptions(**args["options"]), sink=sink)
t2 = time.perf_counter(); c2 = time.process_time()
print(json.dumps({"cells": len(result.plan.cells), "wall": t2 - t1, "cpu": c2 - c1,
                  "startup": (first[0] if first else t2) - t0, "status": result.status,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run_child(suite: Path, results: Path, options: dict[str, Any]) -> dict[str, Any]:
    args = json.dumps({"suite": str(suite), "results": str(results), "options": options})
    out = subprocess.run([sys.executable, "-c", CHILD, args], capture_output=True, text=True, check=True)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def summarise(name: str, runs: list[dict[str, Any]], limit: float | None, target: str) -> dict[str, Any]:
    rates = [r["cells"] / r["wall"] for r in runs]
    med = statistics.median(rates)
    row = {
        "scenario": name,
        "cells": runs[0]["cells"],
        "wall_s": round(statistics.median(r["wall"] for r in runs), 3),
        "cells_per_s": round(med, 1),
        "spread_cells_per_s": [round(min(rates), 1), round(max(rates), 1)],
        "limit_cells_per_s": limit,
        "ratio_to_limit": round(med / limit, 3) if limit else None,
        "cpu_ms_per_cell": round(statistics.median(r["cpu"] / r["cells"] * 1000 for r in runs), 3),
        "peak_rss_mb": round(max(r["rss_mb"] for r in runs), 1),
        "startup_s": round(statistics.median(r["startup"] for r in runs), 3),
        "target": target,
    }
    return row


def scenario(name: str, cases: int, options: dict[str, Any], limit: float | None, target: str, repeats: int,
             output_kb: int = 0) -> dict[str, Any]:  # fmt: skip
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        suite = make_project(Path(tmp) / "p", cases, output_kb)
        for i in range(repeats):
            results = Path(tmp) / f"r{i}"
            runs.append(run_child(suite, results, options))
            shutil.rmtree(results)
    return summarise(name, runs, limit, target)


def store_scenario(repeats: int, cells: int = 100_000) -> dict[str, Any]:
    """Load `cells` cells (plus attempts and grades) from a journal into a fresh DuckDB file."""
    from harness.store import db
    from harness.store.journal import JournalWriter

    walls = []
    with tempfile.TemporaryDirectory() as tmp:
        results = Path(tmp)
        j = JournalWriter(results / "runs" / "bench.jsonl")
        j.write({"type": "run", "run_id": "bench", "status": "running"})
        for i in range(cells):
            key = f"k{i}"
            j.write({"type": "attempt", "attempt_id": key + ":0:1", "cell_key": key, "run_id": "bench", "n": 1,
                     "status": "ok", "latency_ms": 1.0})  # fmt: skip
            j.write({"type": "cell", "cell_key": key, "run_id": "bench", "task": "t", "deployment": "d",
                     "variant": "base", "sample": 0, "case_id": f"c{i}", "status": "ok", "output": "billing",
                     "tags": [], "tool_calls": [], "pass_threshold": 1.0, "simulated": True})  # fmt: skip
            j.write({"type": "grade", "cell_key": key, "run_id": "bench", "grader_id": "exact",
                     "grader_version": "1", "value": 1.0, "passed": True, "weight": 1.0})  # fmt: skip
        j.close()
        for _ in range(repeats):
            db.db_path(results).unlink(missing_ok=True)
            t0 = time.perf_counter()
            db.load(results)
            walls.append(time.perf_counter() - t0)
    rows = cells * 3
    med = statistics.median(walls)
    return {"scenario": "store: load 100k cells", "cells": cells, "rows": rows, "wall_s": round(med, 3),
            "rows_per_s": round(rows / med), "spread_s": [round(min(walls), 3), round(max(walls), 3)],
            "target": ">= 20,000 rows/s"}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", nargs="*", default=None)
    parser.add_argument("--repeats", type=int, default=3)
    a = parser.parse_args()
    r = a.repeats
    plan: dict[str, Any] = {
        "overhead": lambda: scenario("overhead: 3,000 cells, zero latency", 1000,
                                     {"concurrency": 64, "per_deployment": 64}, None,
                                     ">= 2,000 cells/s; start-up <= 1 s", r),
        "latency": lambda: scenario("latency-bound: 100 ms, concurrency 32", 1000,
                                    {"concurrency": 32, "per_deployment": 32, "sim_time_scale": 1.0}, 320.0,
                                    ">= 95% of 320 cells/s", r),
        "memory": lambda: scenario("memory: 50,000 cells, 8 KB outputs", 16_667,
                                   {"concurrency": 64, "per_deployment": 64}, None,
                                   "peak RSS <= 500 MB", 1, output_kb=8),
        "scaling-1k": lambda: scenario("scaling: 1k cells", 334, {"concurrency": 64, "per_deployment": 64}, None,
                                       "CPU per cell flat", r),
        "scaling-10k": lambda: scenario("scaling: 10k cells", 3334, {"concurrency": 64, "per_deployment": 64},
                                        None, "CPU per cell flat", r),
        "store": lambda: store_scenario(r),
    }  # fmt: skip
    rows = []
    for name, fn in plan.items():
        if a.only and name not in a.only:
            continue
        row = fn()
        rows.append(row)
        print(json.dumps(row), flush=True)
    out = ROOT / "reports" / "bench.json"
    out.parent.mkdir(exist_ok=True)
    meta = {"python": platform.python_version(), "machine": platform.machine(), "cpus": os.cpu_count()}
    out.write_text(json.dumps({"meta": meta, "scenarios": rows}, indent=2) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_NOFILE, (4096, 4096))
    main()
