"""Hedged walks on known cells: when the hedge starts, who serves, what the cancelled racer cost, and the p95 delay."""

from __future__ import annotations

from typing import Any

import pytest

from harness.config.latency import Hedge
from harness.config.routing import Policy
from harness.run.hedging import CANCELLED, delays, hedged_walk, partial_cost, player
from harness.run.routed import walk

PRICES = {"a": (1e-6, 4e-6), "b": (2e-6, 8e-6), "c": (1e-6, 1e-6)}


def cell(dep: str, pos: int, ttft: float | None = 100.0, latency: float = 1000.0, **kw: Any) -> dict[str, Any]:
    base = {"cell_key": f"k{pos}", "deployment": dep, "chain_position": pos, "status": "ok", "output": "billing",
            "tool_calls": [], "finish_reason": "stop", "latency_ms": latency, "ttft_ms": ttft, "cost_usd": 0.01,
            "error_class": None, "task_class": "classification", "input_tokens": 1000,
            "output_tokens": 100}  # fmt: skip
    return {**base, **kw}


def hedge(by_pos: dict[int, dict[str, Any]], after: float | None = 300.0, **kw: Any) -> dict[str, Any]:
    return hedged_walk(by_pos, len(by_pos), Policy(), kw.get("budget"), "ttft", lambda _dep: after, PRICES)


def test_a_slow_first_token_starts_the_next_position_and_the_first_token_serves() -> None:
    rec = hedge({0: cell("a", 0, ttft=900.0, latency=1500.0), 1: cell("b", 1, ttft=200.0, latency=700.0)})
    assert (rec["served_deployment"], rec["hedged"]) == ("b", True)
    assert rec["ttft_ms"] == 500.0 and rec["latency_ms"] == 1000.0  # started at 300: first token 500, done 1000
    assert rec["path"] == [{"deployment": "a", "position": 0, "outcome": CANCELLED, "start_ms": 0.0},
                           {"deployment": "b", "position": 1, "outcome": "ok", "start_ms": 300.0}]  # fmt: skip
    # a was cancelled at 500 ms, before its first token: its input only
    assert rec["cancelled_cost_usd"] == pytest.approx(1000 * 1e-6)
    assert rec["cost_usd"] == pytest.approx(0.01 + 1000 * 1e-6)


def test_the_primary_still_wins_when_its_token_comes_before_the_hedges() -> None:
    rec = hedge({0: cell("a", 0, ttft=400.0), 1: cell("b", 1, ttft=200.0)})
    assert (rec["served_deployment"], rec["hedged"], rec["ttft_ms"], rec["latency_ms"]) == ("a", True, 400.0, 1000.0)
    assert rec["cancelled_cost_usd"] == pytest.approx(1000 * 2e-6)  # b cancelled 100 ms in, before its first token


def test_no_hedge_when_the_first_token_comes_in_time_equals_the_plain_walk() -> None:
    by_pos = {0: cell("a", 0, ttft=250.0), 1: cell("b", 1)}
    rec = hedge(by_pos)
    plain = walk(by_pos, 2, Policy(), None)
    assert rec["hedged"] is False and rec["cancelled_cost_usd"] == 0.0
    assert {k: rec[k] for k in plain if k != "path"} == {k: v for k, v in plain.items() if k != "path"}
    assert [p["outcome"] for p in rec["path"]] == [p["outcome"] for p in plain["path"]]


def test_failures_before_the_hedge_fall_back_as_usual_and_a_failed_hedge_leaves_the_primary_racing() -> None:
    early = hedge({0: cell("a", 0, status="error", error_class="overloaded", output=None, latency_ms=150.0,
                           ttft=None, cost_usd=0.0),
                   1: cell("b", 1, ttft=200.0, latency=600.0)})  # fmt: skip
    assert (early["served_deployment"], early["hedged"], early["ttft_ms"], early["latency_ms"]) == ("b", False, 350.0,
                                                                                                  750.0)  # fmt: skip
    racing = hedge({0: cell("a", 0, ttft=800.0, latency=900.0),
                    1: cell("b", 1, status="error", error_class="server_error", output=None, latency_ms=100.0,
                            ttft=None, cost_usd=0.0),
                    2: cell("c", 2, ttft=100.0, latency=200.0)})  # fmt: skip
    # a hedged at 300 by b, which fails at 400; a alone again hedges with c at 400 (its own 300 ms passed): c's
    # first token at 500 beats a's at 800
    assert racing["served_deployment"] == "c" and racing["ttft_ms"] == 500.0
    assert [p["outcome"] for p in racing["path"]] == [CANCELLED, "server_error", "ok"]


