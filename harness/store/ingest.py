"""One journal into DuckDB: record types to tables, one bulk insert per type, and what the tables' keys kept out.

A journal is loaded incrementally from the byte offset the `journals` table recorded. Before that, the loader checks
that the journal is still the one it loaded (not shorter than the offset, the bytes just before it unchanged: a
journal restored from a backup or cut by a full disk is not); otherwise the journal's rows are dropped and it is
loaded again from its start, in the same transaction.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.store.journal import Batch, check, split_batch
from harness.store.literal import literal

#: Bytes before the loaded offset whose digest the `journals` table keeps (`tail_hash`).
TAIL_BYTES = 256

#: Journal record type -> table. Every column of the table is read from the record's key of the same name.
TABLES = {
    "run": "runs", "cell": "cells", "attempt": "attempts", "grade": "grades", "route": "routes", "served": "served",
    "pairwise": "pairwise", "judge_calibration": "judge_calibrations", "lane": "lanes",
}  # fmt: skip
#: Journals under the results directory: runs, and judge calibrations (`harness judges calibrate`).
JOURNAL_DIRS = ("runs", "calibrations")
#: Columns stored as JSON text; the journal holds them as JSON values.
JSON_COLS = {"packages", "hashes", "fingerprint", "deployment_modes", "tool_calls", "counts", "entries", "path",
             "confusion", "selection", "tool_schema", "grounding"}  # fmt: skip


def _columns(con: Any, table: str) -> list[tuple[str, str]]:
    return [
        (name, dtype)
        for name, dtype in con.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            f"WHERE table_name = {literal(table)} ORDER BY ordinal_position"
        ).fetchall()
    ]


def _insert_from_file(con: Any, table: str, kind: str, path: Path) -> int:
    """Bulk insert one record type from an NDJSON file (executemany is ~1000x slower in DuckDB); the rows inserted."""
    cols = _columns(con, table)
    spec = ", ".join(
        f"'{name}': '{'JSON' if name in JSON_COLS else dtype}'" for name, dtype in [("type", "VARCHAR"), *cols]
    )
    names = ", ".join(name for name, _ in cols)
    source = str(path).replace("'", "''")
    row = con.execute(
        f"INSERT OR IGNORE INTO {table} ({names}) SELECT {names} FROM read_json('{source}', "
        f"format='newline_delimited', columns={{{spec}}}) WHERE type = '{kind}'"
    ).fetchone()
    return int(row[0]) if row else 0


def _insert_batch(con: Any, batch: Batch, path: Path, offset: int, first_line: int) -> dict[str, int]:
    """One bulk insert per file (a record type's part); the records per type that a table's key kept out (counted,
    never silently dropped). A line DuckDB cannot read is named as file:line (JournalCorruptError)."""
    import duckdb

    ignored = {}
    try:
        for kind, table in TABLES.items():
            inserted = sum(_insert_from_file(con, table, kind, part) for part in batch.files.get(kind, []))
            if batch.counts.get(kind, 0) > inserted:
                ignored[table] = batch.counts[kind] - inserted
    except duckdb.Error as e:
        if not out_of_memory(e):
            check(path, offset, first_line)
        raise
    return ignored


def out_of_memory(e: Exception) -> bool:
    """DuckDB says so as OutOfMemoryException, or at COMMIT as a TransactionException."""
    return "out of memory" in str(e).lower() or "could not allocate" in str(e).lower()


@dataclass
class Loaded:
    """What one call of `load_journal` did."""

    end: int
    """Byte offset loaded up to (the next load starts there)."""
    lines: int
    records: int
    cells: int
    ignored: dict[str, int] = field(default_factory=dict)
    """Records per table that the table's key kept out (duplicates of rows it has)."""
    reloaded: bool = False
    """The journal was not the one loaded before (shorter, or changed before the offset): reloaded from its start."""


def tail_hash(path: Path, end: int) -> str:
    """A digest of the TAIL_BYTES before byte `end`: what tells a journal that was loaded from one that was replaced."""
    with open(path, "rb") as fh:
        start = max(0, end - TAIL_BYTES)
        fh.seek(start)
        return hashlib.sha256(fh.read(end - start)).hexdigest()[:32]


def same_journal(path: Path, offset: int, tail: str | None) -> bool:
    """Is `path` still the journal loaded up to `offset`? (No recorded tail: loaded before the check existed.)"""
    if path.stat().st_size < offset:
        return False
    return tail is None or offset == 0 or tail_hash(path, offset) == tail


def _forget(con: Any, path: Path) -> None:
    """Drop every row loaded from journal `path` (its stem is its run or calibration id)."""
    for table in TABLES.values():
        key = "calibration_id" if table == "judge_calibrations" else "run_id"
        con.execute(f"DELETE FROM {table} WHERE {key} = {literal(path.stem)}")
    con.execute(f"DELETE FROM journals WHERE path = {literal(path.name)}")


def _apply_ends(con: Any, ends: list[dict[str, Any]]) -> None:
    """`resume` and `run_end` records, in journal order: the run's status as it was last."""
    for e in ends:
        if e["type"] == "resume":
            con.execute(
                f"UPDATE runs SET status = 'running', ended_at = NULL, pid = {literal(e.get('pid'))}, "
                f"host = {literal(e.get('host'))} WHERE run_id = {literal(e['run_id'])}"
            )
        else:
            counts = json.dumps(e.get("counts", {}))
            con.execute(
                f"UPDATE runs SET status = {literal(e['status'])}, ended_at = {literal(e.get('ended_at'))}, "
                f"counts = {literal(counts)} WHERE run_id = {literal(e['run_id'])}"
            )


def load_journal(con: Any, path: Path, offset: int, lines: int, tail: str | None = None) -> Loaded:
    """Load the complete records of one journal after `offset` (from its start when it is not the journal that was
    loaded up to `offset`, `tail` being the recorded `tail_hash`).

    Lines of the table-backed types go to DuckDB unparsed, one NDJSON file per type (one scan each, no JSON
    parsing in Python, memory flat whatever the journal's size); the rest (run_end, resume, ...) are parsed and
    checked here."""
    import duckdb

    reload = not same_journal(path, offset, tail)
    if reload:
        offset, lines = 0, 0
    scratch = path.parent.parent / f".load-{os.getpid()}"
    batch = split_batch(path, offset, lines + 1, TABLES, lambda kind: scratch.with_name(f"{scratch.name}-{kind}.jsonl"))
    if not batch.lines and not reload:
        return Loaded(offset, lines, 0, 0)
    begun = False
    try:
        con.execute("BEGIN")
        begun = True
        if reload:
            _forget(con, path)
        ignored = _insert_batch(con, batch, path, offset, lines + 1)
        _apply_ends(con, [r for r in batch.parsed if r["type"] in ("run_end", "resume")])
        values = [literal(v) for v in (path.name, path.stem, batch.end, lines + batch.lines, now())]
        before = f"(SELECT ignored FROM journals WHERE path = {literal(path.name)})"
        kept_out = f"coalesce({before}, 0) + {sum(ignored.values()):d}"
        con.execute(
            "INSERT OR REPLACE INTO journals (path, run_id, byte_offset, lines, loaded_at, ignored, tail_hash) "
            f"VALUES ({', '.join(values)}, {kept_out}, {literal(tail_hash(path, batch.end))})"
        )
        con.execute("COMMIT")
    except BaseException:
        if begun:
            with contextlib.suppress(duckdb.Error):  # a failed COMMIT has ended the transaction already
                con.execute("ROLLBACK")
        raise
    finally:
        for part in (f for parts in batch.files.values() for f in parts):
            part.unlink(missing_ok=True)
    return Loaded(batch.end, lines + batch.lines, batch.lines, batch.counts.get("cell", 0), ignored, reload)


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
