"""`make bench`: how much the harness itself costs, against the physical limit (Little's law: throughput <=
concurrency / latency).

Each scenario runs its work in child processes, 3 times, and reports the median with the spread: cells, wall
seconds, cells/s, the limit or reference and the ratio to it, CPU per cell and peak RSS, plus `ok` against its
target (`--quick` rows are `smoke`: `ok` null, never a failure, since their sizes are not the targets'). Figures
go to stdout and `reports/bench.json`, with the load average (other work on the machine skews them). Simulated
runs are labelled `simulated`.

    python bench/run.py [--only NAME ...] [--quick] [--repeats N] [--out PATH]

Scenarios: overhead (1, start-up included), latency (2), sdk-zero and sdk-latency (3), faults (4), memory (5),
cached (6), store (7), scaling (8), code (9: code_exec per sample, bwrap vs rlimits only), noise (10: random
429s), quota-steps (11: a stepping quota), gate-stats (the gate's statistics, issue 28), view (`harness view`'s
pages, issue 22), ray (code_exec grading on 1 and 2 Ray nodes, issue 21), stream (streaming's CPU per cell and TTFT
accuracy, issue 29), deadlines (routed play with deadlines and hedging against a stalling primary, issue 29).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import code, deadlines, gatestudy, ray_cluster, sdk, sim, store, stream, view  # noqa: E402
from bench.common import ROOT, warm_bytecode  # noqa: E402

Plan = dict[str, Callable[[], dict[str, Any]]]


def scenarios(repeats: int, quick: bool) -> Plan:
    """Name -> scenario; `quick` shrinks every size (a smoke test of the bench, not a measurement)."""

    def n(full: int, small: int) -> int:
        return small if quick else full

    return {
        "overhead": lambda: sim.overhead(n(1000, 100), repeats),
        "latency": lambda: sim.latency(n(1000, 100), repeats),
        "sdk-zero": lambda: sdk.sdk_zero(n(2000, 200), repeats),
        "sdk-latency": lambda: sdk.sdk_latency(n(3000, 100), repeats),
        "faults": lambda: sdk.faults(n(1000, 100), repeats),
        "stream": lambda: stream.stream(n(2000, 200), repeats if quick else max(repeats, 9)),  # a noisy difference
        "noise": lambda: sdk.noise(n(10_000, 300), repeats),
        "quota-steps": lambda: sdk.quota_steps(n(60, 10), 1),
        "memory": lambda: sim.memory(n(16_667, 500), repeats),
        "store": lambda: store.store_and_report(n(100_002, 1002), repeats),
        "lake": lambda: store.lake(n(100_002, 1002), repeats),
        "lake-machines": lambda: store.machines(8, n(5001, 201)),
        "scaling": lambda: sim.scaling([n(334, 34), n(3334, 334), n(33_334, 1000)], repeats),
        "cached": lambda: sim.cached(n(1000, 100), repeats),
        "code": lambda: code.code_exec(n(164, 16), repeats),
        "gate-stats": lambda: gatestudy.scenario(quick),
        "view": lambda: view.view(n(50_001, 1002), repeats),
        "ray": lambda: ray_cluster.scenario(n(2000, 100)),
        "deadlines": lambda: deadlines.scenario(n(2000, 200)),
    }


def meta(quick: bool, repeats: int, started: float) -> dict[str, Any]:
    load = [round(x, 2) for x in os.getloadavg()]
    return {
        "python": platform.python_version(), "machine": platform.machine(), "cpus": os.cpu_count(),
        "quick": quick, "smoke": quick, "repeats": repeats, "loadavg_1_5_15": load,
        "duration_s": round(time.time() - started, 1),
        "note": "medians of the repeats; a load average near the CPU count means other work skewed the figures",
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="*", default=None, metavar="NAME", help="run only these scenarios")
    parser.add_argument("--repeats", type=int, default=None, help="runs per scenario (default 3; 1 with --quick)")
    parser.add_argument("--quick", action="store_true", help="small sizes, one run: a smoke test of the bench")
    parser.add_argument("--out", type=Path, default=ROOT / "reports" / "bench.json")
    a = parser.parse_args(argv)
    repeats = a.repeats or (1 if a.quick else 3)
    plan = scenarios(repeats, a.quick)
    unknown = [name for name in a.only or [] if name not in plan]
    if unknown:
        parser.error(f"unknown scenario {unknown[0]!r}; choose from {', '.join(plan)}")
    warm_bytecode()
    started = time.time()
    load_before = [round(x, 2) for x in os.getloadavg()]
    rows = []
    for name, fn in plan.items():
        if a.only and name not in a.only:
            continue
        row = {"name": name, **fn(), "loadavg_1m": round(os.getloadavg()[0], 2)}
        if a.quick:  # shrunk sizes against full-size targets: a smoke run says nothing about them, never a failure
            row.update(ok=None, smoke=True, target=f"(smoke run: not measured against) {row.get('target', '')}")
        rows.append(row)
        print(json.dumps(row), flush=True)
    a.out.parent.mkdir(parents=True, exist_ok=True)
    info = {**meta(a.quick, repeats, started), "loadavg_before_1_5_15": load_before}
    a.out.write_text(json.dumps({"meta": info, "scenarios": rows}, indent=2) + "\n")
    print(f"wrote {a.out}")
    return 0


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_NOFILE, (4096, 4096))
    sys.exit(main())
