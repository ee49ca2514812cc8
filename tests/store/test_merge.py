"""Shards (issue 20): N machines run the cases of their shard under one run id; merged, they are the unsharded run,
cell for cell, grade for grade; pushed, the lake holds that one run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from harness.cli import app
from harness.run.plan import in_shard
from tests.judged import add_judges


def invoke(*args: str, code: int = 0) -> str:
    r = CliRunner().invoke(app, list(args))
    assert r.exit_code == code, r.output
    return r.output


def outcome(journal: Path) -> dict[str, Any]:
    """Cells (by cell key: the run id is shared), their grades, pairwise verdicts and the run's totals."""
    recs = [json.loads(line) for line in journal.read_text().splitlines()]
    run = recs[0]
    return {
        "cells": {
            r["cell_key"]: (r["task"], r["case_id"], r["deployment"], r["output"], r["status"])
            for r in recs
            if r["type"] == "cell"
        },  # fmt: skip
        "grades": {(r["cell_key"], r["grader_id"]): (r["value"], r["passed"]) for r in recs if r["type"] == "grade"},
        "pairwise": {
            (r["task"], r["case_id"], r["a_deployment"]): r["winner"] for r in recs if r["type"] == "pairwise"
        },
        "routes": sorted((r["task"], r["case_id"]) for r in recs if r["type"] == "route"),
        "planned": run["planned_cells"],
        "status": [r["status"] for r in recs if r["type"] == "run_end"][-1],
    }


def test_four_shards_merged_are_the_unsharded_run(project: Path, tmp_path: Path) -> None:
    add_judges(project)
    sim = ["--mode", "sim", "--no-report"]
    invoke("run", str(project), *sim, "--run-id", "nightly-1", "--results-dir", str(tmp_path / "whole"))
    shards = [tmp_path / f"shard-{k}" for k in range(1, 5)]
    sizes = []
    for k, results in enumerate(shards, start=1):
        invoke("run", str(project), *sim, "--shard", f"{k}/4", "--run-id", "nightly-1", "--results-dir", str(results))
        sizes.append(len(outcome(results / "runs" / "nightly-1.jsonl")["cells"]))
    assert all(sizes) and sum(sizes) == len(outcome(tmp_path / "whole" / "runs" / "nightly-1.jsonl")["cells"])
    out = tmp_path / "merged"
    said = invoke("runs", "merge", "nightly-1", *map(str, shards), "--results-dir", str(out))
    assert f"{sum(sizes)} cells" in said
    assert outcome(out / "runs" / "nightly-1.jsonl") == outcome(tmp_path / "whole" / "runs" / "nightly-1.jsonl")
    store = f"ducklake:{tmp_path / 'team.ducklake'}"
    invoke("push", "nightly-1", "--store", store, "--results-dir", str(out))
    listed = invoke("runs", "list", "--store", store)
    assert "nightly-1" in listed and "complete" in listed and str(sum(sizes)) in listed


def test_shards_split_by_case_and_every_case_has_one() -> None:
    cases = [f"c{i}" for i in range(400)]
    owners = [[k for k in range(1, 5) if in_shard("t", c, (k, 4))] for c in cases]
    assert all(len(o) == 1 for o in owners)
    sizes = [sum(o == [k] for o in owners) for k in range(1, 5)]
    assert min(sizes) > 60  # a hash, not a partition by position: roughly even


def test_bad_shards_are_refused(project: Path, tmp_path: Path) -> None:
    res = str(tmp_path / "r")
    assert "--shard needs --run-id" in invoke("run", str(project), "--shard", "1/2", "--results-dir", res, code=2)
    assert "expected K/N" in invoke(
        "run", str(project), "--shard", "3/2", "--run-id", "x", "--results-dir", res, code=2
    )
    invoke("run", str(project), "--mode", "sim", "--no-report", "--shard", "1/2", "--run-id", "x", "--results-dir", res)
    assert "missing" in invoke("runs", "merge", "x", res, "--results-dir", str(tmp_path / "m"), code=2)
    assert "already has a journal" in invoke("run", str(project), "--run-id", "x", "--results-dir", res, code=2)


