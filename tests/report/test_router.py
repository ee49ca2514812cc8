"""The report's router section, `harness routing router` and `db.router()` on a small simulated suite."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

import harness
from harness.cli import app
from harness.config.routing import Policy, load_routing
from harness.config.scenarios import Fault
from harness.report.data import build
from harness.report.render import render
from harness.report.router import inject

ROUTER = """
router:
  cooldown: {failure_share: 0.5, seconds: 60, min_requests: 3}
  requests_per_s: 1.0
  semantic: {holdout: 0.5}
"""
SCENARIO = """
scenarios:
  alpha-down:
    description: alpha answers 529 on every call.
    faults:
      - {deployment: alpha, rate: 1.0, failure: overloaded}
"""


def routed_project(project: Path) -> None:
    routing = project.parent / "routing.yaml"
    text = routing.read_text().replace("tasks:", ROUTER.strip() + "\ntasks:", 1)
    text += "    balance:\n      - {deployments: [alpha, beta], weights: [3, 1]}\n"
    routing.write_text(text)
    project.write_text(project.read_text() + SCENARIO)


def test_inject_draws_each_call_and_retries_what_the_policy_retries() -> None:
    cell = {"cell_key": "k", "deployment": "a", "status": "ok", "error_class": None, "latency_ms": 100.0,
            "cost_usd": 0.01, "output": "x", "attempts": 1}  # fmt: skip
    down = inject(cell, [Fault(deployment="a", rate=1.0, failure="overloaded")], Policy(), 0, "s")
    assert (down["error_class"], down["attempts"], down["cost_usd"]) == ("overloaded", 3, 0.0)
    empty = inject(cell, [Fault(deployment="a", rate=1.0, failure="empty_output")], Policy(), 0, "s")
    assert empty["output"] == "" and empty["cost_usd"] == 0.01 and empty["attempts"] == 1
    slow = inject(cell, [Fault(deployment="a", rate=1.0, latency_ms=500.0)], Policy(), 0, "s")
    assert slow["latency_ms"] == 600.0 and slow["status"] == "ok"
    assert inject(cell, [Fault(deployment="a", rate=0.0, failure="overloaded")], Policy(), 0, "s") is cell


def test_router_section_cli_and_notebook(project: Path, tmp_path: Path) -> None:
    routed_project(project)
    results = tmp_path / "results"
    r = CliRunner().invoke(app, ["run", str(project), "--results-dir", str(results), "--no-report", "--routed"])
    assert r.exit_code == 0, r.output
    con = duckdb.connect(str(results / "harness.duckdb"), read_only=True)
    paths = [json.loads(p) for (p,) in con.execute("SELECT path FROM served WHERE task = 'invoices'").fetchall()]
    con.close()
    assert {p[0]["deployment"] for p in paths} == {"alpha", "beta"}  # the balance group picks either first

    report = build(results)
    view = report["router"]
    down = next(c for c in view["cooldowns"] if c["scenario"] == "alpha-down")
    assert down["cooled"].get("alpha", 0) >= 1 and down["with"]["skipped"] > 0
    assert down["with"]["p50_ms"] <= down["without"]["p50_ms"]  # skipping a down deployment saves its calls
    measured = view["cooldowns"][0]
    assert measured["scenario"] == "as measured" and measured["without"]["skipped"] == 0
    con = duckdb.connect(str(results / "harness.duckdb"), read_only=True)
    stored = con.execute("SELECT count(*), avg(coalesce(score, 0)), sum(cost_usd) FROM served").fetchone()
    con.close()
    assert stored is not None and stored[0] == measured["with"]["requests"]  # the report replays the routed run
    assert stored[1] == pytest.approx(measured["with"]["quality"])
    assert stored[2] / stored[0] * 1000 == pytest.approx(measured["with"]["cost_per_1k"])
    group = view["balance"][0]
    assert group["task"] == "invoices" and [m["deployment"] for m in group["members"]] == ["alpha", "beta"]
    assert sum(m["picked"] for m in group["members"]) == group["mix"]["requests"] == 6
    sem = view["semantic"]
    assert sem["accuracy"] == 1.0 and sem["held_out"] == 9 and sem["simulated"] and "cases" not in sem
    page = render(report, "html")
    assert 'id="router"' in page and "Semantic router" in page and "alpha + beta" in page
    md = render(report, "md")
    assert "Router:" in md and "alpha-down:" in md and "semantic router: routing accuracy 100.0%" in md

    cli = CliRunner().invoke(app, ["routing", "router", "--results-dir", str(results), "--json"])
    assert cli.exit_code == 0, cli.output
    data = json.loads(cli.output)
    assert data["held_out"] == 9 and len(data["cases"]) == 9 and data["accuracy_ci"][1] == 1.0
    text = CliRunner().invoke(app, ["routing", "router", "--results-dir", str(results), "--holdout", "0.3"])
    assert text.exit_code == 0 and "routing accuracy" in text.output and "SIMULATED" in text.output

    frame = harness.open(results).router()
    assert len(frame) == 9 and frame["correct"].all() and str(frame["task"].dtype) == "category"
    tasks = harness.open(results).router(summary=True)
    assert list(tasks["task"]) == ["intents", "invoices"] and (tasks["recall"] == 1.0).all()


def test_router_cli_bad_input(project: Path, tmp_path: Path) -> None:
    results = tmp_path / "results"
    assert CliRunner().invoke(app, ["run", str(project), "--results-dir", str(results), "--no-report"]).exit_code == 0
    r = CliRunner().invoke(app, ["routing", "router", "--results-dir", str(results), "--suite", "gone.yaml"])
    assert r.exit_code == 2 and "no semantic router" in r.output
    r = CliRunner().invoke(app, ["routing", "router", "--results-dir", str(results), "--holdout", "1.5"])
    assert r.exit_code == 2


def test_a_proposed_chain_that_splits_a_balance_group_drops_it(project: Path, tmp_path: Path) -> None:
    from harness.config.suite import load_suite
    from harness.report import proposal

    routed_project(project)
    loaded = load_suite(project)
    advice = {"run_id": "r1", "suite": "tiny", "simulated": True, "tasks": [
        {"task": "invoices", "status": "switch", "today": {"chain": ["alpha", "beta", "fallback-canned"]},
         "proposed": {"chain": ["alpha", "fallback-canned"]}, "saving_per_1k": 1.0}]}  # fmt: skip
    out = tmp_path / "proposed.yaml"
    proposal.write(out, loaded, advice)
    table = load_routing(out, loaded.models)
    assert table.tasks["invoices"].balance == [] and table.router.cooldown is not None
    assert "balance group alpha + beta dropped" in out.read_text()


def test_a_routed_run_under_a_scenario_cools_the_failing_deployment(project: Path, tmp_path: Path) -> None:
    routed_project(project)
    results = tmp_path / "results"
    args = ["run", str(project), "--results-dir", str(results), "--no-report", "--routed", "--scenario", "alpha-down"]
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 0, r.output
    assert "cooldowns:" in r.output and "skipped a cooling deployment (alpha ×" in r.output
    con = duckdb.connect(str(results / "harness.duckdb"), read_only=True)
    rows = con.execute("SELECT path, served_deployment, cost_usd FROM served").fetchall()
    con.close()
    cooled = [json.loads(p) for p, _, _ in rows if '"cooldown"' in p]
    assert cooled and all(p[0] == {"deployment": "alpha", "position": 0, "outcome": "cooldown"} for p in cooled
                          if p[0]["deployment"] == "alpha")  # fmt: skip
    assert {d for _, d, _ in rows} <= {"beta", "fallback-canned"}  # alpha never serves: it is down
