"""`harness run --executor ray` (issue 21) on a real Ray cluster of two nodes on loopback: the example suite on Ray
equals the local run cell for cell; a worker killed mid-run is re-run by Ray and resumes from the lake (every cell
once); keys from the nodes' environment never reach Ray's logs, its task specs or its returned objects. One
module-scoped cluster (two one-CPU nodes), one PostgreSQL catalog; without Ray installed, one clear error."""

from __future__ import annotations

import json
import os
import pickle
import signal
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from harness.cli import app
from harness.run.lanes import Cut, Lane
from harness.run.plan import Selection
from harness.run.ray_driver import ClusterOptions, run_on_ray
from harness.run.ray_task import ShardSpec
from harness.run.records import RunOptions
from harness.store import db, lake
from tests.conftest import REPO, make_project
from tests.fakeprov import KEY_ENVS, LANES, live_project, route_by_keyword, serve
from tests.pg import Postgres, cluster_or_skip

#: Set in the nodes' environment when they start: what a node's providers read, and what must never leave it.
CANARIES = {lane: f"hx-ray-canary-{lane}-7Qw3Zr9Lk2Vb" for lane in LANES}


@pytest.fixture(scope="module")
def postgres() -> Iterator[Postgres]:
    yield from cluster_or_skip()


@pytest.fixture(scope="module")
def ray_cluster() -> Iterator[Any]:
    """Two nodes of one CPU each on 127.0.0.1, no dashboard, no usage stats; the canary keys in their environment."""
    env = {"RAY_USAGE_STATS_ENABLED": "0", "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0",  # loopback addresses only
           **{KEY_ENVS[lane]: key for lane, key in CANARIES.items()}}  # fmt: skip
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    ray = pytest.importorskip("ray")
    from ray._private import ray_constants
    from ray.cluster_utils import Cluster

    ray_constants.ENABLE_RAY_CLUSTER = False  # read when Ray was imported: the driver's own address, loopback too
    node = {"num_cpus": 1, "object_store_memory": 80 * 2**20, "node_ip_address": "127.0.0.1"}
    nodes = Cluster(initialize_head=True, head_node_args={**node, "include_dashboard": False})
    try:
        nodes.add_node(**node)
        ray.init(address="127.0.0.1:" + nodes.address.rsplit(":", 1)[1], logging_level="ERROR", log_to_driver=False)
        for k in KEY_ENVS.values():  # the driver runs without keys: only the nodes have them
            os.environ.pop(k, None)
        yield nodes
    finally:
        ray.shutdown()
        nodes.shutdown()
        for k, v in saved.items():
            os.environ.pop(k, None) if v is None else os.environ.__setitem__(k, v)


def _lake(pg: Postgres, name: str, data: Path) -> lake.Lake:
    spec = lake.parse(pg.database(name).store, f"{data}/")
    assert spec is not None
    return spec


def _rows(source: Path | lake.Lake, sql: str) -> list[tuple[Any, ...]]:
    con = lake.open_read(source) if isinstance(source, lake.Lake) else db.connect(db.db_path(source), read_only=True)
    try:
        return sorted(tuple(map(str, r)) for r in con.execute(sql).fetchall())
    finally:
        con.close()


CELLS = ("SELECT cell_key, status, error_class, output, simulated, input_tokens, output_tokens, cost_usd FROM cells "
         "WHERE run_id = '{}'")  # fmt: skip
GRADES = (
    "SELECT cell_key, grader_id, value, passed, regexp_replace(reason, '[0-9.]+ s', '') FROM grades "
    "WHERE run_id = '{}'"
)  # code_exec's reason says how long the tests took


