import json
import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from harness.errors import DatabaseLockedError, JournalCorruptError
from harness.store import db
from harness.store.journal import JournalWriter


def journal(results: Path, run_id: str, cells: int, end: bool = True) -> Path:
    j = JournalWriter(results / "runs" / f"{run_id}.jsonl")
    j.write(
        {
            "type": "run",
            "run_id": run_id,
            "status": "running",
            "tasks": ["t"],
            "packages": {"a": "1"},
            "simulated": True,
        }
    )
    for i in range(cells):
        key = f"{run_id}-{i}"
        j.write(
            {
                "type": "attempt",
                "attempt_id": f"{key}:1",
                "cell_key": key,
                "run_id": run_id,
                "n": 1,
                "status": "ok",
            }
        )
        j.write(
            {
                "type": "cell",
                "cell_key": key,
                "run_id": run_id,
                "task": "t",
                "deployment": "d",
                "variant": "base",
                "sample": 0,
                "case_id": f"c{i}",
                "status": "ok",
                "output": "x",
                "tags": ["a"],
                "tool_calls": [],
                "pass_threshold": 1.0,
                "simulated": True,
                "mode": "sim",
                "finished_at": "2026-11-25T10:00:00+00:00",
            }
        )
        j.write(
            {
                "type": "grade",
                "cell_key": key,
                "run_id": run_id,
                "grader_id": "exact",
                "grader_version": "1",
                "value": float(i % 2),
                "passed": bool(i % 2),
                "weight": 1.0,
                "graded_at": "2026-11-25T10:00:00+00:00",
            }
        )
    if end:
        j.write({"type": "run_end", "run_id": run_id, "status": "complete", "counts": {"ok": cells}})
    j.close()
    return j.path


def test_load_is_incremental_and_idempotent(tmp_path: Path) -> None:
    path = journal(tmp_path, "r1", 10, end=False)
    assert db.load(tmp_path).cells == 10
    assert db.load(tmp_path).records == 0
    with open(path, "a") as fh:
        fh.write(json.dumps({"type": "run_end", "run_id": "r1", "status": "complete", "counts": {"ok": 10}}) + "\n")
    assert db.load(tmp_path).records == 1
    rows = db.query(
        tmp_path,
        "SELECT count(*), count(DISTINCT cell_key), sum(score), count(*) FILTER (WHERE passed) FROM results",
    )
    assert rows == [(10, 10, 5.0, 5)]
    assert db.query(tmp_path, "SELECT status, simulated FROM runs") == [("complete", True)]


def test_reload_after_lost_offsets_does_not_duplicate(tmp_path: Path) -> None:
    journal(tmp_path, "r1", 5)
    db.load(tmp_path)
    con = duckdb.connect(str(db.db_path(tmp_path)))
    con.execute("DELETE FROM journals")
    con.close()
    db.load(tmp_path)
    assert db.query(tmp_path, "SELECT count(*) FROM cells") == [(5,)]
    assert db.query(tmp_path, "SELECT count(*) FROM grades") == [(5,)]


def test_torn_tail_waits_for_the_rest(tmp_path: Path) -> None:
    path = journal(tmp_path, "r1", 3, end=False)
    with open(path, "ab") as fh:
        fh.write(b'{"type":"run_end","run_id":"r1","sta')
    db.load(tmp_path)
    assert db.query(tmp_path, "SELECT status FROM runs") == [("running",)]
    with open(path, "ab") as fh:
        fh.write(b'tus":"complete"}\n')
    db.load(tmp_path)
    assert db.query(tmp_path, "SELECT status FROM runs") == [("complete",)]


def test_corrupt_line_mid_journal_is_a_hard_error(tmp_path: Path) -> None:
    path = journal(tmp_path, "r1", 3)
    lines = path.read_bytes().split(b"\n")
    lines[2] = b"garbage"
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(JournalCorruptError, match=rf"{path}:3"):
        db.load(tmp_path)
    assert db.query(tmp_path, "SELECT count(*) FROM cells") == [(0,)]  # nothing half-loaded


def test_two_journals_both_load(tmp_path: Path) -> None:
    journal(tmp_path, "r1", 4)
    journal(tmp_path, "r2", 6)
    db.load(tmp_path)
    assert db.query(tmp_path, "SELECT run_id, count(*) FROM cells GROUP BY 1 ORDER BY 1") == [
        ("r1", 4),
        ("r2", 6),
    ]


def test_migrations_recorded_once(tmp_path: Path) -> None:
    journal(tmp_path, "r1", 1)
    db.load(tmp_path)
    db.load(tmp_path)
    versions = db.query(tmp_path, "SELECT version, name FROM schema_version ORDER BY 1")
    assert [v for v, _ in versions] == list(range(1, 15)) and versions[2] == (3, "served")
    assert versions[13] == (14, "served_latency")
    assert versions[5] == (6, "judges") and versions[6] == (7, "journal_checks") and versions[7] == (8, "run_selection")
    assert versions[8] == (9, "grade_sandbox")
    assert versions[9] == (10, "tool_schema")
    assert versions[10] == (11, "lanes")
    assert versions[11] == (12, "grounding")
    assert versions[12] == (13, "streaming")


def test_forward_migration_keeps_rows(tmp_path: Path) -> None:
    from harness.store.migrations import MIGRATIONS

    journal(tmp_path, "r1", 3)
    con = duckdb.connect(str(db.db_path(tmp_path)))
    con.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMPTZ)")
    con.execute(MIGRATIONS[0][2])
    con.execute("INSERT INTO schema_version VALUES (1, 'initial', now())")
    con.execute("INSERT INTO cells (cell_key, run_id, task) VALUES ('old', 'r0', 't')")
    con.close()
    db.load(tmp_path)
    assert db.query(tmp_path, "SELECT count(*), count(*) FILTER (WHERE cell_key = 'old') FROM cells") == [(4, 1)]
    assert db.query(tmp_path, "SELECT max(version) FROM schema_version") == [(len(MIGRATIONS),)]


def test_connect_waits_then_names_the_lock(tmp_path: Path) -> None:
    journal(tmp_path, "r1", 1)
    db.load(tmp_path)
    path = str(db.db_path(tmp_path))
    code = f"import duckdb,time; c=duckdb.connect({path!r}); print('ready', flush=True); time.sleep(30)"
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout and holder.stdout.readline().strip() == "ready"
        t0 = time.monotonic()
        with pytest.raises(DatabaseLockedError, match="locked by another process"):
            db.connect(db.db_path(tmp_path), read_only=True, wait=0.5)
        assert time.monotonic() - t0 < 5
    finally:
        holder.kill()
        holder.wait()
        if holder.stdout:
            holder.stdout.close()


def test_ingest_lock_names_holder_pid(tmp_path: Path) -> None:
    with db.ingest_lock(tmp_path):
        assert (tmp_path / ".ingest.lock").read_text() == str(os.getpid())
        code = (
            "import sys; from pathlib import Path; from harness.store import db\n"
            f"try:\n    db.load(Path({str(tmp_path)!r}), wait=0.2)\nexcept Exception as e:\n    print(e)"
        )
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60).stdout
        assert f"PID {os.getpid()}" in out
