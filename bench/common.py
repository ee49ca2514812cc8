"""What every scenario shares: the bench projects on disk, child processes, RSS sampling and the summary row.

A scenario runs its measured work in a child process (`bench/child.py`), so that RSS, CPU and start-up are the
work's own; the child prints one JSON line per run, the parent takes the median of the repeats with the spread.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYCACHE = Path(tempfile.gettempdir()) / "harness-bench-pycache"
LABELS = ["billing", "shipping", "technical", "refund"]
#: Not key-shaped: the loopback server accepts any credential.
BENCH_CREDENTIAL = "bench-loopback-credential"
SIM = "{default_accuracy: 0.8, latency_ms_p50: 100, latency_ms_p95: 100}"


def _dataset(root: Path, cases: int, output_kb: int) -> None:
    pad = "x" * (output_kb * 1024)
    lines = "".join(
        json.dumps({"id": f"c{i}", "input": {"text": f"message {i} about {LABELS[i % 4]}"},
                    "expected": (pad + str(i)) if output_kb else LABELS[i % 4]}) + "\n"
        for i in range(cases)
    )  # fmt: skip
    ds = root / "datasets/d"
    ds.mkdir(parents=True, exist_ok=True)
    (ds / "v1.jsonl").write_text(lines)
    digest = hashlib.sha256(lines.encode()).hexdigest()
    (ds / "dataset.yaml").write_text(
        f"name: d\ndescription: bench\nsource: bench/common.py\nlicence: CC0-1.0\nlabels: {json.dumps(LABELS)}\n"
        f"fields: {{text: t}}\nversions:\n  '1': {{file: v1.jsonl, sha256: {digest}, cases: {cases}}}\n"
    )
    (root / "prompts/t").mkdir(parents=True, exist_ok=True)
    (root / "prompts/t/default.j2").write_text("{% block user %}Label this: {{ text }}{% endblock %}")


def _suite(root: Path, task_class: str) -> Path:
    (root / "evals/bench.yaml").write_text(
        f"name: bench\ntasks:\n  t:\n    task_class: {task_class}\n    dataset: d@1\n    graders: [{{name: exact}}]\n"
    )
    return root / "evals/bench.yaml"


def sim_project(root: Path, cases: int, output_kb: int = 0) -> Path:
    """One classification (or, with outputs, generation) task over `cases` cases and three simulated
    deployments in one chain: 3 × `cases` cells. Simulated latency is 100 ms; the run's time scale decides
    whether it is waited for."""
    (root / "evals").mkdir(parents=True, exist_ok=True)
    models = "deployments:\n" + "".join(
        f"  {d}: {{provider: {p}, model: {d}, family: {f}, sim: {SIM}}}\n"
        for d, p, f in [("a", "anthropic", "claude"), ("b", "openai", "gpt"), ("c", "google", "gemini")]
    )
    (root / "evals/models.yaml").write_text(models)
    (root / "evals/routing.yaml").write_text("tasks:\n  t:\n    chain: [a, b, c]\n")
    _dataset(root, cases, output_kb)
    return _suite(root, "generation" if output_kb else "classification")


def live_project(root: Path, cases: int, base_url: str, stream: bool = False) -> Path:
    """One deployment, `gpt`, on the real openai adapter pointed at the loopback server: `cases` cells. Not streamed
    unless asked (the sdk scenarios compare with a bare non-streaming SDK loop; bench/stream.py measures streaming)."""
    (root / "evals").mkdir(parents=True, exist_ok=True)
    (root / "evals/models.yaml").write_text(
        "deployments:\n  gpt:\n    provider: openai\n    model: gpt-bench\n    family: gpt\n"
        f"    stream: {str(stream).lower()}\n"
        f"    base_url: {base_url}\n    credentials_env: BENCH_OPENAI_KEY\n"
        "    pricing: {input_per_mtok: 2.5, output_per_mtok: 10.0}\n"
    )
    (root / "evals/routing.yaml").write_text("tasks:\n  t:\n    chain: [gpt]\n")
    _dataset(root, cases, 0)
    return _suite(root, "classification")


def child_env() -> dict[str, str]:
    """Children import from the repository root and cache bytecode as an installed harness would (outside the
    tree: PYTHONPYCACHEPREFIX), even where PYTHONDONTWRITEBYTECODE is set, so start-up is not recompilation."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    paths = [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
    return {**env, "BENCH_OPENAI_KEY": BENCH_CREDENTIAL, "PYTHONPATH": os.pathsep.join(paths),
            "PYTHONPYCACHEPREFIX": os.environ.get("PYTHONPYCACHEPREFIX") or str(PYCACHE)}  # fmt: skip