def test_the_example_suite_on_ray_equals_the_local_run(ray_cluster: Any, postgres: Postgres, tmp_path: Path) -> None:
    suite, results = REPO / "evals" / "example.yaml", tmp_path / "local"
    args = ["run", str(suite), "--mode", "sim", "--limit", "3", "--run-id", "ex-1"]
    r = CliRunner().invoke(app, [*args, "--no-report", "--results-dir", str(results)])
    assert r.exit_code == 0, r.output
    store = _lake(postgres, "example", tmp_path / "lake")
    r = CliRunner().invoke(app, [*args, "--executor", "ray", "--shards", "2", "--store", store.catalog, "--store-data",
                                 str(store.data), "--results-dir", str(tmp_path / "driver"),
                                 "--report-dir", str(tmp_path / "reports")])  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "2 shards pushed to" in r.output and (tmp_path / "reports" / "ex-1.html").exists()
    local_cells = _rows(results, CELLS.format("ex-1"))
    assert len(local_cells) > 50
    assert _rows(store, CELLS.format("ex-1")) == local_cells
    assert _rows(store, GRADES.format("ex-1")) == _rows(results, GRADES.format("ex-1"))
    (status,) = _rows(store, "SELECT status FROM runs WHERE run_id = 'ex-1'")
    assert status == ("complete",)


def _kill_a_worker_once_its_shard_is_in_the_lake(store: lake.Lake, scratch: Path, run_id: str) -> list[int]:
    """Wait until a shard has cells in the lake while its task still runs (its last push is not in: the shard's run
    row says `running`), then SIGKILL that task's worker."""
    deadline = time.monotonic() + 180  # a loaded CI machine starts workers slowly
    while time.monotonic() < deadline:
        time.sleep(0.3)
        try:
            pushed = dict(_rows(store, "SELECT c.shard, count(*) FROM cells c JOIN run_shards r USING (run_id, shard) "
                                       f"WHERE run_id = '{run_id}' AND r.status = 'running' GROUP BY 1"))  # fmt: skip
        except Exception:  # noqa: BLE001 (the lake's tables are made by the first push)
            continue
        for task in scratch.glob(f"{run_id}/shard-*/*/task.json"):
            shard = task.parent.parent.name.removeprefix("shard-")
            if int(pushed.get(shard, 0)) > 0:
                pid = int(json.loads(task.read_text())["pid"])
                os.kill(pid, signal.SIGKILL)
                return [pid]
    return []


def _slow_down_beta(models: Path) -> None:
    """beta's simulated calls take ~5 s each (~1 s of sleep at sim_time_scale 0.2), so each shard stays running for
    several seconds of sleep after its first push, however loaded the machine: the watcher always finds a shard
    mid-run."""
    text = models.read_text()
    old = "sim: {accuracy: {classification: 0.6, extraction: 0.5}}"
    assert old in text
    models.write_text(text.replace(old, old[:-1] + ", latency_ms_p50: 5000, latency_ms_p95: 6000}"))


def test_a_worker_killed_mid_run_is_resumed_from_the_lake(ray_cluster: Any, postgres: Postgres, tmp_path: Path) -> None:
    (tmp_path / "p").mkdir()
    suite, store, scratch = make_project(tmp_path / "p"), _lake(postgres, "killed", tmp_path / "l"), tmp_path / "s"
    _slow_down_beta(suite.parent / "models.yaml")
    killed: list[int] = []
    watcher = threading.Thread(target=lambda: killed.extend(
        _kill_a_worker_once_its_shard_is_in_the_lake(store, scratch, "k-1")), daemon=True)  # fmt: skip
    watcher.start()
    options = RunOptions(sim_time_scale=0.2, per_deployment=2, concurrency=4)
    ticks: list[str] = []
    result = run_on_ray(suite, Selection(mode="sim", repeats=2), lake=store, options=options, run_id="k-1",
                        cluster=ClusterOptions(shards=2, push_every=0.5, scratch=scratch),
                        tick=lambda status, cost: ticks.append(status))  # fmt: skip
    watcher.join()
    assert killed, "no worker was killed: the run ended before a shard reached the lake"
    attempts = {p.parent.parent.name: len(list(p.parent.parent.glob("*/task.json")))
                for p in scratch.glob("k-1/shard-*/*/task.json")}  # fmt: skip
    assert sorted(attempts.values()) == [1, 2], attempts  # Ray re-ran the killed shard once
    assert "re-run by Ray resumed from the lake" in result.load_note
    keys = [k for (k,) in _rows(store, "SELECT cell_key FROM cells WHERE run_id = 'k-1'")]
    assert len(keys) == len(set(keys)) == len(result.plan.cells)  # every cell once, none lost
    assert len(ticks) == len(result.plan.cells)  # the progress bar counted the re-run cells once
    grades = _rows(store, "SELECT cell_key, grader_id, count(*) FROM grades WHERE run_id = 'k-1' GROUP BY ALL")
    assert {n for *_, n in grades} == {"1"} and len(grades) == len(keys)


