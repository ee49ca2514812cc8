"""The journal: `results/runs/<run-id>.jsonl`, one JSON record per line, appended and fsynced in batches.

It is the durable record. A record counts only once its line, newline included, is on disk: a torn last line
(no newline, e.g. after `kill -9`) is ignored and its cell re-runs; a bad line in the middle is corruption and a
hard error naming file:line, because skipping it would lose data silently.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from harness.errors import JournalCorruptError, StoreError

FLUSH_RECORDS = 200
FLUSH_SECONDS = 1.0


def dumps(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"), default=str)


class JournalWriter:
    """Appends records; `flush()` writes and fsyncs the batch. Not thread-safe: one writer per run."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._fh = open(path, "ab")  # noqa: SIM115 (closed in close())
        try:  # one writer per journal: a second process resuming the same run would interleave records
            fcntl.flock(self._fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._fh.close()
            raise StoreError(f"{path} is being written by another process (that run is still going)") from None
        self._pending: list[str] = []
        self._last_flush = time.monotonic()
        self.records_written = 0

    def write(self, record: dict[str, Any]) -> None:
        self._pending.append(dumps(record))
        if len(self._pending) >= FLUSH_RECORDS or time.monotonic() - self._last_flush >= FLUSH_SECONDS:
            self.flush()

    def flush(self) -> None:
        """Write and fsync the pending batch. A failed write (disk full) is a StoreError: nothing in the batch
        counts as done, and whatever part reached the disk is a torn tail that a resume cuts off."""
        if self._pending:
            try:
                self._fh.write(("\n".join(self._pending) + "\n").encode("utf-8"))
                self._fh.flush()
                os.fsync(self._fh.fileno())
            except OSError as e:
                self._pending.clear()
                raise StoreError(f"could not write the journal {self.path}: {e.strerror or e}") from None
            self.records_written += len(self._pending)
            self._pending.clear()
        self._last_flush = time.monotonic()

    def close(self) -> None:
        if not self._fh.closed:
            try:
                self.flush()
            finally:
                with contextlib.suppress(OSError):
                    self._fh.close()


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
        raw = data[pos:nl]
        try:
            record = json.loads(raw)
            if not isinstance(record, dict) or "type" not in record:
                raise ValueError("not a journal record")
        except ValueError as e:
            raise JournalCorruptError(
                f"{path}:{line_no}: corrupt journal line ({e}); it is not the last line, so skipping it would "
                "lose data: restore the file from a backup, or move it aside and re-run"
            ) from None
        pos = nl + 1
        yield line_no, offset + pos, record


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
