"""`harness run --mode live` end to end: the CLI, three real SDKs, the loopback server, DuckDB rows that match the
server's own count of requests and billed tokens."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from harness.cli import app
from tests.fakeprov import KEY_ENVS, LANES, first, http, live_project, query, route_by_keyword, serve
from tests.fakeprov.project import PRICES
from tests.run.test_retry import attempts_per_cell, server_counts


def test_live_run_through_the_cli_matches_the_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for lane, env in KEY_ENVS.items():
        monkeypatch.setenv(env, f"key-{lane}-CANARY0123456789")
    results = tmp_path / "results"
    with serve(route_by_keyword) as server:
        suite = live_project(tmp_path, server, cases=4)
        server.schedules["claude"] = first([http(429, "1")])
        server.schedules["gpt"] = first([http(503)])
        out = CliRunner().invoke(
            app, ["run", str(suite), "--mode", "live", "--results-dir", str(results), "--no-report"]
        )
    assert out.exit_code == 0, out.output
    assert "LIVE: 3 deployment(s) called for real" in out.output
    # every cell answered and graded right; attempts per cell are exactly the requests the server saw
    assert query(results, "SELECT status, mode, simulated, score, count(*) FROM results GROUP BY ALL") == [
        ("ok", "live", False, 1.0, 12)
    ]
    assert attempts_per_cell(results, 4) == server_counts(server)
    assert {n for (_, _), n in server_counts(server).items()} == {1, 2}
    # tokens are what the server billed; cost is the model table's prices applied to them
    assert query(results, "SELECT sum(input_tokens), sum(output_tokens) FROM attempts") == [server.billed()]
    for lane in LANES:
        tokens_in, tokens_out = server.billed(lane)
        price_in, price_out = PRICES[lane]
        (cost,) = query(results, f"SELECT sum(cost_usd) FROM cells WHERE deployment = '{lane}'")[0]
        assert cost == pytest.approx((tokens_in * price_in + tokens_out * price_out) / 1e6)
    # the journal keeps what DuckDB has no column for yet: served model, the wait chosen, the retry layer
    (journal,) = (results / "runs").glob("*.jsonl")
    attempts = [r for r in map(json.loads, journal.read_text().splitlines()) if r["type"] == "attempt"]
    assert {(r["deployment"], r["served_model"]) for r in attempts if r["status"] == "ok"} == {
        (lane, f"{lane}-test-served") for lane in LANES
    }
    assert {r["retry_layer"] for r in attempts} == {"harness"}
    limited = [r for r in attempts if r["error_class"] == "rate_limited"]
    assert len(limited) == 4 and all(r["retry_after"] == 1.0 and r["wait_s"] >= 1.0 for r in limited)
