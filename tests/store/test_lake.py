"""The shared results lake (issue 20): runs pushed from a results directory into DuckLake (a file catalog, and a
real PostgreSQL catalog), read back by `harness sql`, `report`, `runs list` and `harness.open` with the same figures
as the local database; a push repeated or killed half way ends with each run stored once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

import harness
from harness.cli import app
from harness.errors import StoreError
from harness.store import db, lake
from tests.pg import Postgres, cluster_or_skip

TABLES = ("runs", "cells", "attempts", "grades", "routes")


def invoke(*args: str) -> str:
    r = CliRunner().invoke(app, list(args))
    assert r.exit_code == 0, r.output
    return r.output


def run(project: Path, results: Path, *extra: str) -> str:
    invoke("run", str(project), "--mode", "sim", "--no-report", "--results-dir", str(results), *extra)
    return sorted((results / "runs").glob("*.jsonl"))[-1].stem


def rows(source: Path | lake.Lake, table: str) -> list[tuple[object, ...]]:
    """A table's rows, sorted; timestamps as text (the lake keeps them as they were loaded)."""
    con = (
        lake.connect(source, read_only=True)
        if isinstance(source, lake.Lake)
        else db.connect(db.db_path(source), read_only=True)
    )
    columns = "* EXCLUDE (shard)" if isinstance(source, lake.Lake) and table != "runs" else "*"
    try:
        return sorted(tuple(map(str, r)) for r in con.execute(f"SELECT {columns} FROM {table}").fetchall())
    finally:
        con.close()


@pytest.fixture
def file_lake(tmp_path: Path) -> lake.Lake:
    spec = lake.parse(f"ducklake:{tmp_path / 'team.ducklake'}")
    assert spec is not None
    return spec


@pytest.fixture(scope="module")
def postgres() -> Iterator[Postgres]:
    yield from cluster_or_skip()


def test_a_pushed_run_reads_back_as_it_is_locally(project: Path, tmp_path: Path, file_lake: lake.Lake) -> None:
    results = tmp_path / "results"
    run_id = run(project, results)
    pushed = lake.push(results, file_lake, [run_id])
    assert pushed.runs == [run_id] and pushed.rows > 0
    for table in TABLES:
        assert rows(file_lake, table) == rows(results, table), table
    lake.push(results, file_lake, [run_id])  # again: stored once
    for table in TABLES:
        assert rows(file_lake, table) == rows(results, table), table


def test_reads_from_the_lake_equal_reads_from_the_local_database(
    project: Path, tmp_path: Path, file_lake: lake.Lake
) -> None:
    results = tmp_path / "results"
    first = run(project, results)
    second = run(project, results, "--sim-seed", "7")
    invoke("push", "--all", "--store", file_lake.catalog, "--results-dir", str(results))
    store = ["--store", file_lake.catalog]
    report = ["report", "--run", second, "--baseline", first, "--format", "json", "--out"]
    invoke(*report, str(tmp_path / "local.json"), "--results-dir", str(results))
    invoke(*report, str(tmp_path / "lake.json"), *store)
    local, shared = (json.loads((tmp_path / f"{n}.json").read_text()) for n in ("local", "lake"))
    for part in ("overview", "ladders", "drift", "variants", "flaky"):
        assert shared[part] == local[part], part
    query = "SELECT deployment, round(avg(score), 6) FROM results GROUP BY 1 ORDER BY 1"
    assert invoke("sql", query, "--json", *store) == invoke("sql", query, "--json", "--results-dir", str(results))
    listed = invoke("runs", "list", *store)
    assert first in listed and second in listed
    notebook = harness.open(file_lake.catalog).compare(first, second)
    assert len(notebook) == len(harness.open(results).compare(first, second)) > 0


def test_a_lake_read_cannot_write(project: Path, tmp_path: Path, file_lake: lake.Lake) -> None:
    results = tmp_path / "results"
    lake.push(results, file_lake, [run(project, results)])
    before = rows(file_lake, "cells")
    refused = ("DELETE FROM cells", f"COPY cells TO '{tmp_path / 'leak.csv'}'", "SELECT * FROM read_csv('/etc/passwd')")
    for query in refused:
        r = CliRunner().invoke(app, ["sql", query, "--store", file_lake.catalog])
        assert r.exit_code == 2 and r.output.startswith("error:"), r.output
    assert rows(file_lake, "cells") == before and not (tmp_path / "leak.csv").exists()


