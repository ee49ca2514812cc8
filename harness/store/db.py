"""The DuckDB index: short-lived connections, numbered migrations, and the journal loader.

DuckDB locks the whole file for any connection, so no process keeps one open: the loader opens, appends a
batch, closes; readers open, query, close, retrying briefly while someone else holds the file. Loads are
serialised by an advisory lock, `results/.ingest.lock`, that names its holder's PID.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.errors import DatabaseCorruptError, DatabaseLockedError, InputError
from harness.store.ingest import JOURNAL_DIRS, Loaded, load_journal, now, out_of_memory, same_journal
from harness.store.literal import literal
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
                if read_only:  # a write opens through `_open_or_set_aside`, which sets a broken file aside
                    raise DatabaseCorruptError(
                        f"{path} is not a readable DuckDB database ({str(e).splitlines()[0]}); "
                        "`harness db rebuild` rebuilds it from the journals"
                    ) from None
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
            con.execute(f"INSERT INTO schema_version VALUES ({number:d}, {literal(name)}, {literal(now())})")
            con.execute("COMMIT")
            current = number
    return int(current)


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


@dataclass
class LoadStats:
    journals: int = 0
    records: int = 0
    cells: int = 0
    run_cells: int | None = None
    """With `load(run_id=...)`: how many cells of that run the database holds after the load (earlier loads
    included), the unit the run printed."""
    note: str = ""
    """Set when something unusual happened: a broken database set aside, a journal reloaded from its start,
    records a table's key kept out."""

    def add(self, loaded: Loaded, journal: Path) -> None:
        self.journals += 1 if loaded.records else 0
        self.records += loaded.records
        self.cells += loaded.cells
        notes = [self.note] if self.note else []
        if loaded.reloaded:
            notes.append(f"{journal} is shorter than, or differs from, what was loaded: reloaded from its start")
        if loaded.ignored:
            kept = ", ".join(f"{n} {table}" for table, n in sorted(loaded.ignored.items()))
            notes.append(f"{journal}: {kept} record(s) already in the database under the same key, not loaded again")
        self.note = "; ".join(notes)


def _set_aside(path: Path) -> Path:
    """Move a database that will not open (and its WAL) out of the way; journals rebuild it."""
    stamp = now().strftime("%Y%m%dT%H%M%S")
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


#: "No limit" for a retried load: DuckDB's own default, 80% of the machine's memory. Set explicitly, since RESET
#: leaves DuckDB 1.5's buffer pool at the old limit.
_DEFAULT_LIMIT = f"{int(os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') * 0.8) // 2**20}MB"


def _limit_memory(con: Any, limit: str | None) -> None:
    import duckdb

    with contextlib.suppress(duckdb.Error):  # DuckDB refuses a limit below what it holds: it keeps its own
        con.execute(f"SET memory_limit = '{limit or _DEFAULT_LIMIT}'")


def _load_one(con: Any, journal: Path, done: tuple[int, int, str | None], limit: str) -> Loaded:
    import duckdb

    try:
        return load_journal(con, journal, *done)
    except duckdb.Error as e:
        if not out_of_memory(e):
            raise
        _limit_memory(con, None)
        try:
            return load_journal(con, journal, *done)
        finally:
            _limit_memory(con, limit)


def _checkpoint(con: Any) -> None:
    """Fold the write-ahead log into the file. What was committed is safe in the log if this fails (DuckDB
    replays it on the next open), so a failure here is not the load's: the next load checkpoints. A checkpoint
    that does not fit the loader's memory runs without the limit (else closing the connection, which checkpoints
    too, raises it: DuckDB 1.5)."""
    import duckdb

    with contextlib.suppress(duckdb.Error):
        try:
            con.execute("CHECKPOINT")
        except duckdb.Error as e:
            if not out_of_memory(e):
                raise
            _limit_memory(con, None)
            con.execute("CHECKPOINT")


def _load_into(con: Any, runs_dir: Path, stats: LoadStats, limit: str | None = None) -> None:
    limit = limit or LOAD_MEMORY_LIMIT
    # One DuckDB thread: as fast here (100k cells in ~6 s either way), ~100 MB less peak memory, and a run that
    # loads as it goes keeps the other core for its event loop.
    con.execute("SET threads = 1")
    migrate(con)
    _limit_memory(con, limit)
    done = {
        p: (o, n, t)
        for p, o, n, t in con.execute("SELECT path, byte_offset, lines, tail_hash FROM journals").fetchall()
    }
    journals = [j for d in JOURNAL_DIRS for j in sorted((runs_dir.parent / d).glob("*.jsonl"))]
    for journal in journals:
        offset, lines, tail = done.get(journal.name, (0, 0, None))
        if journal.stat().st_size == offset and same_journal(journal, offset, tail):
            continue
        stats.add(_load_one(con, journal, (offset, lines, tail), limit), journal)
    _checkpoint(con)


def load(
    results_dir: Path, *, wait: float = 30.0, memory_limit: str | None = None, run_id: str | None = None
) -> LoadStats:
    """Bring the database up to date with every journal under `results/runs/`, DuckDB holding up to
    `memory_limit` (default LOAD_MEMORY_LIMIT; it spills past it). With `run_id`, count that run's cells after."""
    stats = LoadStats()
    with ingest_lock(results_dir, wait=wait):
        con = _open_or_set_aside(db_path(results_dir), wait, stats)
        try:
            _load_into(con, results_dir / "runs", stats, memory_limit)
            if run_id is not None:
                count = f"SELECT count(*) FROM cells WHERE run_id = {literal(run_id)}"
                stats.run_cells = con.execute(count).fetchone()[0]
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
