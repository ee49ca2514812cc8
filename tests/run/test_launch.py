"""harness/run/launch.py and loop.py: the event loop stays responsive; in-run database loads happen in a child."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import json
import time
from pathlib import Path

import pytest

from harness.run import collector, launch, loop
from harness.run.plan import Selection
from harness.run.records import now
from harness.run.runner import RunOptions
from harness.store import db, load_child


def test_cells_answered_without_waiting_still_yield_to_the_loop(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Simulated cells at zero latency never suspend on their own: the worker yields after each, so the run's
    timers (flush, in-run loads) and signal handlers get turns while cells run, not only after."""
    ticks = [0]

    async def ticking(results_dir: Path, journal: object) -> None:
        while True:
            await asyncio.sleep(0)
            ticks[0] += 1

    monkeypatch.setattr(loop, "_housekeeping", ticking)
    seen: list[int] = []
    result = launch.start_run(project, Selection(mode="sim"), results_dir=tmp_path / "r",
                              options=RunOptions(concurrency=2, per_deployment=1),
                              sink=lambda e: seen.append(ticks[0]))  # fmt: skip
    assert len(seen) == len(result.plan.cells) >= 20
    longest = max(len(list(group)) for _, group in itertools.groupby(seen))
    assert longest <= 4, f"{longest} cells in a row without the loop getting a turn"


@pytest.mark.parametrize("before", [(700, 10, 10), (50_000, 5, 5), (0, 10, 10)])
def test_a_run_collects_the_young_generation_less_often_and_restores_the_threshold(
    project: Path, tmp_path: Path, before: tuple[int, int, int]
) -> None:
    """While a run runs the first threshold is at least GC_THRESHOLD (a higher one is kept, 0 = collection off is
    left off); the process's own threshold and frozen set come back when it returns."""
    import gc

    saved = gc.get_threshold()
    gc.set_threshold(*before)
    try:
        during: list[tuple[int, ...]] = []
        launch.start_run(project, Selection(mode="sim"), results_dir=tmp_path / "r",
                         sink=lambda e: during.append(gc.get_threshold()))  # fmt: skip
        after, frozen = gc.get_threshold(), gc.get_freeze_count()
    finally:
        gc.set_threshold(*saved)
    expected = (max(before[0], collector.GC_THRESHOLD) if before[0] else 0, *before[1:])
    assert during and set(during) == {expected}
    assert after == before and frozen == 0


def test_runs_that_overlap_in_threads_restore_the_threshold_when_the_last_returns() -> None:
    import gc
    import threading

    saved = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    seen: dict[str, tuple[int, ...]] = {}

    @collector.gc_tuned
    def first() -> None:
        first_in.set()
        second_in.wait(5)

    @collector.gc_tuned
    def second() -> None:
        second_in.set()
        first_out.wait(5)
        seen["after the first returned"] = gc.get_threshold()

    try:
        a = threading.Thread(target=first)
        a.start()
        first_in.wait(5)
        b = threading.Thread(target=second)
        b.start()
        a.join(5)
        first_out.set()
        b.join(5)
        after, frozen = gc.get_threshold(), gc.get_freeze_count()
    finally:
        gc.set_threshold(*saved)
    assert seen["after the first returned"][0] == collector.GC_THRESHOLD  # the second still runs tuned
    assert after == (700, 10, 10) and frozen == 0


def test_an_in_run_load_in_a_child_process_brings_the_database_up_to_date(project: Path, tmp_path: Path) -> None:
    results = tmp_path / "r"
    run = launch.start_run(project, Selection(mode="sim"), results_dir=results)
    db.db_path(results).unlink()  # as if no load had happened yet
    asyncio.run(loop._load_in_child(results))
    ((cells,),) = db.query(results, "SELECT count(*) FROM cells")
    assert cells == len(run.plan.cells)


def test_the_load_child_says_when_the_database_is_busy(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    results = tmp_path / "r"
    launch.start_run(project, Selection(mode="sim"), results_dir=results)
    with db.ingest_lock(results, wait=1.0):
        assert load_child.main([str(results), "0.1"]) == load_child.BUSY
    assert "busy" in json.loads(capsys.readouterr().out)
    assert load_child.main([str(results), "1"]) == 0
    assert json.loads(capsys.readouterr().out)["records"] == 0  # everything was loaded at the end of the run


def test_a_large_runs_final_load_happens_in_a_child(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From CHILD_LOAD_CELLS planned cells the final load runs in `harness.store.load_child` (the run's process never
    imports DuckDB's working set); its note is the in-process load's. The child's failure falls back to this process."""
    monkeypatch.setattr(loop, "CHILD_LOAD_CELLS", 1)
    children: list[list[str]] = []
    real = loop.subprocess.run

    def spy(args: list[str], **kw: object) -> object:
        if "harness.store.load_child" in args:
            children.append(args)
        return real(args, **kw)  # type: ignore[call-overload]

    monkeypatch.setattr(loop.subprocess, "run", spy)
    run = launch.start_run(project, Selection(mode="sim"), results_dir=tmp_path / "r", run_id="big-1")
    assert [a[2:4] for a in children] == [["harness.store.load_child", str(tmp_path / "r")]]
    assert children[0][-1] == "big-1"
    assert run.loaded and f"which now holds {len(run.plan.cells)} cells of run big-1" in run.load_note
    ((cells,),) = db.query(tmp_path / "r", "SELECT count(*) FROM cells")
    assert cells == len(run.plan.cells)

    def failing(args: list[str], **kw: object) -> object:
        if "harness.store.load_child" in args:
            return loop.subprocess.CompletedProcess(args, 1, "", "boom")
        return real(args, **kw)  # type: ignore[call-overload]

    monkeypatch.setattr(loop.subprocess, "run", failing)
    again = launch.start_run(project, Selection(mode="sim"), results_dir=tmp_path / "r2", run_id="big-2")
    assert again.loaded and f"which now holds {len(again.plan.cells)} cells of run big-2" in again.load_note


def test_now_is_iso_utc_with_microseconds() -> None:
    stamp = now()
    parsed = dt.datetime.fromisoformat(stamp)
    assert parsed.tzinfo == dt.UTC and len(stamp) == len("2026-01-01T00:00:00.000000+00:00")
    assert abs((dt.datetime.now(dt.UTC) - parsed).total_seconds()) < 1


def test_run_ids_sort_in_start_order_within_one_second() -> None:
    """The latest run of a suite is the last run id (gate_run, report history): ids made within the same second
    must sort as they were made."""
    for _ in range(3):  # a second boundary may fall among the five: then again
        ids = []
        for _ in range(5):
            ids.append(launch.new_run_id())
            time.sleep(0.002)
        if ids[0][:15] == ids[-1][:15]:
            break
    assert ids[0][:15] == ids[-1][:15]
    assert ids == sorted(ids) and len(set(ids)) == 5