def test_a_deadline_cut_primary_and_a_class_that_must_not_fall_back() -> None:
    cut = hedge({0: cell("a", 0, status="error", error_class="latency_exceeded", output=None, latency_ms=500.0,
                         ttft=None, cost_usd=0.0),
                 1: cell("b", 1, ttft=400.0, latency=800.0)})  # fmt: skip
    assert cut["served_deployment"] == "b" and cut["ttft_ms"] == 700.0  # b, hedged at 300, outlives the cut at 500
    assert [p["outcome"] for p in cut["path"]] == ["latency_exceeded", "ok"]
    stop = hedge({0: cell("a", 0, status="error", error_class="unsupported_param", output=None, latency_ms=50.0,
                          ttft=None, cost_usd=0.0), 1: cell("b", 1)})  # fmt: skip
    assert stop["status"] == "error" and stop["failure_class"] == "unsupported_param" and len(stop["path"]) == 1


def test_partial_cost_and_the_p95_delay() -> None:
    c = cell("a", 0, ttft=100.0, latency=1100.0)
    assert partial_cost(c, 50.0, PRICES) == pytest.approx(1000e-6)
    assert partial_cost(c, 600.0, PRICES) == pytest.approx(1000e-6 + 100 * 4e-6 * 0.5)
    assert partial_cost(c, 5000.0, PRICES) == pytest.approx(1000e-6 + 100 * 4e-6)
    cells = [{"task": "t", "deployment": "a", "status": "ok", "ttft_ms": float(v), "latency_ms": 2000.0}
             for v in range(1, 101)]  # fmt: skip
    cells.append({"task": "t", "deployment": "a", "status": "error", "ttft_ms": None, "latency_ms": 9999.0})
    got = delays(cells, {"t": Hedge()})
    assert got[("t", "a")] == 96.0  # the report's p95: nearest rank, the 95th of 1..100 at index 95
    assert delays(cells, {"t": Hedge(after=250)}) == {("t", "a"): 250.0}
    with pytest.raises(ValueError):
        Hedge(after=0)


def test_the_hedge_cost_is_what_the_request_cost_hedged_less_the_plain_walk() -> None:
    """A hedge that fails costs its whole call; cancelling a slow answer that would have finished saves its rest."""
    policies = {"t": Policy(hedge=Hedge(after=500))}
    failed_hedge = {0: cell("a", 0, ttft=2000.0, latency=2500.0, cost_usd=1.0),
                    1: cell("b", 1, output="", cost_usd=0.5)}  # fmt: skip
    saved = {0: cell("a", 0, ttft=2000.0, latency=2500.0, cost_usd=1.0, input_tokens=100_000),
             1: cell("b", 1, ttft=100.0, latency=600.0, cost_usd=0.5)}  # fmt: skip
    groups = {("t", "c1", "base", 0): failed_hedge, ("t", "c2", "base", 0): saved}
    chains = {k: ["a", "b"] for k in groups}
    play = player([], policies, {}, {}, PRICES)
    assert play is not None
    out = play(groups, chains)
    first, second = out[("t", "c1", "base", 0)], out[("t", "c2", "base", 0)]
    assert first["served_deployment"] == "a" and first["hedge_cost_usd"] == pytest.approx(0.5)  # b's whole call
    # b served at 600 ms; a, cancelled before its first token, is charged its input (0.1) instead of 1.0
    assert second["served_deployment"] == "b" and second["cost_usd"] == pytest.approx(0.6)
    assert second["hedge_cost_usd"] == pytest.approx(0.6 - 1.0)
    assert "cancelled_cost_usd" not in first
