"""Spend control: `--max-cost` / `budget_usd` stop scheduling on time; unscheduled cells end skipped_budget."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from typer.testing import CliRunner

from harness.cli import app
from harness.run.budget import Budget
from tests.fakeprov import KEY_ENVS, live_project, query, route_by_keyword, serve
from tests.fakeprov.project import run_live


def test_budget_waits_for_calls_in_flight_then_closes() -> None:
    async def scenario() -> list[bool]:
        b = Budget(1.0)
        estimate = {"usd": 0.6}
        assert await b.admit(lambda: estimate["usd"]) == 0.6  # in flight
        waiting = asyncio.create_task(b.admit(lambda: estimate["usd"]))  # does not fit yet: waits
        await asyncio.sleep(0)
        assert not waiting.done()
        estimate["usd"] = 0.5  # the first answer teaches a lower estimate
        await b.settle("d", 0.6, 0.3, 10)  # it cost less than expected: 0.3 + 0.5 fits
        assert await waiting == 0.5
        await b.settle("d", 0.5, 0.5, 10)  # spent 0.8 now, nothing in flight
        closed = await b.admit(lambda: 0.3)  # cannot fit with nothing in flight: closes
        cheap = await b.admit(lambda: 0.01)  # closed stays closed: a cheaper cell does not sneak in
        return [closed, cheap, b.skipped == 2, b.spent_usd == pytest.approx(0.8)]

    assert asyncio.run(scenario()) == [None, None, True, True]


def test_expected_cost_learns_the_output_length() -> None:
    from harness.config.models import Deployment, Pricing

    dep = Deployment(provider="openai", model="m", pricing=Pricing(input_per_mtok=1.0, output_per_mtok=10.0))
    b = Budget(None)
    assert b.expected("d", dep, 100, 1024) == pytest.approx((100 + 100 * 10) / 1e6)  # before any answer
    asyncio.run(b.settle("d", 0.0, 0.0, 4))
    assert b.expected("d", dep, 100, 1024) == pytest.approx((100 + 4 * 10) / 1e6)


def test_max_cost_stops_on_time_and_the_summary_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for lane, env in KEY_ENVS.items():
        monkeypatch.setenv(env, f"key-{lane}-CANARY0123456789")
    with serve(route_by_keyword) as server:
        suite = live_project(tmp_path, server, cases=12, lanes=("gpt",))
        full = run_live(suite, tmp_path / "full")
        per_call = full.tally.cost_usd / 12
        server.hits.clear()
        limit = per_call * 5.5
        args = ["run", str(suite), "--mode", "live", "--results-dir", str(tmp_path / "r"), "--no-report",
                "--max-cost", f"{limit:.10f}", "--cache", "off"]  # fmt: skip
        out = CliRunner().invoke(app, args)
        assert out.exit_code == 0, out.output
        calls = len(server.hits)
    ok, skipped, spent = query(
        tmp_path / "r",
        "SELECT count(*) FILTER (status = 'ok'), count(*) FILTER (error_class = 'skipped_budget'), sum(cost_usd)"
        " FROM cells",
    )[0]
    assert spent <= limit + 1e-12  # never over the budget
    assert ok == calls and ok + skipped == 12
    assert ok >= 4  # and not absurdly early: within about one call of the limit
    assert skipped > 0 and f"budget reached: {skipped} cell(s) not started" in out.output


def test_suite_budget_applies_and_the_lower_limit_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for lane, env in KEY_ENVS.items():
        monkeypatch.setenv(env, f"key-{lane}-CANARY0123456789")
    with serve(route_by_keyword) as server:
        suite = live_project(tmp_path, server, cases=6, lanes=("gpt",))
        suite.write_text(suite.read_text() + "budget_usd: 0.0000000001\n")
        result = run_live(suite, tmp_path / "r", max_cost_usd=100.0)
        assert not server.hits
    assert result.tally.skipped == 6 and result.tally.skipped_budget == 6 and result.tally.cost_usd == 0