def test_a_push_killed_half_way_then_repeated_ends_complete(
    project: Path, tmp_path: Path, file_lake: lake.Lake
) -> None:
    results = tmp_path / "results"
    run_id = run(project, results)
    code = ("import sys, pathlib; from harness.store import lake; "
            "lake.push(pathlib.Path(sys.argv[1]), lake.parse(sys.argv[2]), [sys.argv[3]])")  # fmt: skip
    killed = subprocess.run([sys.executable, "-c", code, str(results), file_lake.catalog, run_id],
                            env={**os.environ, "HARNESS_CRASH_AT": "push-inserting"}, capture_output=True)  # fmt: skip
    assert killed.returncode == 137, killed.stderr
    assert rows(file_lake, "cells") == []  # nothing of the killed transaction
    lake.push(results, file_lake, [run_id])
    for table in TABLES:
        assert rows(file_lake, table) == rows(results, table), table


def test_a_run_pushes_at_its_end_and_a_failed_push_loses_nothing(project: Path, tmp_path: Path) -> None:
    results = tmp_path / "results"
    store = f"ducklake:{tmp_path / 'team.ducklake'}"
    out = invoke("run", str(project), "--mode", "sim", "--no-report", "--results-dir", str(results), "--store", store)
    run_id = sorted((results / "runs").glob("*.jsonl"))[-1].stem
    assert f"pushed run {run_id}" in out
    down = "ducklake:postgres:host=127.0.0.1 port=1 user=nobody dbname=none"
    r = CliRunner().invoke(app, ["run", str(project), "--mode", "sim", "--no-report", "--results-dir",
                                 str(results), "--store", down])  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "push failed" in r.output and "harness push" in r.output
    assert len(list((results / "runs").glob("*.jsonl"))) == 2  # the run itself is complete, locally


def test_a_missing_extension_names_its_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(lake.EXTENSIONS, "ducklake", "duckdb-extension-not-installed")
    with pytest.raises(StoreError, match="pip install duckdb-extension-not-installed=="):
        lake.extension_path("ducklake")


def test_postgres_catalog_many_machines_pushing_at_once_lose_nothing(
    project: Path, tmp_path: Path, postgres: Postgres
) -> None:
    """Separate processes (machines) push their own runs into one lake at the same time."""
    spec = lake.parse(postgres.database("machines").store, str(tmp_path / "lake-data") + "/")
    assert spec is not None
    machines = []
    for i in range(8):  # `make bench BENCH="--only lake-machines"`: the same with 5,001-cell runs
        results = tmp_path / f"machine-{i}"
        machines.append((results, run(project, results, "--sim-seed", str(i))))
    code = ("import sys, pathlib; from harness.store import lake; "
            "lake.push(pathlib.Path(sys.argv[1]), lake.parse(sys.argv[2], sys.argv[3]))")  # fmt: skip
    procs = [subprocess.Popen([sys.executable, "-c", code, str(r), spec.catalog, spec.data or ""],
                              stderr=subprocess.PIPE) for r, _ in machines]  # fmt: skip
    for p in procs:
        _, err = p.communicate(timeout=180)
        assert p.returncode == 0, err.decode()
    cells = rows(spec, "cells")
    expected = sorted(r for results, _ in machines for r in rows(results, "cells"))
    assert cells == expected and len({c[0] for c in cells}) == len(cells)
    assert {r[0] for r in rows(spec, "runs")} == {run_id for _, run_id in machines}


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """moto's S3 server on a free loopback port, a bucket, and AWS's variables pointing at it."""
    import boto3
    from moto.server import ThreadedMotoServer

    from tests.pg import free_port

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    env = {"AWS_ACCESS_KEY_ID": "test-key", "AWS_SECRET_ACCESS_KEY": "test-secret", "AWS_REGION": "us-east-1",
           "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}"}  # fmt: skip
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    boto3.client("s3", endpoint_url=env["AWS_ENDPOINT_URL"]).create_bucket(Bucket="evals")
    try:
        yield "s3://evals/lake/"
    finally:
        server.stop()


