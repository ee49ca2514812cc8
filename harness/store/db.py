"""The DuckDB index: short-lived connections, numbered migrations, and the journal loader.

DuckDB locks the whole file for any connection, so no process keeps one open: the loader opens, appends a
batch, closes; readers open, query, close, retrying briefly while someone else holds the file. Loads are
serialised by an advisory lock, `results/.ingest.lock`, that names its holder's PID.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.errors import DatabaseLockedError, InputError
from harness.store.journal import check, split_batch
from harness.store.migrations import MIGRATIONS

DB_NAME = "harness.duckdb"
LOCK_NAME = ".ingest.lock"


def db_path(results_dir: Path) -> Path:
    return results_dir / DB_NAME


def _is_lock_error(e: Exception) -> bool:
    return "lock" in str(e).lower()


#: Rows per row group in what the loader writes (DuckDB's default is 122,880). Each checkpoint rewrites a table's
#: last row group: with the default, a load during a run of 8 KB outputs rewrote every output so far (transient
#: memory and time growing with the table); with 2,048 it rewrites at most 2,048 rows.
ROW_GROUP_SIZE = 2048


def _attach(path: Path) -> Any:
    """A writable connection to `path` with our row group size (a storage option, so given at ATTACH)."""
    import duckdb

    con = duckdb.connect()
    try:
        quoted = str(path).replace("'", "''")
        con.execute(f"ATTACH '{quoted}' AS harness (ROW_GROUP_SIZE {ROW_GROUP_SIZE})")
        con.execute("USE harness")
    except BaseException:
        con.close()
        raise
    return con


#: Every read-only connection (`harness sql`, the notebook, reports, `show`): a query passed in as a string can
#: neither change, write out, nor load anything. No file system access beyond the database itself (no COPY TO,
#: EXPORT, ATTACH, read_csv of arbitrary files), no extension installed or loaded, and no SET to undo any of it.
READ_ONLY_CONFIG: dict[str, str | bool | int | float | list[str]] = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_unsigned_extensions": False,
    "lock_configuration": True,
}
#: What `check_read` lets through. DuckDB parses WITH, FROM-first, VALUES, TABLE, DESCRIBE, SHOW and SUMMARIZE as
#: SELECT statements.
READ_STATEMENTS = frozenset({"SELECT", "EXPLAIN"})


def connect(path: Path, *, read_only: bool = False, wait: float = 5.0) -> Any:
    """Open the database, retrying while another process holds its lock (up to `wait` seconds). Read-only
    connections are locked down (`READ_ONLY_CONFIG`)."""
    import duckdb

    deadline = time.monotonic() + wait
    delay = 0.02
    while True:
        try:
            return duckdb.connect(str(path), read_only=True, config=READ_ONLY_CONFIG) if read_only else _attach(path)
        except duckdb.IOException as e:
            if not _is_lock_error(e) or time.monotonic() >= deadline:
                if _is_lock_error(e):
                    raise DatabaseLockedError(f"{path} is locked by another process: {e}") from None
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.25)


def check_read(con: Any, query: str) -> None:
    """Refuse anything but one read statement (SELECT, WITH, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN) with `InputError`,
    before it runs: the connection's lock-down is the guard, this is the clear answer."""
    try:
        statements = con.extract_statements(query)
    except Exception as e:  # duckdb's parser errors are the user's to fix
        raise InputError(f"SQL error: {str(e).splitlines()[0]}") from None
    if len(statements) != 1:
        raise InputError(f"one SQL statement at a time, not {len(statements)}")
    kind = statements[0].type.name
    if kind not in READ_STATEMENTS:
        raise InputError(
            f"only reads are allowed (SELECT, WITH, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN), not {kind}",
            fix="the database is rebuilt from the journals; change results with `harness run`, `harness db rebuild`",
        )


