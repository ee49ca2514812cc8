"""The loader against journals that are not what it loaded (issue 30 §3) and records a key keeps out (§4)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from harness.store import db
from tests.store.test_db import journal

TABLES = ("runs", "cells", "attempts", "grades")


def contents(results: Path) -> dict[str, list[tuple[object, ...]]]:
    return {t: db.query(results, f"SELECT * EXCLUDE (loaded_at) FROM {t} ORDER BY ALL" if t == "journals" else
                        f"SELECT * FROM {t} ORDER BY ALL") for t in TABLES}  # fmt: skip


def rebuilt(results: Path, tmp: Path) -> dict[str, list[tuple[object, ...]]]:
    """What a database built afresh from the same journals holds."""
    fresh = tmp / "fresh"
    shutil.copytree(results / "runs", fresh / "runs")
    db.load(fresh)
    return contents(fresh)


def test_a_journal_shorter_than_what_was_loaded_is_reloaded_from_its_start(tmp_path: Path) -> None:
    results = tmp_path / "r"
    path = journal(results, "r1", 20)
    db.load(results)
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:31]))  # restored from an older backup: the run record and 10 cells
    with open(path, "ab") as fh:  # then resumed: new records after the cut, the journal shorter than the offset
        fh.write(json.dumps({"type": "run_end", "run_id": "r1", "status": "cancelled", "counts": {}}).encode() + b"\n")
    stats = db.load(results)
    assert "reloaded from its start" in stats.note
    assert contents(results) == rebuilt(results, tmp_path)
    assert db.query(results, "SELECT count(*) FROM cells") == [(10,)]
    assert db.query(results, "SELECT status FROM runs") == [("cancelled",)]


def test_a_journal_grown_past_the_offset_after_a_cut_is_reloaded_not_read_mid_line(tmp_path: Path) -> None:
    """Cut, then more records than were cut: longer than the offset, but the bytes before it changed."""
    results = tmp_path / "r"
    path = journal(results, "r1", 10, end=False)
    db.load(results)
    lines = path.read_bytes().splitlines(keepends=True)
    more = journal(tmp_path / "other", "r1", 30, end=True).read_bytes().replace(b'"output":"x"', b'"output":"yy"')
    path.write_bytes(b"".join(lines[:7] + more.splitlines(keepends=True)[7:]))  # other records from line 8 on
    stats = db.load(results)  # before the check: "corrupt journal line ... not the last line"
    assert "reloaded from its start" in stats.note
    assert contents(results) == rebuilt(results, tmp_path)
    assert db.query(results, "SELECT count(*) FROM cells") == [(30,)]


def test_an_unchanged_journal_is_not_reloaded(tmp_path: Path) -> None:
    results = tmp_path / "r"
    path = journal(results, "r1", 5, end=False)
    db.load(results)
    with open(path, "a") as fh:
        fh.write(json.dumps({"type": "run_end", "run_id": "r1", "status": "complete", "counts": {}}) + "\n")
    stats = db.load(results)
    assert stats.records == 1 and stats.note == ""
    assert db.load(results).records == 0


def test_records_a_key_keeps_out_are_counted_not_dropped_silently(tmp_path: Path) -> None:
    results = tmp_path / "r"
    path = journal(results, "r1", 3)
    lines = path.read_text().splitlines(keepends=True)
    attempt = next(line for line in lines if '"type":"attempt"' in line)
    path.write_text("".join(lines[:-1]) + attempt + attempt + lines[-1])  # the same attempt id twice more
    stats = db.load(results)
    assert "2 attempts record(s) already in the database under the same key" in stats.note
    assert db.query(results, "SELECT ignored FROM journals") == [(2,)]
    assert db.query(results, "SELECT count(*) FROM attempts") == [(3,)]