def test_keys_from_the_nodes_never_reach_rays_logs_or_objects(
    ray_cluster: Any, postgres: Postgres, tmp_path: Path
) -> None:
    store = _lake(postgres, "canary", tmp_path / "lake")
    with serve(route_by_keyword) as server:
        suite = live_project(tmp_path / "live", server, cases=4)
        spec_seen: list[bytes] = []
        result = run_on_ray(suite, Selection(mode="live"), lake=store, run_id="c-1", results_dir=tmp_path / "r",
                            options=RunOptions(timeout_s=5.0), cluster=ClusterOptions(shards=2))  # fmt: skip
    # not vacuous: each node read its keys from its own environment and sent them
    assert {h.credential for lane in LANES for h in server.lane(lane)} == set(CANARIES.values())
    assert result.tally.ok == len(result.plan.cells)
    spec = ShardSpec(str(suite), "c-1", (1, 2), Selection(mode="live"), RunOptions(), 0, store, str(tmp_path))
    spec_seen.append(pickle.dumps(spec))
    spec_seen.append(pickle.dumps(result.events))
    session = Path(ray_cluster.head_node.get_session_dir_path())
    logs = [p for p in session.rglob("*") if p.is_file() and p.stat().st_size < 50 * 2**20]
    assert len(logs) > 5
    blobs = [p.read_bytes() for p in logs] + spec_seen
    blobs += [p.read_bytes() for p in (tmp_path / "r").rglob("*") if p.is_file()]
    leaked = [key for key in CANARIES.values() if any(key.encode() in b for b in blobs)]
    assert leaked == []


def test_without_ray_the_executor_is_one_error_naming_the_extra(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` raises ImportError
    r = CliRunner().invoke(app, ["run", str(project), "--executor", "ray", "--mode", "sim", "--results-dir",
                                 str(tmp_path / "results")])  # fmt: skip
    assert r.exit_code == 2 and "harness[ray]" in r.output and "Traceback" not in r.output, r.output
    assert not (tmp_path / "results").exists()
    r = CliRunner().invoke(app, ["run", str(project), "--shards", "4", "--mode", "sim", "--no-report"])
    assert r.exit_code == 2 and "--executor ray" in r.output, r.output


def test_a_lane_follows_another_nodes_cut_by_the_same_factor() -> None:
    now = [0.0]
    lane = Lane("d", 8, rpm=600, clock=lambda: now[0])
    theirs = Cut(1.0, "quota", 8, 5.0, 10.0, 20, 3, 1, 1.0, "requests")
    mine = lane.follow(theirs)
    assert mine.cause == "peer" and lane.rate == pytest.approx(5.0) and mine.before == pytest.approx(10.0)
    assert lane.record_of(mine)["cause"] == "peer"


def test_a_shard_gets_its_share_of_the_declared_budget_and_publishes_its_cuts() -> None:
    published: list[tuple[str, Cut]] = []

    class Peers:
        def publish(self, deployment: str, cut: Cut) -> None:
            published.append((deployment, cut))

        def pending(self, deployment: str) -> list[Cut]:
            return []

    now = [0.0]
    lane = Lane("d", 8, rpm=600, tpm=60_000, rate_share=0.5, peers=Peers(), clock=lambda: now[0])
    assert lane.rate == pytest.approx(5.0) and (lane.rpm, lane.tpm) == (300, 30_000)  # 1 of 2 shards
    from harness.errors import FailureClass
    from harness.types import RateSignal

    now[0] = 0.1
    cut = lane.record(FailureClass.rate_limited, 1.0, RateSignal(spent=True, limit="requests"))
    assert cut is not None and published == [("d", cut)]
