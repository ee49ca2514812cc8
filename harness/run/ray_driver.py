"""`harness run --executor ray`: one run's shards as Ray tasks, one progress bar, one result.

The driver plans the whole run once (validation, cells, the mode note), connects to Ray (`--ray-address auto` or
`ray://...`; none: a Ray of its own on this machine) and submits one task per shard (`ray_task.run_shard`, shard k
of `--shards N`, by default one per CPU of the cluster) with a `ShardSpec`: paths, ids, selection and options,
never a key. Ray retries a task whose worker or node died (`max_retries`); the retry resumes from what its shard
pushed to the lake. The driver's progress bar follows the board's items, counting each shard up to the highest it
reached (a retried shard's cells are not counted twice); the result sums the shards' tallies and events.

Ray is an optional extra (`harness[ray]`); without it, `--executor ray` is one error naming it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from harness.config.suite import load_suite
from harness.errors import ClusterError, HarnessError, InputError
from harness.run.launch import RunResult, check_run_id, new_run_id
from harness.run.plan import Plan, Selection, build_plan
from harness.run.ray_task import RunBoard, ShardOutcome, ShardSpec, run_shard
from harness.run.records import RunOptions, Tally
from harness.store import lake as lake_mod
from harness.store.merge import SEVERITY

#: How often the driver reads the board (progress) while the shards run.
POLL_SECONDS = 0.25

Tick = Callable[[str, float], None]


def require_ray() -> Any:
    """The `ray` module, or the one error that says how to get it."""
    try:
        import ray
    except ImportError:
        raise InputError("--executor ray needs Ray, which is not installed",
                         fix="pip install 'harness[ray]'") from None  # fmt: skip
    return ray


@dataclass(frozen=True)
class ClusterOptions:
    address: str | None = None
    """`auto`, `ray://host:10001`, `host:port`; None: start Ray on this machine for the run."""
    shards: int | None = None
    """None: one per CPU of the cluster."""
    push_every: float = 10.0
    """Seconds between a running shard's pushes: what a task that dies can lose (and re-run)."""
    max_retries: int = 3
    """Times Ray re-runs a shard whose worker or node died."""
    scratch: Path | None = None
    """Node-local directory for the shards' journals (default `<results-dir>/ray`, absolute, on every node)."""


class _Progress:
    """The board's items as ticks: each shard counted up to the highest it reached in any attempt."""

    def __init__(self, tick: Tick | None) -> None:
        self.tick = tick
        self.attempt: dict[int, str] = {}
        self.count: dict[int, int] = {}
        self.high: dict[int, int] = {}
        self.attempts = 0

    def feed(self, item: tuple[Any, ...]) -> None:
        kind, shard, attempt = item[:3]
        if kind == "start":
            self.attempts += 1
            self.attempt[shard], self.count[shard] = attempt, int(item[3])
            self._advance(shard, "ok", 0.0)  # cells a dead attempt pushed (counted when it ran them)
        elif kind == "cell" and self.attempt.get(shard) == attempt:  # a dead attempt's last words are not counted
            self.count[shard] += 1
            self._advance(shard, item[3], float(item[4]))

    def _advance(self, shard: int, status: str, cost: float) -> None:
        while self.count[shard] > self.high.get(shard, 0):
            self.high[shard] = self.high.get(shard, 0) + 1
            if self.tick:
                self.tick(status, cost)


def _connect(ray: Any, address: str | None) -> bool:
    """Connect (or start Ray here); True when this call started it, so the run shuts it down."""
    if ray.is_initialized():
        return False
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    common: dict[str, Any] = {"logging_level": "ERROR", "log_to_driver": False}
    try:
        ray.init(address=address, **common) if address else ray.init(include_dashboard=False, **common)
    except (ConnectionError, ValueError) as e:
        fix = "`auto` joins the cluster this machine is part of; or ray://HEAD:10001"
        raise InputError(f"--ray-address {address!r}: {str(e).splitlines()[0]}", fix=fix) from None
    return True


