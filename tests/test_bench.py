"""`make bench` still runs: the cheapest scenario at smoke size, and the shape of the figures it writes."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROW_KEYS = {
    "name", "scenario", "cells", "runs", "wall_s", "cells_per_s", "spread_cells_per_s", "limit_cells_per_s",
    "ratio_to_limit", "cpu_ms_per_cell", "peak_rss_mb", "target", "ok", "loadavg_1m",
}  # fmt: skip


def test_quick_overhead_scenario_writes_figures(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--quick", "--only", "overhead", "--out", str(out)],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = json.loads(out.read_text())
    assert report["meta"]["quick"] is True and report["meta"]["cpus"] >= 1
    assert len(report["meta"]["loadavg_1_5_15"]) == 3
    (row,) = report["scenarios"]
    assert ROW_KEYS <= set(row) and row["name"] == "overhead" and row["simulated"] is True
    assert row["cells"] == 300 and row["runs"] == 1  # 100 cases x 3 simulated deployments, one run
    low, high = row["spread_cells_per_s"]
    assert 0 < low <= row["cells_per_s"] <= high
    assert row["cpu_ms_per_cell"] > 0 and row["peak_rss_mb"] > 0
    assert 0 < row["import_s"] < row["startup_s"]  # start-up is import, plan and the first cell
    assert row["ok"] is None and row["smoke"] is True  # a smoke run is never a pass or a failure
    assert row["target"].startswith("(smoke run") and report["meta"]["smoke"] is True
    assert json.loads(done.stdout.splitlines()[0])["name"] == "overhead"


def test_an_unknown_scenario_is_refused(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--only", "nope", "--out", str(tmp_path / "b.json")],
        capture_output=True, text=True, timeout=60, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 2 and "unknown scenario 'nope'" in done.stderr
    assert not (tmp_path / "b.json").exists()