def test_data_in_s3_compatible_storage(project: Path, tmp_path: Path, s3: str, postgres: Postgres) -> None:
    """A PostgreSQL catalog with its Parquet in object storage (moto's S3 server on loopback)."""
    import boto3

    catalog = postgres.database("s3lake")
    spec = lake.parse(catalog.store, s3)
    assert spec is not None
    results = tmp_path / "results"
    run_id = run(project, results)
    lake.push(results, spec, [run_id])
    for table in TABLES:
        assert rows(spec, table) == rows(results, table), table
    objects = boto3.client("s3").list_objects_v2(Bucket="evals", Prefix="lake/").get("Contents", [])
    assert any(o["Key"].endswith(".parquet") for o in objects)
    reader = lake.parse(catalog.store)  # no --store-data: the catalog knows where its data is
    assert reader is not None and rows(reader, "cells") == rows(results, "cells")


def test_the_lakes_credentials_never_reach_an_artifact(
    project: Path, tmp_path: Path, s3: str, postgres: Postgres, monkeypatch: pytest.MonkeyPatch, debug_log: Path
) -> None:
    """PGPASSWORD and AWS_SECRET_ACCESS_KEY planted as canaries: after a push that works and one that fails (a
    bucket that does not exist), neither is in the output, the debug log, the results, the reports or the lake."""
    import boto3

    canaries = {"PGPASSWORD": "CANARYpg7f3Qz9Lm4Np2Rt8Vb5Kc1", "AWS_SECRET_ACCESS_KEY": "CANARYaws8Kd3Lq9Zm2Xv7Rt4Np6B"}
    for env, value in canaries.items():
        monkeypatch.setenv(env, value)
    catalog = postgres.database("secrets")
    results, reports = tmp_path / "results", tmp_path / "reports"
    outputs = []
    for store, data in ((catalog, s3), (postgres.database("nobucket"), "s3://no-such-bucket/lake/")):
        args = ["--results-dir", str(results), "--report-dir", str(reports), "--store", store.store]
        r = CliRunner().invoke(app, ["run", str(project), "--mode", "sim", *args, "--store-data", data])
        assert r.exit_code == 0, r.output
        outputs.append(r.output)
    assert "pushed run" in outputs[0] and "push failed" in outputs[1]
    spec = lake.parse(catalog.store, s3)
    assert spec is not None
    con = lake.connect(spec, read_only=True)
    try:
        lake_text = json.dumps([con.execute(f"SELECT * FROM {t}").fetchall() for t in ("runs", "cells", "grades")],
                               default=str)  # fmt: skip
    finally:
        con.close()
    objects = boto3.client("s3").list_objects_v2(Bucket="evals").get("Contents", [])
    blobs = [boto3.client("s3").get_object(Bucket="evals", Key=o["Key"])["Body"].read() for o in objects]
    files = [p.read_bytes() for d in (results, reports) for p in d.rglob("*") if p.is_file()]
    haystacks = [o.encode() for o in outputs] + [debug_log.read_bytes(), lake_text.encode(), *blobs, *files]
    for env, secret in canaries.items():
        pieces = {secret[i : i + 8].encode() for i in range(len(secret) - 7)}
        assert not any(p in h for h in haystacks for p in pieces), env


def test_an_empty_lake_says_so_by_its_name(tmp_path: Path, file_lake: lake.Lake) -> None:
    from harness.errors import InputError

    results = tmp_path / "results"
    (results / "runs").mkdir(parents=True)
    db.load(results)
    lake.push(results, file_lake, [])  # creates the lake's tables and views, no run
    with pytest.raises(InputError, match=r"no runs in ducklake:"):
        harness.open(file_lake.catalog).latest()


def test_a_view_a_migration_redefined_is_replaced_in_the_lake(project: Path, tmp_path: Path,
                                                               file_lake: lake.Lake) -> None:  # fmt: skip
    """A lake made before migration 13 holds the `results` view without the streaming columns: the next push replaces
    it with the local definition, so reports and notebooks read ttft_ms from the lake too."""
    results = tmp_path / "results"
    run_id = run(project, results)
    lake.push(results, file_lake, [run_id])
    con = lake.connect(file_lake)
    try:
        con.execute("CREATE OR REPLACE VIEW results AS SELECT run_id, task, deployment FROM cells")
    finally:
        con.close()
    lake.push(results, file_lake, [run_id])
    cells = harness.open(file_lake.catalog).cells(run=run_id)
    assert {"ttft_ms", "tokens_per_s", "chunks"} <= set(cells.columns) and cells["ttft_ms"].notna().any()
