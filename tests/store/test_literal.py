"""SQL literals for the load path (harness.store.literal): values round-trip through DuckDB unchanged, and a load
binds no Python parameter (DuckDB's binding would import numpy and pandas into every run's process)."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from harness.store.literal import literal


@pytest.mark.parametrize(
    "value",
    [None, True, False, 0, -7, 2**40, 0.1, -1.5e-9, "", "plain", "it's", "''", "back\\slash", "?", "élan ✓", "a\nb"],
)
def test_a_literal_reads_back_as_the_value(value: object) -> None:
    (got,) = duckdb.connect().execute(f"SELECT {literal(value)}").fetchone()
    assert got == value and type(got) is type(value)


def test_a_timestamp_reads_back_as_the_same_instant() -> None:
    stamp = dt.datetime(2026, 12, 7, 13, 5, 9, 123456, tzinfo=dt.UTC)
    (got,) = duckdb.connect().execute(f"SELECT {literal(stamp)}").fetchone()
    assert got == stamp


NAIVE = dt.datetime(2026, 1, 1)  # noqa: DTZ001 (the point: no time zone)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), "a\x00b", NAIVE, b"x", [1]])
def test_what_has_no_safe_literal_is_refused(value: object) -> None:
    with pytest.raises((TypeError, ValueError)):
        literal(value)


def test_a_load_imports_neither_numpy_nor_pandas(project: Path, tmp_path: Path) -> None:
    from harness.run.launch import start_run
    from harness.run.plan import Selection

    results = tmp_path / "results"
    start_run(project, Selection(mode="sim", limit=3), results_dir=results)
    (results / "harness.duckdb").unlink()
    code = (
        "import sys; from pathlib import Path; from harness.store import db; "
        f"s = db.load(Path({str(results)!r}), run_id='x'); "
        "print(s.cells, 'numpy' in sys.modules, 'pandas' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert int(out[0]) > 0 and out[1:] == ["False", "False"]
