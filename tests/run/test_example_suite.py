"""The shipped example suite stays valid and runnable: every task plans, runs on the embedded default, and says
which of its numbers are simulated."""

from __future__ import annotations

from pathlib import Path

import duckdb
from typer.testing import CliRunner

from harness.cli import app
from harness.config.suite import load_suite
from harness.run.plan import Selection, build_plan

ROOT = Path(__file__).resolve().parents[2]
SUITE = ROOT / "evals" / "example.yaml"


def test_every_task_plans_with_at_least_two_candidates() -> None:
    project = load_suite(SUITE)
    plan = build_plan(project, Selection(), "check")
    for task in project.suite.tasks:
        deployments = {c.deployment for c in plan.cells if c.task == task}
        assert len(deployments) >= 2, task
        cases = {c.case.id for c in plan.cells if c.task == task}
        assert len(cases) >= 100 or project.suite.tasks[task].task_class == "long-document", task


def test_example_run_covers_every_task(tmp_path: Path) -> None:
    r = CliRunner().invoke(app, ["run", str(SUITE), "--results-dir", str(tmp_path), "--limit", "4"])
    assert r.exit_code == 0, r.output
    assert "SIMULATED" in r.output
    con = duckdb.connect(str(tmp_path / "harness.duckdb"), read_only=True)
    try:
        tasks = {t for (t,) in con.execute("SELECT DISTINCT task FROM results").fetchall()}
        sim = con.execute("SELECT bool_and(simulated) FROM results WHERE mode = 'sim'").fetchone()
        real = con.execute("SELECT bool_or(simulated) FROM results WHERE mode = 'local'").fetchone()
    finally:
        con.close()
    assert tasks == set(load_suite(SUITE).suite.tasks)
    assert sim == (True,) and real == (False,)