def warm_bytecode() -> None:
    """Compile once what the children import, so no measured run pays for it."""
    modules = "harness.cli, harness.cli.display, harness.run.launch, harness.store.db, harness.report.data, bench.sdk"
    subprocess.run([sys.executable, "-c", f"import {modules}"], env=child_env(), check=True, cwd=ROOT)


def run_child(kind: str, args: dict[str, Any], timeout: float = 1800) -> list[dict[str, Any]]:
    """Run `bench/child.py KIND ARGS` and return the JSON lines it printed (one per measured run)."""
    env = child_env()
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench/child.py"), kind, json.dumps(args)],
        capture_output=True, text=True, timeout=timeout, env=env, cwd=args.get("cwd") or None,
    )  # fmt: skip
    if out.returncode != 0:
        raise RuntimeError(f"bench child {kind} failed ({out.returncode}):\n{out.stderr[-4000:]}")
    return [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def children_rss_mb() -> float:
    """RSS of this process's children (the run's database loader), summed: /proc scanned for our pid as parent."""
    me, total = str(os.getpid()), 0.0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as fh:
                ppid = fh.read().rsplit(")", 1)[1].split()[1]
            if ppid == me:
                with open(f"/proc/{entry.name}/statm") as fh:
                    total += int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
        except (OSError, IndexError):
            continue
    return total


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class RssSampler:
    """A thread that reads /proc/self/statm every `every` seconds, paired with the cells done so far; with
    `children`, also the RSS of this process plus its children (the run's in-run database loads) at that moment."""

    def __init__(self, every: float = 0.05, children: bool = False) -> None:
        self.done = 0
        self.samples: list[tuple[int, float]] = []
        self.children = children
        self.tree_peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, args=(every,), daemon=True)

    def _loop(self, every: float) -> None:
        while not self._stop.wait(every):
            own = rss_mb()
            self.samples.append((self.done, own))
            if self.children:
                self.tree_peak = max(self.tree_peak, own + children_rss_mb())

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.samples.append((self.done, rss_mb()))

    def growth_after(self, cells: int, until: int | None = None) -> tuple[float | None, float | None]:
        """RSS when `cells` cells were done, and how far it rose above that afterwards (MB), up to the sample where
        `until` cells were done (None: to the end, the final database load included)."""
        after = [rss for done, rss in self.samples if done >= cells and (until is None or done < until)]
        if not after:
            return None, None
        return round(after[0], 1), round(max(after) - after[0], 1)


class Clock:
    """Wall and CPU time since construction."""

    def __init__(self) -> None:
        self.t0, self.c0 = time.perf_counter(), time.process_time()

    def wall(self) -> float:
        return time.perf_counter() - self.t0

    def cpu(self) -> float:
        return time.process_time() - self.c0


def _r(x: float | None, n: int = 3) -> float | None:
    return None if x is None else round(x, n)


def summarise(name: str, runs: list[dict[str, Any]], limit: float | None, target: str, **extra: Any) -> dict[str, Any]:
    """The row every scenario reports: median of the runs, with the spread of cells/s.

    Each run holds `cells`, `wall` (s), `cpu` (s) and `rss_mb`; `limit` is the physical limit or the reference
    the ratio is taken against (cells/s)."""
    rates = [r["cells"] / r["wall"] for r in runs]
    med = statistics.median(rates)
    return {
        "scenario": name,
        "cells": runs[0]["cells"],
        "runs": len(runs),
        "wall_s": _r(statistics.median(r["wall"] for r in runs)),
        "cells_per_s": round(med, 1),
        "spread_cells_per_s": [round(min(rates), 1), round(max(rates), 1)],
        "limit_cells_per_s": _r(limit, 1),
        "ratio_to_limit": _r(med / limit) if limit else None,
        "cpu_ms_per_cell": _r(statistics.median(r["cpu"] / r["cells"] * 1000 for r in runs)),
        "peak_rss_mb": round(max(r["rss_mb"] for r in runs), 1),
        "target": target,
        **extra,
    }


def median_of(runs: list[dict[str, Any]], key: str, n: int = 3) -> float | None:
    values = [r[key] for r in runs if r.get(key) is not None]
    return _r(statistics.median(values), n) if values else None


def spread_of(runs: list[dict[str, Any]], key: str, n: int = 3) -> list[float] | None:
    values = [r[key] for r in runs if r.get(key) is not None]
    return [round(min(values), n), round(max(values), n)] if values else None
