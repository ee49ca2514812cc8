"""The run's event loop: the runner's cells, Ctrl-C and SIGTERM (stop starting cells; in-flight ones get a grace
period), the journal flushed every second, and the DuckDB index loaded every few seconds in a child process."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from harness.errors import DatabaseLockedError
from harness.run.plan import Cell
from harness.run.runner import Runner
from harness.store import db
from harness.store.journal import JournalWriter
from harness.store.load_child import BUSY

GRACE_SECONDS = 10.0
#: How often a running run loads its journal into DuckDB (`HARNESS_LOAD_EVERY`, seconds; the end of a run always loads).
LOAD_EVERY_SECONDS = float(os.environ.get("HARNESS_LOAD_EVERY", "5"))
#: How long the load at the end of a run waits for a busy database before leaving it for later.
FINAL_LOAD_WAIT = float(os.environ.get("HARNESS_LOAD_WAIT", "30"))


#: From this many planned cells a run's final load goes to a child process (`HARNESS_CHILD_LOAD_CELLS`): the run's
#: process then never holds DuckDB (~45 MiB imported) and its working memory (~50 MiB at 3,000 cells), so its peak
#: stays that of the fan-out; below it the child's start-up (~0.3 s) would cost more than the memory is worth.
CHILD_LOAD_CELLS = int(os.environ.get("HARNESS_CHILD_LOAD_CELLS", "2000"))


def try_load(results_dir: Path, wait: float, run_id: str | None = None, cells: int = 0) -> tuple[bool, str]:
    """Load the journals into DuckDB; the note says what was loaded in cells (the unit a run prints), with the
    records (cells, attempts, grades, ...) behind them, and how many of the run's cells the database now holds
    (loads during the run took the rest). A run of `cells` >= CHILD_LOAD_CELLS loads in a child process; a child
    that fails for any reason but a busy database leaves the load to this process, whose error is the one to see."""
    try:
        stats = _load_in_child_now(results_dir, wait, run_id) if cells >= CHILD_LOAD_CELLS else None
        if stats is None:
            stats = db.load(results_dir, wait=wait, memory_limit=db.RUN_LOAD_MEMORY_LIMIT, run_id=run_id)
    except DatabaseLockedError as e:
        return False, f"database busy, journal kept for a later load (`harness db load`): {e}"
    note = (
        f"loaded {stats.cells} cells ({stats.records} records with attempts and grades) into {db.db_path(results_dir)}"
    )
    if stats.run_cells is not None:
        note += f", which now holds {stats.run_cells} cells of run {run_id}"
    return True, f"{stats.note}; {note}" if stats.note else note


def _load_in_child_now(results_dir: Path, wait: float, run_id: str | None) -> db.LoadStats | None:
    """A run's final load in a child process (`harness.store.load_child`); None when the child failed (not busy)."""
    args = [sys.executable, "-m", "harness.store.load_child", str(results_dir), str(wait)]
    args += [run_id] if run_id else []
    done = subprocess.run(args, stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False)
    lines = done.stdout.strip().splitlines()
    if done.returncode == BUSY and lines:
        raise DatabaseLockedError(json.loads(lines[-1])["busy"])
    if done.returncode != 0 or not lines:
        return None
    return db.LoadStats(**json.loads(lines[-1]))


async def _load_in_child(results_dir: Path) -> None:
    """An in-run load, in a process of its own (see `harness.store.load_child`). A busy database or a failed load
    is left for the load at the end of the run, which reports it; a load is one transaction, so a child stopped
    with the run (Ctrl-C reaches it too) leaves nothing half-written."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "harness.store.load_child", str(results_dir), "0.5",
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        await proc.communicate()  # its exit status is not acted on: the final load meets the same problem and says
    except asyncio.CancelledError:  # the run ended: let the load finish (the final load waits for its lock anyway)
        await proc.wait()
        raise


async def _housekeeping(results_dir: Path, journal: JournalWriter) -> None:
    """Flush the journal every second (so an idle stretch never holds finished cells in memory) and load the
    database every few seconds. A journal write error ends this task, and with it the run."""
    last_load = asyncio.get_running_loop().time()
    while True:
        await asyncio.sleep(1.0)
        journal.flush()
        if asyncio.get_running_loop().time() - last_load >= LOAD_EVERY_SECONDS:
            await _load_in_child(results_dir)
            last_load = asyncio.get_running_loop().time()


async def execute(runner: Runner, cells: list[Cell], results_dir: Path, journal: JournalWriter) -> str:
    """Run `cells` until done or stopped: "complete", or "cancelled" when a signal or the runner stopped it."""
    loop = asyncio.get_running_loop()
    cancelled = False

    def on_signal() -> None:
        nonlocal cancelled
        cancelled = True
        runner.stop.set()

    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, on_signal)
    loader = asyncio.create_task(_housekeeping(results_dir, journal))
    work = asyncio.create_task(runner.run(cells))
    stopping = asyncio.create_task(runner.stop.wait())
    try:
        done, _ = await asyncio.wait({work, stopping, loader}, return_when=asyncio.FIRST_COMPLETED)
        if loader in done:  # the journal could not be written: stop at once, nothing more counts
            work.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await work
            loader.result()
        if work not in done:  # stop requested: no new cells; in-flight ones get a grace period
            done, _ = await asyncio.wait({work}, timeout=GRACE_SECONDS)
            if work not in done:
                work.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await work
        else:
            work.result()
    finally:
        stopping.cancel()
        loader.cancel()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(sig)
    return "cancelled" if cancelled or runner.stop.is_set() else "complete"
