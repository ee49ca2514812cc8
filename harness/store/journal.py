"""The journal: `results/runs/<run-id>.jsonl`, one JSON record per line, appended and fsynced in batches
(the fsync in a thread, off the event loop).

It is the durable record. A record counts only once its line, newline included, is on disk: a torn last line
(no newline, e.g. after `kill -9`) is ignored and its cell re-runs; a bad line in the middle is corruption and a
hard error naming file:line, because skipping it would lose data silently.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import threading
import time
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from harness.errors import JournalCorruptError, StoreError
from harness.store import fastjson

FLUSH_RECORDS = 200
FLUSH_SECONDS = 1.0


#: How every line `dumpb` writes begins, so a loader can class a line by its type without parsing it.
TYPE_PREFIX = b'{"type":"'


def dumpb(record: dict[str, Any]) -> bytes:
    """One line of JSON as UTF-8, `type` first."""
    if next(iter(record), "type") != "type" and "type" in record:
        record = {"type": record["type"], **record}
    return fastjson.dumpb(record)


class _Syncer:
    """fsyncs one file in a thread each time it is asked, so the writer (the run's event loop) never waits on the
    disk. The write itself stays synchronous: a killed process loses nothing that was written, only a machine
    crash can lose the last few milliseconds. An fsync error is kept for the writer to raise."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.error: OSError | None = None
        self._wanted = threading.Event()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="journal-fsync", daemon=True)
        self._thread.start()

    def request(self) -> None:
        self._wanted.set()

    def _run(self) -> None:
        while True:
            self._wanted.wait()
            self._wanted.clear()
            if self._stopping:
                return
            try:
                os.fsync(self.fd)
            except OSError as e:
                self.error = e

    def stop(self) -> None:
        self._stopping = True
        self._wanted.set()
        self._thread.join()