def migrate(con: Any) -> int:
    """Apply pending migrations; return the schema version."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMPTZ)"
    )
    current = con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()[0]
    for number, name, sql in MIGRATIONS:
        if number > current:
            con.execute("BEGIN")
            con.execute(sql)
            con.execute("INSERT INTO schema_version VALUES (?, ?, ?)", [number, name, _now()])
            con.execute("COMMIT")
            current = number
    return int(current)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@contextlib.contextmanager
def ingest_lock(results_dir: Path, wait: float = 30.0) -> Iterator[None]:
    """Hold `results/.ingest.lock` (flock + our PID in the file) for the duration of a load."""
    results_dir.mkdir(parents=True, exist_ok=True)
    path = results_dir / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "unknown"
                    raise DatabaseLockedError(
                        f"another loader holds {path} (PID {holder}); it will load your journal too, "
                        "or run `harness db load` later"
                    ) from None
                time.sleep(0.05)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
        os.close(fd)  # closing releases the flock


#: Journal record type -> table. Every column of the table is read from the record's key of the same name.
TABLES = {
    "run": "runs", "cell": "cells", "attempt": "attempts", "grade": "grades", "route": "routes", "served": "served",
    "pairwise": "pairwise", "judge_calibration": "judge_calibrations",
}  # fmt: skip
#: Journals under the results directory: runs, and judge calibrations (`harness judges calibrate`).
JOURNAL_DIRS = ("runs", "calibrations")
#: Columns stored as JSON text; the journal holds them as JSON values.
JSON_COLS = {"packages", "hashes", "fingerprint", "deployment_modes", "tool_calls", "counts", "entries", "path",
             "confusion"}  # fmt: skip


def _columns(con: Any, table: str) -> list[tuple[str, str]]:
    return [
        (name, dtype)
        for name, dtype in con.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? "
            "ORDER BY ordinal_position",
            [table],
        ).fetchall()
    ]


def _insert_from_file(con: Any, table: str, kind: str, path: Path) -> None:
    """Bulk insert one record type from an NDJSON file (executemany is ~1000x slower in DuckDB)."""
    cols = _columns(con, table)
    spec = ", ".join(
        f"'{name}': '{'JSON' if name in JSON_COLS else dtype}'" for name, dtype in [("type", "VARCHAR"), *cols]
    )
    names = ", ".join(name for name, _ in cols)
    source = str(path).replace("'", "''")
    con.execute(
        f"INSERT OR IGNORE INTO {table} ({names}) SELECT {names} FROM read_json('{source}', "
        f"format='newline_delimited', columns={{{spec}}}) WHERE type = '{kind}'"
    )


@dataclass
class LoadStats:
    journals: int = 0
    records: int = 0
    cells: int = 0
    note: str = ""
    """Set when something unusual happened, e.g. a broken database was set aside."""


def _insert_batch(con: Any, files: dict[str, list[Path]], path: Path, offset: int, first_line: int) -> None:
    """One bulk insert per file (a record type's part); a line DuckDB cannot read is named as file:line
    (JournalCorruptError)."""
    import duckdb

    try:
        for kind, table in TABLES.items():
            for part in files.get(kind, []):
                _insert_from_file(con, table, kind, part)
    except duckdb.Error as e:
        if not _out_of_memory(e):
            check(path, offset, first_line)
        raise


def _out_of_memory(e: Exception) -> bool:
    """DuckDB says so as OutOfMemoryException, or at COMMIT as a TransactionException."""
    return "out of memory" in str(e).lower() or "could not allocate" in str(e).lower()


def load_journal(con: Any, path: Path, offset: int, lines: int) -> tuple[int, int, int, int]:
    """Load the complete records of one journal after `offset`; return new offset, lines, records, cells.

    Lines of the table-backed types go to DuckDB unparsed, one NDJSON file per type (one scan each, no JSON
    parsing in Python, memory flat whatever the journal's size); the rest (run_end, resume, ...) are parsed and
    checked here."""
    import duckdb

    scratch = path.parent.parent / f".load-{os.getpid()}"
    batch = split_batch(path, offset, lines + 1, TABLES, lambda kind: scratch.with_name(f"{scratch.name}-{kind}.jsonl"))
    if not batch.lines:
        return offset, lines, 0, 0
    ends = [r for r in batch.parsed if r["type"] in ("run_end", "resume")]  # applied in order
    begun = False
    try:
        con.execute("BEGIN")
        begun = True
        _insert_batch(con, batch.files, path, offset, lines + 1)
        for e in ends:
            if e["type"] == "resume":
                con.execute(
                    "UPDATE runs SET status = 'running', ended_at = NULL, pid = ?, host = ? WHERE run_id = ?",
                    [e.get("pid"), e.get("host"), e["run_id"]],
                )
            else:
                con.execute(
                    "UPDATE runs SET status = ?, ended_at = ?, counts = ? WHERE run_id = ?",
                    [e["status"], e.get("ended_at"), json.dumps(e.get("counts", {})), e["run_id"]],
                )
        con.execute(
            "INSERT OR REPLACE INTO journals VALUES (?, ?, ?, ?, ?)",
            [path.name, path.stem, batch.end, lines + batch.lines, _now()],
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
    return batch.end, lines + batch.lines, batch.lines, batch.counts.get("cell", 0)


def _set_aside(path: Path) -> Path:
    """Move a database that will not open (and its WAL) out of the way; journals rebuild it."""
    stamp = _now().strftime("%Y%m%dT%H%M%S")
    aside = path.with_name(f"{path.name}.broken-{stamp}")
    wal = path.with_name(path.name + ".wal")
    if path.exists():
        path.rename(aside)
    if wal.exists():
        wal.rename(aside.with_name(aside.name + ".wal"))
    return aside


def _open_or_set_aside(path: Path, wait: float, stats: LoadStats) -> Any:
    import duckdb

    try:
        return connect(path, wait=wait)
    except duckdb.Error as e:  # e.g. a write-ahead log that will not replay after a crash
        aside = _set_aside(path)
        stats.note = f"{path} would not open ({str(e).splitlines()[0]}); set aside as {aside}, rebuilt from journals"
        return connect(path, wait=wait)


#: The loader's DuckDB memory. Loads run inside runs, whose memory they would otherwise double: appending to a table
#: rewrites its last row group at the checkpoint, so without a limit a load of 8 KB outputs took more the larger the
#: table (a run of 50,000 such cells peaked at 1 GB, 600 MB with it). DuckDB evicts and spills past it; a load that
#: still does not fit is retried without it.
LOAD_MEMORY_LIMIT = "256MB"
#: A run's own loads (every few seconds in a child, and the last one in the run's process) append a few MB each:
#: they need less, and what they hold adds to the run's memory (the memory bench: 50,000 cells of 8 KB outputs,
#: the run with its loader peaked at 492 MB with 256 MB, ~450 with this).
RUN_LOAD_MEMORY_LIMIT = "128MB"


def _limit_memory(con: Any, limit: str | None) -> None:
    import duckdb

    with contextlib.suppress(duckdb.Error):  # DuckDB refuses a limit below what it holds: it keeps its own
        con.execute(f"SET memory_limit = '{limit}'" if limit else "RESET memory_limit")


def _load_one(con: Any, journal: Path, offset: int, lines: int, limit: str) -> tuple[int, int]:
    import duckdb

    try:
        _, _, n, cells = load_journal(con, journal, offset, lines)
    except duckdb.Error as e:
        if not _out_of_memory(e):
            raise
        _limit_memory(con, None)
        try:
            _, _, n, cells = load_journal(con, journal, offset, lines)
        finally:
            _limit_memory(con, limit)
    return n, cells


def _checkpoint(con: Any) -> None:
    """Fold the write-ahead log into the file. What was committed is safe in the log if this fails (DuckDB
    replays it on the next open), so a failure here is not the load's: the next load checkpoints."""
    import duckdb

    with contextlib.suppress(duckdb.Error):
        con.execute("CHECKPOINT")


def _load_into(con: Any, runs_dir: Path, stats: LoadStats, limit: str | None = None) -> None:
    limit = limit or LOAD_MEMORY_LIMIT
    # One DuckDB thread: as fast here (100k cells in ~6 s either way), ~100 MB less peak memory, and a run that
    # loads as it goes keeps the other core for its event loop.
    con.execute("SET threads = 1")
    migrate(con)
    _limit_memory(con, limit)
    done = {p: (o, n) for p, o, n in con.execute("SELECT path, byte_offset, lines FROM journals").fetchall()}
    journals = [j for d in JOURNAL_DIRS for j in sorted((runs_dir.parent / d).glob("*.jsonl"))]
    for journal in journals:
        offset, lines = done.get(journal.name, (0, 0))
        if journal.stat().st_size <= offset:
            continue
        n, cells = _load_one(con, journal, offset, lines, limit)
        stats.journals += 1 if n else 0
        stats.records += n
        stats.cells += cells
    _checkpoint(con)


def load(results_dir: Path, *, wait: float = 30.0, memory_limit: str | None = None) -> LoadStats:
    """Bring the database up to date with every journal under `results/runs/`, DuckDB holding up to
    `memory_limit` (default LOAD_MEMORY_LIMIT; it spills past it)."""
    stats = LoadStats()
    with ingest_lock(results_dir, wait=wait):
        con = _open_or_set_aside(db_path(results_dir), wait, stats)
        try:
            _load_into(con, results_dir / "runs", stats, memory_limit)
        finally:
            con.close()
    return stats


def rebuild(results_dir: Path, *, wait: float = 30.0) -> LoadStats:
    """Build a fresh database from the journals and swap it in; the old file is replaced only on success."""
    stats = LoadStats()
    target = db_path(results_dir)
    fresh = target.with_name(target.name + ".rebuilding")
    with ingest_lock(results_dir, wait=wait):
        for leftover in (fresh, fresh.with_name(fresh.name + ".wal")):
            leftover.unlink(missing_ok=True)
        con = connect(fresh, wait=wait)
        try:
            _load_into(con, results_dir / "runs", stats)
        finally:
            con.close()
        target.with_name(target.name + ".wal").unlink(missing_ok=True)
        os.replace(fresh, target)
    return stats


def query(results_dir: Path, sql: str, params: list[Any] | None = None, wait: float = 10.0) -> list[tuple[Any, ...]]:
    """Open read-only, run one query, close."""
    con = connect(db_path(results_dir), read_only=True, wait=wait)
    try:
        return list(con.execute(sql, params or []).fetchall())
    finally:
        con.close()