@pytest.mark.parametrize("bad", ["a/b", "nightly 1"])
def test_run_ids_given_by_hand_are_names(project: Path, tmp_path: Path, bad: str) -> None:
    r = CliRunner().invoke(app, ["run", str(project), "--run-id", bad, "--results-dir", str(tmp_path / "r")])
    assert r.exit_code == 2 and "--run-id" in r.output


def test_shards_pushed_straight_to_the_lake_make_one_run(project: Path, tmp_path: Path) -> None:
    """A CI matrix: each shard's machine pushes its own shard; the lake's `runs` says partial until all are in."""
    from harness.store import db, lake

    sim = ["--mode", "sim", "--no-report"]
    whole = tmp_path / "whole"
    invoke("run", str(project), *sim, "--run-id", "nightly-2", "--results-dir", str(whole))
    spec = lake.parse(f"ducklake:{tmp_path / 'team.ducklake'}")
    assert spec is not None
    for k in range(1, 4):
        results = tmp_path / f"shard-{k}"
        invoke("run", str(project), *sim, "--shard", f"{k}/3", "--run-id", "nightly-2", "--results-dir",
               str(results), "--store", spec.catalog)  # fmt: skip
        con = lake.connect(spec, read_only=True)
        try:
            status, planned = con.execute(
                "SELECT status, planned_cells FROM runs WHERE run_id = 'nightly-2'"
            ).fetchone()
        finally:
            con.close()
        assert status == ("complete" if k == 3 else "partial")
    local = db.query(whole, "SELECT cell_key, output, score, passed FROM results ORDER BY ALL")
    con = lake.connect(spec, read_only=True)
    try:
        shared = con.execute("SELECT cell_key, output, score, passed FROM results ORDER BY ALL").fetchall()
        (runs,) = con.execute("SELECT count(*) FROM runs").fetchone()
    finally:
        con.close()
    assert shared == local and runs == 1 and planned == len(local)
    again = tmp_path / "shard-1"  # a shard pushed again replaces only itself
    invoke("push", "nightly-2", "--store", spec.catalog, "--results-dir", str(again))
    con = lake.connect(spec, read_only=True)
    try:
        assert con.execute("SELECT cell_key, output, score, passed FROM results ORDER BY ALL").fetchall() == local
    finally:
        con.close()


def test_four_shards_of_the_example_suite_pushed_with_one_run_id_are_the_unsharded_run(tmp_path: Path) -> None:
    """The shipped suite (every task, the simulated fleet and the local scikit-learn model), 6 cases per task."""
    from harness.store import db, lake

    suite = str(Path(__file__).resolve().parents[2] / "evals" / "example.yaml")
    sim = ["--mode", "sim", "--no-report", "--limit", "6", "--run-id", "example-1"]
    whole = tmp_path / "whole"
    invoke("run", suite, *sim, "--results-dir", str(whole))
    spec = lake.parse(f"ducklake:{tmp_path / 'team.ducklake'}")
    assert spec is not None
    for k in range(1, 5):
        invoke("run", suite, *sim, "--shard", f"{k}/4", "--results-dir", str(tmp_path / f"s{k}"), "--store",
               spec.catalog)  # fmt: skip
    query = ("SELECT r.cell_key, r.output, r.score, r.passed, g.grader_id, g.value FROM results r "
             "LEFT JOIN grades g USING (cell_key) ORDER BY ALL")  # fmt: skip
    con = lake.connect(spec, read_only=True)
    try:
        shared = con.execute(query).fetchall()
        status, planned = con.execute("SELECT status, planned_cells FROM runs").fetchone()
    finally:
        con.close()
    local = db.query(whole, query)
    assert shared == local and len(local) > 100 and status == "complete"
    assert planned == db.query(whole, "SELECT planned_cells FROM runs")[0][0]
