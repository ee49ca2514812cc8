"""Routed play: the chain walk from the fan-out's cells, its fallbacks, and what gets stored."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
from typer.testing import CliRunner

from harness.cli import app
from harness.config.routing import Policy
from harness.run.routed import semantic_failure, walk


def cell(dep: str, pos: int, **kw: Any) -> dict[str, Any]:
    base = {"cell_key": f"k{pos}", "deployment": dep, "chain_position": pos, "status": "ok", "output": "billing",
            "tool_calls": [], "finish_reason": "stop", "latency_ms": 100.0, "cost_usd": 0.01, "error_class": None,
            "task_class": "classification"}  # fmt: skip
    return {**base, **kw}


def test_primary_serves_when_it_answers() -> None:
    rec = walk({0: cell("a", 0), 1: cell("b", 1)}, 2, Policy(), None)
    assert (rec["served_deployment"], rec["served_position"], rec["status"]) == ("a", 0, "ok")
    assert rec["path"] == [{"deployment": "a", "position": 0, "outcome": "ok"}]


def test_falls_back_on_transient_and_semantic_failures_and_charges_them() -> None:
    by_pos = {
        0: cell("a", 0, status="error", error_class="overloaded", output=None, latency_ms=50.0),
        1: cell("b", 1, output="   "),
        2: cell("c", 2, output="I'm sorry, I can't help with that."),
        3: cell("d", 3),
    }
    rec = walk(by_pos, 4, Policy(), None)
    assert rec["served_deployment"] == "d"
    assert [p["outcome"] for p in rec["path"]] == ["overloaded", "empty_output", "refusal", "ok"]
    assert rec["latency_ms"] == 350.0 and abs(rec["cost_usd"] - 0.04) < 1e-9


def test_never_fallback_class_stops_the_walk() -> None:
    by_pos = {0: cell("a", 0, status="error", error_class="unsupported_param"), 1: cell("b", 1)}
    rec = walk(by_pos, 2, Policy(), None)
    assert (rec["status"], rec["failure_class"], rec["served_deployment"]) == ("error", "unsupported_param", None)


def test_latency_budget_overrun_moves_on_at_the_budget() -> None:
    by_pos = {0: cell("a", 0, latency_ms=9000.0), 1: cell("b", 1, latency_ms=200.0)}
    rec = walk(by_pos, 2, Policy(), 3000.0)
    assert rec["served_deployment"] == "b" and rec["latency_ms"] == 3200.0
    assert rec["path"][0]["outcome"] == "timeout"


def test_ineligible_positions_are_skipped() -> None:
    rec = walk({1: cell("b", 1)}, 3, Policy(), None)
    assert rec["served_position"] == 1


def test_semantic_failures() -> None:
    assert semantic_failure(cell("a", 0, finish_reason="length")) == "truncated_output"
    assert semantic_failure(cell("a", 0, task_class="extraction", output="no json here")) == "schema_invalid"
    assert semantic_failure(cell("a", 0, task_class="extraction", output='{"a": 1}')) is None
    assert semantic_failure(cell("a", 0, output="", tool_calls=[{"name": "f"}])) is None


def test_routed_run_with_a_failing_primary(project: Path, tmp_path: Path) -> None:
    args = ["run", str(project), "--results-dir", str(tmp_path), "--routed", "--fault", "alpha:server_error:1.0"]
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 0, r.output
    assert "Routed play" in r.output
    con = duckdb.connect(str(tmp_path / "harness.duckdb"), read_only=True)
    try:
        served = con.execute(
            "SELECT task, requested, served_deployment, count(*) FROM served GROUP BY ALL ORDER BY ALL"
        ).fetchall()
        paths = con.execute("SELECT DISTINCT json_extract_string(path, '$[0].outcome') FROM served").fetchall()
        simulated = con.execute("SELECT bool_and(simulated) FROM served").fetchone()
    finally:
        con.close()
    assert served == [("intents", "alpha", "beta", 12), ("invoices", "alpha", "beta", 6)]
    assert paths == [("server_error",)]
    assert simulated == (True,)  # simulated answers on the path are labelled in the served table


def test_latency_budget_on_ttft_bounds_the_first_token_not_the_last() -> None:
    """A slow-to-finish answer whose first token came early serves under a TTFT budget; one whose first token came
    late falls back; a cell that was not streamed (no TTFT) had its first token with its last."""
    fast_start = {0: cell("a", 0, latency_ms=9000.0, ttft_ms=300.0), 1: cell("b", 1)}
    assert walk(fast_start, 2, Policy(), 3000.0, "ttft")["served_deployment"] == "a"
    assert walk(fast_start, 2, Policy(), 3000.0, "total")["served_deployment"] == "b"
    assert walk(fast_start, 2, Policy(), 3000.0, "both")["served_deployment"] == "b"
    slow_start = {0: cell("a", 0, latency_ms=3500.0, ttft_ms=3200.0), 1: cell("b", 1, latency_ms=200.0)}
    rec = walk(slow_start, 2, Policy(), 3000.0, "ttft")
    assert rec["served_deployment"] == "b" and rec["latency_ms"] == 3200.0  # gave up at the budget
    whole = {0: cell("a", 0, latency_ms=3500.0), 1: cell("b", 1)}
    assert walk(whole, 2, Policy(), 3000.0, "ttft")["path"][0]["outcome"] == "timeout"
