"""Where the app reads, and how: `Reader` holds one short-lived read-only connection for a burst of requests and what
may be remembered between them; `rows` runs one read through `store.db.check_read`."""

from __future__ import annotations

import atexit
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from harness.report import cases
from harness.store.db import check_read
from harness.store.lake import Lake, open_read
from harness.view import sql


def rows(con: Any, query: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    check_read(con, query)
    return cases.fetch(con, query, params or [])


class Reader:
    """Where the app reads (a results directory or the lake), with what it may keep between requests: one read-only
    connection for a burst of requests, and each run's datasets directory and loaded dataset versions (versions
    are immutable, named by hash in the run).

    DuckDB locks the file for any connection and takes 20-60 ms to open one, so a request borrows a cursor of a
    shared connection that is closed `IDLE` seconds after the last request, and never reused once `MAX_AGE` old: a
    load (`harness run` in progress, `db load`) waits at most about that long, and a page is never staler."""

    IDLE = 0.25
    MAX_AGE = 1.0

    def __init__(self, source: Path | Lake) -> None:
        self.source = source
        self.results_dir = source if isinstance(source, Path) else None
        self._roots: dict[str, Path | None] = {}
        self._datasets: dict[tuple[str, str, str], list[Any]] = {}
        self._lock = threading.Lock()
        self._con: Any = None
        self._born = self._last = 0.0
        self._users = 0
        self._reaper: threading.Thread | None = None
        self._stop = threading.Event()
        self._memos: dict[tuple[str, tuple[str, ...]], tuple[list[tuple[Any, ...]], Any]] = {}

    @contextmanager
    def connect(self) -> Iterator[Any]:
        with self._lock:
            if self._con is not None and self._users == 0 and time.monotonic() - self._born > self.MAX_AGE:
                self._close()
            if self._con is None:
                self._con, self._born = open_read(self.source), time.monotonic()
            self._users += 1
            cur = self._con.cursor()
        if isinstance(self.source, Lake):  # a cursor is a new connection: the lake's `USE lake` is per connection
            cur.execute("USE lake")
        try:
            yield cur
        finally:
            cur.close()
            with self._lock:
                self._users -= 1
                self._last = time.monotonic()
                if self._reaper is None:
                    self._reaper = threading.Thread(target=self._reap, name="harness-view-reaper", daemon=True)
                    self._reaper.start()
                    atexit.register(self.close)

    MEMOS = 32

    def memo(self, con: Any, name: str, run_ids: list[str] | None, compute: Callable[[], Any]) -> Any:
        """`compute()`, or what it gave before for the same runs (`None`: all) while their rows are unchanged
        (`sql.FINGERPRINT`): the matrix of a 100,000-cell run is computed on its first view only."""
        if run_ids is None:
            fingerprint = [tuple(rows(con, sql.FINGERPRINT.replace("{w}", "true"))[0].values())]
        else:
            where = sql.FINGERPRINT.replace("{w}", "run_id = ?")
            fingerprint = [tuple(rows(con, where, [run] * 5)[0].values()) for run in run_ids]
        key = (name, tuple(run_ids or ()))
        with self._lock:
            hit = self._memos.get(key)
        if hit is not None and hit[0] == fingerprint:
            return hit[1]
        value = compute()
        with self._lock:
            self._memos[key] = (fingerprint, value)
            while len(self._memos) > self.MEMOS:
                self._memos.pop(next(iter(self._memos)))
        return value

    def forget(self) -> None:
        """Drop everything remembered (the bench's first views)."""
        with self._lock:
            self._memos.clear()

    def _reap(self) -> None:
        """Close the shared connection once idle for `IDLE` seconds (one thread per reader, until `close`)."""
        while not self._stop.wait(self.IDLE / 5):
            with self._lock:
                if self._con is not None and self._users == 0 and time.monotonic() - self._last >= self.IDLE:
                    self._close()

    def _close(self) -> None:
        self._con.close()
        self._con = None

    def close(self) -> None:
        """Close the shared connection now and stop the reaper (the app's shutdown, the interpreter's exit)."""
        self._stop.set()
        with self._lock:
            if self._con is not None and self._users == 0:
                self._close()

    def check(self) -> None:
        """Open and close once: a missing or unreadable database is the user's one-line error before serving."""
        with self.connect():
            pass

    def datasets_root(self, run: dict[str, Any]) -> Path | None:
        from harness.report.data import suite_context

        if run["run_id"] not in self._roots:
            self._roots[run["run_id"]] = cases.datasets_dir(run, suite_context(run, self.results_dir).datasets_dir)
        return self._roots[run["run_id"]]

    def dataset_cases(self, root: Path | None, name: str, version: str) -> list[Any]:
        key = (str(root), name, version)
        if key not in self._datasets:
            found, _ = cases.case_lookup(root, [(name, version)])
            self._datasets[key] = list(found.values())
        return self._datasets[key]
