"""What runs on a Ray node: one shard of a run (`harness run --executor ray`), and the run's board actor.

A task gets a `ShardSpec` (where the suite is, the run id, shard k of n, the selection and options, the lake's URL:
never a key), builds its providers from its own node's environment, and runs the async runner on its shard in a
results directory of its own on that node: a fresh one per attempt. Before it starts it pulls what the lake holds
of its shard (`store.lake_pull`): a task that Ray retries after its worker died resumes from the dead one's last
push, so no cell runs twice and none is lost. While it runs it pushes its shard every `push_every` seconds (a push
replaces the shard: the lake always holds one consistent copy), and once more at the end.

The board (`RunBoard`, one actor per run, no CPU) carries what the driver and the other shards need to hear: each
finished cell's status and cost for the driver's progress bar, and every lane cut, which the other shards' lanes
for that deployment follow (`lanes.LanePeers`).
"""

from __future__ import annotations

import json
import os
import secrets
import threading
import time
from collections import deque
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from harness.errors import StoreError
from harness.run.lanes import Cut
from harness.run.launch import RunResult, resume_run, start_run
from harness.run.loop import try_load
from harness.run.modes import DeploymentMode
from harness.run.plan import Selection
from harness.run.records import CellFinished, RunOptions, Tally
from harness.run.resume import journal_path
from harness.store import db, lake
from harness.store.lake_pull import pull_shard

#: Attempts at the final push of a shard (the lake may be busy with other shards' pushes).
FINAL_PUSH_ATTEMPTS = 5


@dataclass(frozen=True)
class ShardSpec:
    """Everything a task needs, and nothing secret: keys come from the node's environment."""

    suite: str
    """The suite's absolute path; the project must be at the same path on every node."""
    run_id: str
    shard: tuple[int, int]
    selection: Selection
    options: RunOptions
    sim_seed: int
    lake: lake.Lake
    scratch: str
    """Node-local: each attempt journals under `<scratch>/<run_id>/shard-<k>/<attempt>/`."""
    push_every: float = 10.0


@dataclass
class ShardOutcome:
    shard: int
    attempt: str
    status: str
    tally: Tally
    events: list[CellFinished]
    served: list[dict[str, Any]]
    resumed: int
    """Cells the lake already held when this attempt started (a dead attempt's)."""
    rows: int
    modes: dict[str, DeploymentMode] = field(default_factory=dict)
    """How this node ran each deployment (live where its environment has the keys)."""
    notes: list[str] = field(default_factory=list)


class RunBoard:
    """The run's actor: progress items for the driver, lane cuts for the shards (wrapped by `ray.remote`)."""

    def __init__(self) -> None:
        self.items: list[tuple[Any, ...]] = []
        self.cuts: list[tuple[int, str, dict[str, Any]]] = []

    def put(self, items: list[tuple[Any, ...]]) -> None:
        self.items.extend(items)

    def since(self, n: int) -> list[tuple[Any, ...]]:
        return self.items[n:]

    def cut(self, shard: int, deployment: str, cut: dict[str, Any]) -> None:
        self.cuts.append((shard, deployment, cut))

    def cuts_since(self, n: int) -> list[tuple[int, str, dict[str, Any]]]:
        return self.cuts[n:]


class _Relay:
    """A thread that sends finished cells to the board in batches (one actor call per `every` seconds, not one per
    cell) and fetches the other shards' lane cuts: the `LanePeers` of this task's runner."""

    def __init__(self, board: Any, shard: int, attempt: str, every: float = 0.25) -> None:
        self.board, self.shard, self.attempt, self.every = board, shard, attempt, every
        self._out: deque[tuple[Any, ...]] = deque()
        self._theirs: dict[str, deque[Cut]] = {}
        self._seen = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="harness-ray-relay", daemon=True)

    def start(self, resumed: int) -> None:
        self._out.append(("start", self.shard, self.attempt, resumed, os.getpid()))
        self._thread.start()

    def sink(self, e: CellFinished) -> None:
        self._out.append(("cell", self.shard, self.attempt, e.status, e.cost_usd))

    def publish(self, deployment: str, cut: Cut) -> None:
        self.board.cut.remote(self.shard, deployment, asdict(cut))

    def pending(self, deployment: str) -> list[Cut]:
        queue = self._theirs.get(deployment)
        out = []
        while queue:
            out.append(queue.popleft())
        return out

    def _send(self, wait: bool = False) -> None:
        batch = [self._out.popleft() for _ in range(len(self._out))]
        if batch:
            ref = self.board.put.remote(batch)
            if wait:  # the last batch is on the board before the task returns
                import ray

                ray.get(ref)

    def _loop(self) -> None:
        import ray

        while not self._stop.wait(self.every):
            self._send()
            for shard, deployment, cut in ray.get(self.board.cuts_since.remote(self._seen)):
                self._seen += 1
                if shard != self.shard:
                    self._theirs.setdefault(deployment, deque()).append(Cut(**cut))

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        self._send(wait=True)


