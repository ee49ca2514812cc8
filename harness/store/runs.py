"""Runs as the store sees them, with `crashed` told apart from `running` by whether the process still lives."""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Any

from harness.errors import DatabaseLockedError, InputError
from harness.store import db

RUNS_SQL = """
SELECT r.run_id, r.suite, r.status, CASE WHEN r.simulated THEN 'SIM' ELSE 'real' END AS mode, r.planned_cells,
       count(c.cell_key) AS done, count(c.cell_key) FILTER (WHERE c.status <> 'ok') AS errors,
       strftime(r.started_at, '%Y-%m-%d %H:%M:%S') AS started, r.pid, r.host
FROM runs r LEFT JOIN cells c USING (run_id)
GROUP BY ALL ORDER BY started
"""


def lake_runs(lake: Any) -> list[tuple[Any, ...]]:
    """One row per run in the lake (`store.lake.Lake`): runs of other machines, their status as pushed."""
    from harness.store.lake import connect

    con = connect(lake, read_only=True)
    try:
        return [row[:8] for row in con.execute(RUNS_SQL).fetchall()]
    finally:
        con.close()


def list_runs(results_dir: Path) -> tuple[list[tuple[Any, ...]], str]:
    """One row per run, and the note of the load that runs first (a broken database set aside, a journal reloaded;
    "" when none, or when another loader is busy and the load is skipped)."""
    if not (results_dir / "runs").is_dir():
        raise InputError(f"no runs in {results_dir}", fix="run `harness run` first, or pass --results-dir")
    note = ""
    try:
        note = db.load(results_dir, wait=2.0).note
    except DatabaseLockedError:
        pass
    here = socket.gethostname()
    rows = []
    for run_id, suite, status, mode, planned, done, errors, started, pid, host in db.query(results_dir, RUNS_SQL):
        if status == "running" and host == here and not process_alive(pid):
            status = "crashed"
        rows.append((run_id, suite, status, mode, planned, done, errors, started))
    return rows, note


def process_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