def run_on_ray(
    suite_path: Path,
    selection: Selection,
    *,
    lake: lake_mod.Lake,
    results_dir: Path = Path("results"),
    options: RunOptions | None = None,
    sim_seed: int = 0,
    run_id: str | None = None,
    cluster: ClusterOptions = ClusterOptions(),
    tick: Tick | None = None,
    on_plan: Callable[[Plan, list[str]], None] | None = None,
) -> RunResult:
    """Plan once, run every shard as a Ray task, and return the run as `start_run` would (the rows are in the
    lake). The same `run_id` again finishes a run whose tasks gave up: each shard resumes from the lake."""
    ray = require_ray()
    if selection.shard:
        raise InputError("--shard with --executor ray: Ray makes the shards", fix="use --shards N")
    options = replace(options or RunOptions(), sim_seed=sim_seed)
    run_id = check_run_id(run_id, results_dir) if run_id else new_run_id()
    plan = _plan(suite_path, selection, run_id)
    started = _connect(ray, cluster.address)
    try:
        shards = cluster.shards or max(1, int(ray.cluster_resources().get("CPU", 1)))
        notes = [f"ray: {shards} shards on {len(ray.nodes())} node(s); each decides its modes from its own "
                 f"environment and pushes to {lake.label}"]  # fmt: skip
        if on_plan:
            on_plan(plan, notes)
        scratch = str((cluster.scratch or results_dir / "ray").resolve())
        specs = [
            ShardSpec(str(suite_path.resolve()), run_id, (k, shards), replace(selection, shard=(k, shards)), options,
                      sim_seed, lake, scratch, cluster.push_every)
            for k in range(1, shards + 1)
        ]  # fmt: skip
        board = ray.remote(num_cpus=0)(RunBoard).remote()
        task = ray.remote(num_cpus=1, max_retries=cluster.max_retries, retry_exceptions=False)(run_shard)
        refs = [task.remote(spec, board) for spec in specs]
        progress = _Progress(tick)
        outcomes = _wait(ray, refs, board, progress)
    finally:
        if started:
            ray.shutdown()
    return _result(plan, outcomes, lake, progress.attempts, Path(scratch))


def _plan(suite_path: Path, selection: Selection, run_id: str) -> Plan:
    """The whole run's cells. Which deployments run live is each node's to decide from its own keys (the driver
    may have none): the driver plans them as simulated, which changes no cell, and says so."""
    if selection.mode not in ("auto", "live"):
        return build_plan(load_suite(suite_path), selection, run_id)
    plan = build_plan(load_suite(suite_path), replace(selection, mode="sim"), run_id)
    plan.selection = selection
    plan.modes = {d: "skipped" if m == "sim" else m for d, m in plan.modes.items()}
    plan.mode_note = (f"--mode {selection.mode}: each node runs live the deployments whose credentials are in its own "
                      "environment (keys never leave it)")  # fmt: skip
    return plan


def _wait(ray: Any, refs: list[Any], board: Any, progress: _Progress) -> list[ShardOutcome]:
    seen = 0
    while True:
        ready, _ = ray.wait(refs, num_returns=len(refs), timeout=POLL_SECONDS)
        items = ray.get(board.since.remote(seen))
        seen += len(items)
        for item in items:
            progress.feed(item)
        if len(ready) == len(refs):
            break
    return [_outcome(ray, ref, k) for k, ref in enumerate(refs, 1)]


def _outcome(ray: Any, ref: Any, shard: int) -> ShardOutcome:
    """A shard's outcome; our own error raised as it was on the node; a task that died on every retry, one line."""
    try:
        out: ShardOutcome = ray.get(ref)
        return out
    except ray.exceptions.RayTaskError as e:
        if isinstance(e.cause, HarnessError):
            raise e.cause from None
        raise ClusterError(f"shard {shard}: {type(e.cause).__name__}: {e.cause}") from None
    except ray.exceptions.RayError as e:
        raise ClusterError(f"shard {shard} did not finish ({type(e).__name__}); what it pushed is in the lake: "
                           "run the same command with --run-id to finish it") from None  # fmt: skip


def _result(plan: Plan, outcomes: list[ShardOutcome], lake: lake_mod.Lake, attempts: int, scratch: Path) -> RunResult:
    tally = Tally()
    for o in outcomes:
        for f in fields(Tally):
            setattr(tally, f.name, getattr(tally, f.name) + getattr(o.tally, f.name))
    status = max((o.status for o in outcomes), key=lambda s: SEVERITY.get(s, 3))
    rows = sum(o.rows for o in outcomes)
    retried = attempts - len(outcomes)
    note = f"{len(outcomes)} shards pushed to {lake.label} ({rows} rows)" + (
        f"; {retried} task(s) re-run by Ray resumed from the lake" if retried > 0 else "")  # fmt: skip
    for o in outcomes:  # how the nodes ran each deployment: simulated on any node is simulated
        for dep, mode in o.modes.items():
            if plan.modes.get(dep) in (None, "skipped") or mode == "sim":
                plan.modes[dep] = mode
    events = [e for o in outcomes for e in o.events]
    served = [s for o in outcomes for s in o.served]
    resumed = sum(o.resumed for o in outcomes)
    return RunResult(plan.run_id, plan, tally, status, scratch, True, note, events, resumed, served)