class _Pusher:
    """A thread that loads the attempt's journal and pushes its shard to the lake every `every` seconds, so a task
    that dies loses at most that much work. A push that fails is tried again at the next tick."""

    def __init__(self, results: Path, spec: ShardSpec) -> None:
        self.results, self.spec = results, spec
        self.failures = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="harness-ray-push", daemon=True)

    def _loop(self) -> None:
        journal, pushed = journal_path(self.results, self.spec.run_id), -1
        while not self._stop.wait(self.spec.push_every):
            size = journal.stat().st_size if journal.exists() else 0
            if size == pushed:  # nothing new: a push rewrites the whole shard, not worth it
                continue
            try:
                push_shard(self.results, self.spec, wait=1.0)
                pushed = size
            except Exception:  # noqa: BLE001 (the next tick, or the final push, tries again)
                self.failures += 1

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def push_shard(results: Path, spec: ShardSpec, wait: float) -> int:
    """Load the attempt's journal and replace the shard in the lake with it; the rows pushed."""
    loaded, note = try_load(results, wait=wait, run_id=spec.run_id)
    if not loaded:
        raise StoreError(f"shard {spec.shard[0]}: {note}")
    with db.ingest_lock(results, wait=wait):  # the run's in-run loads write the database: not while it is read
        return lake.push(results, spec.lake, [spec.run_id]).rows


def run_shard(spec: ShardSpec, board: Any) -> ShardOutcome:
    """One attempt at one shard (the body of the Ray task): pull, run or resume, push."""
    k, n = spec.shard
    attempt = secrets.token_hex(4)
    results = Path(spec.scratch) / spec.run_id / f"shard-{k}" / attempt
    (results / "runs").mkdir(parents=True)
    (results / "task.json").write_text(json.dumps({"pid": os.getpid(), "attempt": attempt, "shard": k}))
    journal = journal_path(results, spec.run_id)
    resumed = pull_shard(spec.lake, spec.run_id, k, journal)
    relay = _Relay(board, k, attempt)
    options = replace(spec.options, rate_share=1.0 / n, peers=relay)
    relay.start(resumed)
    pusher = _Pusher(results, spec)
    pusher.start()
    try:
        if journal.exists():
            result: RunResult = resume_run(Path(spec.suite), spec.run_id, results_dir=results, options=options,
                                           sink=relay.sink)  # fmt: skip
        else:
            result = start_run(Path(spec.suite), spec.selection, results_dir=results, options=options,
                               sim_seed=spec.sim_seed, sink=relay.sink, run_id=spec.run_id)  # fmt: skip
    finally:
        pusher.stop()
        relay.stop()
    rows = _final_push(results, spec)
    notes = [f"shard {k}/{n}: {pusher.failures} periodic push(es) failed"] if pusher.failures else []
    return ShardOutcome(k, attempt, result.status, result.tally, result.events, result.served, resumed, rows,
                        dict(result.plan.modes), notes)  # fmt: skip


def _final_push(results: Path, spec: ShardSpec) -> int:
    """The shard's last push; an error after the last attempt fails the task (its journal stays on the node)."""
    for attempt in range(FINAL_PUSH_ATTEMPTS):
        try:
            return push_shard(results, spec, wait=30.0)
        except Exception:
            if attempt == FINAL_PUSH_ATTEMPTS - 1:
                raise
            time.sleep(2**attempt)
    return 0