class JournalWriter:
    """Appends records; `flush()` writes the batch and has it fsynced. Not thread-safe: one writer per run."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._fh = open(path, "ab")  # noqa: SIM115 (closed in close())
        try:  # one writer per journal: a second process resuming the same run would interleave records
            fcntl.flock(self._fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._fh.close()
            raise StoreError(f"{path} is being written by another process (that run is still going)") from None
        self._pending: list[bytes] = []
        self._last_flush = time.monotonic()
        self._syncer = _Syncer(self._fh.fileno())
        self.records_written = 0

    def write(self, record: dict[str, Any]) -> None:
        self._pending.append(dumpb(record))
        if len(self._pending) >= FLUSH_RECORDS or time.monotonic() - self._last_flush >= FLUSH_SECONDS:
            self.flush()

    def _failed(self, e: OSError) -> StoreError:
        return StoreError(f"could not write the journal {self.path}: {e.strerror or e}")

    def flush(self) -> None:
        """Write the pending batch and have it fsynced (in the background; `close` waits for it). A failed write
        (disk full) is a StoreError: nothing in the batch counts as done, and whatever part reached the disk is
        a torn tail that a resume cuts off. A failed fsync is a StoreError at the next flush."""
        if self._syncer.error is not None:
            raise self._failed(self._syncer.error) from None
        if self._pending:
            try:
                self._fh.write(b"\n".join(self._pending) + b"\n")
                self._fh.flush()
            except OSError as e:
                self._pending.clear()
                raise self._failed(e) from None
            self.records_written += len(self._pending)
            self._pending.clear()
            self._syncer.request()
        self._last_flush = time.monotonic()

    def close(self) -> None:
        """Write what is pending and fsync it before returning."""
        if not self._fh.closed:
            try:
                self.flush()
            finally:
                self._syncer.stop()
                try:
                    os.fsync(self._fh.fileno())
                except OSError as e:
                    with contextlib.suppress(OSError):
                        self._fh.close()
                    raise self._failed(e) from None
                with contextlib.suppress(OSError):
                    self._fh.close()


def _parse(raw: bytes, path: Path, line_no: int) -> dict[str, Any]:
    try:
        record = json.loads(raw)
        if not isinstance(record, dict) or "type" not in record:
            raise ValueError("not a journal record")
    except ValueError as e:
        raise JournalCorruptError(
            f"{path}:{line_no}: corrupt journal line ({e}); it is not the last line, so skipping it would "
            "lose data: restore the file from a backup, or move it aside and re-run"
        ) from None
    return record


def read_records(path: Path, offset: int = 0, first_line: int = 1) -> Iterator[tuple[int, int, dict[str, Any]]]:
    """Yield (line number, end offset, record) for complete lines from `offset` (line `first_line`).

    A final line without a newline is torn: it is not yielded. A complete line that is not a JSON object
    raises JournalCorruptError naming file:line.
    """
    with open(path, "rb") as fh:
        fh.seek(offset)
        data = fh.read()
    end = data.rfind(b"\n")
    if end < 0:
        return
    pos = 0
    line_no = first_line - 1
    while pos <= end:
        nl = data.index(b"\n", pos)
        line_no += 1
        record = _parse(data[pos:nl], path, line_no)
        pos = nl + 1
        yield line_no, offset + pos, record


#: A bulk load reads a journal in pieces this large, so memory stays flat however long the journal is.
CHUNK_BYTES = 2 << 20
#: ... and hands DuckDB files of about this size, one statement each: one statement over 300 MB of 8 KB outputs
#: takes 800 MB, in 32 MB parts 300 MB. A load of 60 MB of such a journal peaks 185 MB above where it started
#: with 8 MB pieces and 32 MB parts, 110-130 MB with 2 MB pieces and 8 MB parts, at the same speed.
PART_BYTES = 8 << 20


@dataclass
class Batch:
    """The complete lines of a journal after an offset, split by record type for a bulk load."""

    end: int
    """Byte offset just after the last complete line."""
    lines: int = 0
    files: dict[str, list[Path]] = field(default_factory=dict)
    """NDJSON files per bulk-loaded type present, each up to about PART_BYTES, in journal order (lines as written,
    or re-serialised with `type` first). The caller removes them."""
    counts: dict[str, int] = field(default_factory=dict)
    parsed: list[dict[str, Any]] = field(default_factory=list)
    """Every other record, parsed and checked, in journal order."""


def split_batch(
    path: Path, offset: int, first_line: int, bulk: Collection[str], file_for: Callable[[str], Path]
) -> Batch:
    """Complete lines from `offset` (line `first_line`), as they were when called. Those of the `bulk` types go,
    unparsed, to files `file_for("<type>-<n>")` (a line `dumpb` wrote starts with its type); the others are parsed
    and checked like `read_records`, which raises JournalCorruptError naming file:line. A bulk loader that meets a
    malformed line calls `check` for that message."""
    batch = Batch(offset)
    outs: dict[str, BinaryIO] = {}
    try:
        with open(path, "rb") as fh:
            left = os.fstat(fh.fileno()).st_size - offset
            fh.seek(offset)
            rest = b""
            while left > 0:
                data = fh.read(min(CHUNK_BYTES, left))
                left -= len(data)
                block = rest + data if rest else data
                cut = block.rfind(b"\n")
                if cut < 0:
                    rest = block
                    continue
                rest = block[cut + 1 :]
                lines = block[:cut].split(b"\n")
                del block, data
                _sort(lines, first_line + batch.lines, path, bulk, batch, outs, file_for)
                batch.end += cut + 1
                batch.lines += len(lines)
    except BaseException:
        for out in outs.values():
            out.close()
        for part in (f for parts in batch.files.values() for f in parts):
            part.unlink(missing_ok=True)
        raise
    for out in outs.values():
        out.close()
    return batch


def _sort(
    lines: list[bytes],
    first: int,
    path: Path,
    bulk: Collection[str],
    batch: Batch,
    outs: dict[str, BinaryIO],
    file_for: Callable[[str], Path],
) -> None:
    """Append one piece's lines to their type's file (bulk types) or to `batch.parsed` (the rest)."""
    skip = len(TYPE_PREFIX)
    wanted = {k.encode(): k for k in bulk}
    groups: dict[str, list[bytes]] = {}
    for n, raw in enumerate(lines, start=first):
        quote = raw.find(b'"', skip) if raw.startswith(TYPE_PREFIX) else -1
        kind = wanted.get(raw[skip:quote]) if quote > 0 else None
        if kind is None:  # another type, or a line written otherwise (keys in another order, spaces)
            record = _parse(raw, path, n)
            if record["type"] not in bulk:
                batch.parsed.append(record)
                continue
            kind, raw = record["type"], dumpb(record)
        groups.setdefault(kind, []).append(raw)
    for kind, group in groups.items():
        if kind not in outs or outs[kind].tell() >= PART_BYTES:
            if kind in outs:
                outs[kind].close()
            parts = batch.files.setdefault(kind, [])
            parts.append(file_for(f"{kind}-{len(parts)}"))
            outs[kind] = open(parts[-1], "wb")  # noqa: SIM115 (closed by split_batch)
        outs[kind].write(b"\n".join(group) + b"\n")
        batch.counts[kind] = batch.counts.get(kind, 0) + len(group)


def check(path: Path, offset: int = 0, first_line: int = 1) -> None:
    """Raise JournalCorruptError naming file:line if any complete line after `offset` is not a record."""
    for _ in read_records(path, offset, first_line):
        pass


def torn_tail(path: Path) -> int:
    """Bytes after the last newline (a torn record), 0 when the journal ends cleanly."""
    size = path.stat().st_size
    if size == 0:
        return 0
    with open(path, "rb") as fh:
        back = min(size, 1 << 20)
        fh.seek(size - back)
        tail = fh.read()
    nl = tail.rfind(b"\n")
    return len(tail) - nl - 1 if nl >= 0 else (size if back == size else 0)


def crash_point(name: str) -> None:
    """Fault injection for the crash tests: `HARNESS_CRASH_AT=name` kills the process here, like `kill -9`."""
    if os.environ.get("HARNESS_CRASH_AT") == name:
        os._exit(137)
