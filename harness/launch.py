"""One run end to end: load the suite, plan, journal the run, execute, load the journal into DuckDB.

`start_run` is what `harness run` and the tests call. It owns the run's lifecycle records (`run`, `run_end`),
signal handling (Ctrl-C / SIGTERM: stop scheduling, give in-flight calls up to 10 s, mark the run cancelled)
and the periodic loads that keep the database current while the run goes on.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import secrets
import signal
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from harness import __version__
from harness.errors import DatabaseLockedError
from harness.plan import Plan, Selection, build_plan
from harness.provenance import git_state, host, package_versions
from harness.providers.base import Provider, ProviderSettings, make_provider
from harness.runner import CellFinished, Runner, RunOptions, Tally, now
from harness.store import db
from harness.store.journal import JournalWriter
from harness.suite import load_suite

GRACE_SECONDS = 10.0
LOAD_EVERY_SECONDS = 5.0


def new_run_id() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S-") + secrets.token_hex(3)


@dataclass
class RunResult:
    run_id: str
    plan: Plan
    tally: Tally
    status: str
    journal: Path
    loaded: bool
    load_note: str = ""
    events: list[CellFinished] = field(default_factory=list)


def make_providers(plan: Plan, options: RunOptions, sim_seed: int) -> dict[str, Provider]:
    settings = ProviderSettings(plan.project.models, sim_seed=sim_seed, sim_time_scale=options.sim_time_scale)
    providers: dict[str, Provider] = {}
    for dep_id, mode in plan.modes.items():
        dep = plan.project.models.deployments[dep_id]
        if mode == "skipped":
            continue
        name = "sim" if mode == "sim" else dep.provider
        providers[dep_id] = make_provider(name, dep_id, dep, settings)
    return providers


def run_record(plan: Plan, sim_seed: int, mode: str) -> dict[str, object]:
    commit, dirty = git_state(plan.project.suite_path.parent)
    pid, hostname = host()
    return {
        "type": "run", "run_id": plan.run_id, "suite": plan.project.suite.name,
        "suite_path": str(plan.project.suite_path), "started_at": now(), "status": "running", "mode": mode,
        "simulated": plan.simulated, "sim_seed": sim_seed, "git_commit": commit, "git_dirty": dirty,
        "harness_version": __version__, "packages": package_versions(), "hashes": plan.project.hashes,
        "fingerprint": plan.fingerprint(), "deployment_modes": plan.modes,
        "tasks": sorted({c.task for c in plan.cells}), "deployments": sorted(plan.modes),
        "variants": plan.selection.variants, "planned_cells": len(plan.cells), "pid": pid, "host": hostname,
    }  # fmt: skip


def try_load(results_dir: Path, wait: float) -> tuple[bool, str]:
    try:
        stats = db.load(results_dir, wait=wait)
    except DatabaseLockedError as e:
        return False, f"database busy, journal kept for a later load: {e}"
    return True, f"loaded {stats.records} records into {db.db_path(results_dir)}"


async def _periodic_load(results_dir: Path, journal: JournalWriter) -> None:
    while True:
        await asyncio.sleep(LOAD_EVERY_SECONDS)
        journal.flush()
        await asyncio.to_thread(try_load, results_dir, 0.5)


async def _execute(runner: Runner, plan: Plan, results_dir: Path, journal: JournalWriter) -> str:
    loop = asyncio.get_running_loop()
    cancelled = False

    def on_signal() -> None:
        nonlocal cancelled
        cancelled = True
        runner.stop.set()

    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, on_signal)
    loader = asyncio.create_task(_periodic_load(results_dir, journal))
    work = asyncio.create_task(runner.run(plan.cells))
    stopping = asyncio.create_task(runner.stop.wait())
    try:
        done, _ = await asyncio.wait({work, stopping}, return_when=asyncio.FIRST_COMPLETED)
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
    return "cancelled" if cancelled else "complete"


def start_run(
    suite_path: Path,
    selection: Selection,
    *,
    results_dir: Path = Path("results"),
    options: RunOptions | None = None,
    sim_seed: int = 0,
    sink: Callable[[CellFinished], None] | None = None,
    on_plan: Callable[[Plan], None] | None = None,
) -> RunResult:
    """Plan and execute one run; every planned cell ends as a journaled result or error."""
    options = options or RunOptions()
    project = load_suite(suite_path)
    run_id = new_run_id()
    plan = build_plan(project, selection, run_id)
    providers = make_providers(plan, options, sim_seed)
    if on_plan:
        on_plan(plan)
    journal_path = results_dir / "runs" / f"{run_id}.jsonl"
    journal = JournalWriter(journal_path)
    events: list[CellFinished] = []

    def collect(e: CellFinished) -> None:
        events.append(e)
        if sink:
            sink(e)

    status = "failed"
    try:
        journal.write(run_record(plan, sim_seed, selection.mode))
        journal.flush()
        runner = Runner(plan, providers, journal, collect, options)
        status = asyncio.run(_execute(runner, plan, results_dir, journal))
        tally = runner.tally
    finally:
        journal.write({"type": "run_end", "run_id": run_id, "status": status, "ended_at": now(),
                       "counts": (locals().get("tally") or Tally()).as_dict()})  # fmt: skip
        journal.close()
    loaded, note = try_load(results_dir, wait=30.0)
    return RunResult(run_id, plan, tally, status, journal_path, loaded, note, events)
