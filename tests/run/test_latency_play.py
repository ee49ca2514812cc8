"""Issue 29's routed scenario, end to end on the simulated fleet (`bench/deadlines.py`, small): a primary whose first
token is late in 20% of calls. Without a deadline the served TTFT p95 is over the budget; with the primary's
deadline it is within, served by the fallback where the primary was cut; with hedging too, the hedges and their
extra cost are reported. The report and `harness show` carry the same figures."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bench import deadlines as scenario
from harness.cli import app


@pytest.fixture(scope="module")
def tables() -> dict[str, dict]:
    return scenario.play(240)


def test_deadlines_keep_the_served_ttft_p95_within_the_budget(tables: dict[str, dict]) -> None:
    plain, cut, hedged = tables["budget only"], tables["deadline"], tables["deadline + hedge"]
    assert all(t["simulated"] for t in tables.values())  # labelled: the router's play, not a model's quality
    assert plain["ttft_p95_ms"] > scenario.BUDGET_MS and plain["cut_at_deadline"] == 0
    assert cut["ttft_p95_ms"] <= scenario.BUDGET_MS and cut["within_budget"]
    assert 0.12 <= cut["served_by"]["steady"] <= 0.3  # the fallback served where the primary stalled
    assert cut["cut_at_deadline"] >= 0.12 * 240
    assert set(cut["quality_by_server"]) == {"fast", "steady"}
    assert hedged["ttft_p95_ms"] <= cut["ttft_p95_ms"] and hedged["hedged"] > 0.15
    assert 0 < hedged["hedge_cost_per_1k"] < hedged["cost_per_1k"]


def test_the_run_and_the_report_carry_served_ttft_and_hedging(tmp_path: Path) -> None:
    suite = scenario.project(tmp_path, 60, "deadline + hedge")
    results = tmp_path / "results"
    args = ["run", str(suite), "--results-dir", str(results), "--routed", "--scenario", "stall", "--mode", "sim"]
    ran = CliRunner().invoke(app, args, env={"COLUMNS": "250"})
    assert ran.exit_code == 0, ran.output
    assert "TTFT p95" in ran.output and "hedges" in ran.output and "SIM" in ran.output
    out = tmp_path / "report.html"
    r = CliRunner().invoke(app, ["report", "--results-dir", str(results), "--out", str(out)])
    assert r.exit_code == 0, r.output
    html = out.read_text()
    assert 'id="routed-latency-table"' in html and "1500 ms on ttft" in html


def test_hedged_tasks_race_on_the_router_runtime_when_the_table_has_one(tmp_path: Path) -> None:
    """The same table with a `router:` block whose cooldown trips on the primary's stalls: routed play runs on the
    runtime's request clock, so some requests skip the cooling primary, and the others still hedge (before, a
    hedged task raced without the runtime: no request ever met a cooldown)."""
    suite = scenario.project(tmp_path, 60, "deadline + hedge")
    routing = suite.parent / "routing.yaml"
    routing.write_text(routing.read_text() + "router:\n  cooldown: {failure_share: 0.1, min_requests: 5, seconds: 5}\n")
    results = tmp_path / "results"
    args = ["run", str(suite), "--results-dir", str(results), "--routed", "--scenario", "stall", "--mode", "sim"]
    ran = CliRunner().invoke(app, args, env={"COLUMNS": "250"})
    assert ran.exit_code == 0, ran.output
    import duckdb

    con = duckdb.connect(str(results / "harness.duckdb"), read_only=True)
    try:
        hedged, total, served, cooled = con.execute(
            "SELECT count(*) FILTER (WHERE hedged), count(*), count(*) FILTER (WHERE status = 'ok'), "
            "count(*) FILTER (WHERE path LIKE '%\"cooldown\"%') FROM served"
        ).fetchone()
    finally:
        con.close()
    assert total == 60 and served == total and 0 < hedged < total and 0 < cooled < total
