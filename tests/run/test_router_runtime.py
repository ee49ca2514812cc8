"""The router's runtime in routed play: cooldowns on a request clock, load-balanced chain steps."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from harness.config.router import Balance, Cooldown, RouterSettings
from harness.config.routing import Policy
from harness.run.routed import served_records
from harness.run.router_runtime import Health, Load, Race, Request, Runtime, arrival_order, draw, play, walk_request


def cell(dep: str, pos: int, case: str, **kw: Any) -> dict[str, Any]:
    base = {"cell_key": f"{case}-{dep}", "deployment": dep, "chain_position": pos, "status": "ok", "output": "x",
            "tool_calls": [], "finish_reason": "stop", "latency_ms": 100.0, "cost_usd": 0.01, "error_class": None,
            "task_class": "classification", "task": "t", "case_id": case, "variant": "base", "sample": 0}  # fmt: skip
    return {**base, **kw}


def failing(dep: str, pos: int, case: str) -> dict[str, Any]:
    return cell(dep, pos, case, status="error", error_class="overloaded", output=None)


def test_a_deployment_failing_60_percent_in_its_window_is_cooled_then_returns() -> None:
    health = Health(Cooldown(failure_share=0.5, seconds=60, window_s=60, min_requests=5))
    for t, failed in enumerate([True, False, True, False]):
        health.record("a", float(t), "overloaded" if failed else None)
    assert not health.cooling("a", 4.0)  # 2 of 4: below the share and the minimum
    health.record("a", 4.0, "overloaded")  # 3 of 5 = 60% > 50%
    assert health.cooling("a", 4.5) and health.cooling("a", 63.9)
    assert not health.cooling("a", 64.0)  # back after 60 s
    assert health.cooled == [("a", 4.0, "3/5 calls failed")]


def test_half_failing_is_not_more_than_half_and_a_lone_auth_error_cools_at_once() -> None:
    health = Health(Cooldown())
    for t in range(10):
        health.record("a", float(t), "server_error" if t % 2 else None)
    assert not health.cooling("a", 10.0)
    health.record("b", 0.0, "auth_error")
    assert health.cooling("b", 1.0)


def _stream(n: int, fail_share: float) -> list[Request]:
    """n requests on chain a → b; a fails on `fail_share` of the cases (a seeded draw), b always serves."""
    out = []
    for i in range(n):
        case = f"c{i:04d}"
        a = failing("a", 0, case) if draw(7, case) < fail_share else cell("a", 0, case, score=1.0)
        out.append(Request(("t", case, "base", 0), {0: a, 1: cell("b", 1, case, score=0.5)}, ["a", "b"]))
    return out


def test_played_stream_skips_the_cooling_deployment_and_tries_it_again_after_the_cooldown() -> None:
    runtime = Runtime(RouterSettings(cooldown=Cooldown(), requests_per_s=1.0))
    bodies, health = play(_stream(400, 0.6), runtime, {"t": Policy()}, {})
    assert health.cooled and all(dep == "a" for dep, _, _ in health.cooled)
    first = health.cooled[0][1]
    by_time = sorted(bodies.values(), key=lambda b: b["at_s"])
    during = [b for b in by_time if first < b["at_s"] < first + 60]
    assert during and all(b["path"][0]["outcome"] == "cooldown" for b in during)
    assert all(b["served_deployment"] == "b" and b["cost_usd"] == 0.01 for b in during)  # the skip costs nothing
    after = [b for b in by_time if first + 60 <= b["at_s"] < first + 62]
    assert after and after[0]["path"][0]["outcome"] != "cooldown"  # a is tried again once its cooldown is over
    skipped = sum(b["path"][0]["outcome"] == "cooldown" for b in by_time)
    assert skipped > 200  # cooled again and again: most of the stream never waits on a
    plain, _ = play(_stream(400, 0.6), Runtime(RouterSettings(requests_per_s=1.0)), {"t": Policy()}, {})
    assert not any(b["path"][0]["outcome"] == "cooldown" for b in plain.values())


def test_a_healthy_deployment_is_never_cooled() -> None:
    runtime = Runtime(RouterSettings(cooldown=Cooldown(), requests_per_s=1.0))
    bodies, health = play(_stream(300, 0.2), runtime, {"t": Policy()}, {})
    assert not health.cooled
    assert not any(p["outcome"] == "cooldown" for b in bodies.values() for p in b["path"])


def test_every_position_cooling_leaves_the_request_unserved_as_cooldown() -> None:
    health_rule = Cooldown(immediate=["auth_error"])
    reqs = [Request(("t", f"c{i}", "base", 0), {0: cell("a", 0, f"c{i}", status="error", error_class="auth_error")},
                    ["a"]) for i in range(3)]  # fmt: skip
    bodies, _ = play(reqs, Runtime(RouterSettings(cooldown=health_rule)), {"t": Policy()}, {})
    outcomes = Counter(b["failure_class"] for b in bodies.values())
    assert outcomes == {"auth_error": 1, "cooldown": 2}


def _pair_stream(n: int, latency: float = 100.0, b_latency: float | None = None) -> list[Request]:
    out = []
    for i in range(n):
        case = f"c{i:05d}"
        pos = {0: cell("a", 0, case, latency_ms=latency), 1: cell("b", 1, case, latency_ms=b_latency or latency)}
        out.append(Request(("t", case, "base", 0), pos, ["a", "b", "c"]))
    return out


def test_weights_3_to_1_give_a_3_to_1_mix() -> None:
    group = Balance(deployments=["a", "b"], weights=[3, 1])
    runtime = Runtime(RouterSettings(), {"t": [group]})
    bodies, _ = play(_pair_stream(4000), runtime, {"t": Policy()}, {})
    served = Counter(b["served_deployment"] for b in bodies.values())
    assert 0.72 < served["a"] / 4000 < 0.78 and served["a"] + served["b"] == 4000
    assert all(b["picks"] == {"a + b": b["served_deployment"]} for b in bodies.values())


def test_the_picked_member_failing_falls_over_to_the_other_member_first() -> None:
    group = Balance(deployments=["a", "b"], weights=[1, 3])
    req = Request(("t", "c1", "base", 0), {0: failing("a", 0, "c1"), 1: failing("b", 1, "c1"), 2: cell("c", 2, "c1")},
                  ["a", "b", "c"])  # fmt: skip
    bodies, _ = play([req], Runtime(RouterSettings(), {"t": [group]}), {"t": Policy()}, {})
    body = bodies[req.key]
    assert [p["deployment"] for p in body["path"]] == [
        body["picks"]["a + b"],
        *({"a", "b"} - {body["picks"]["a + b"]}),
        "c",
    ]


def test_least_busy_spreads_long_calls_and_favours_the_faster_member() -> None:
    group = Balance(deployments=["a", "b"], strategy="least-busy")
    runtime = Runtime(RouterSettings(), {"t": [group]})
    even, _ = play(_pair_stream(200, latency=10_000.0), runtime, {"t": Policy()}, {})
    served = Counter(b["served_deployment"] for b in even.values())
    assert 90 <= served["a"] <= 110  # each new request goes where fewer are in flight
    skewed, _ = play(_pair_stream(200, latency=10_000.0, b_latency=1_000.0), runtime, {"t": Policy()}, {})
    served = Counter(b["served_deployment"] for b in skewed.values())
    assert served["b"] > 3 * served["a"]  # b finishes its calls ten times sooner, so it is less busy


def test_served_records_take_the_runtime() -> None:
    cells = [c for req in _stream(50, 0.9) for c in req.by_pos.values()]
    runtime = Runtime(RouterSettings(cooldown=Cooldown()))
    recs = served_records("r", cells, {}, {"t": Policy()}, {}, play=runtime.player({"t": Policy()}, {}))
    assert len(recs) == 50 and any(p["outcome"] == "cooldown" for r in recs for p in r["path"])
    assert [r["case_id"] for r in recs] == sorted(r["case_id"] for r in recs)


def test_in_flight_counts_a_call_from_its_start_to_its_end() -> None:
    load = Load()
    load.add("a", 0.0, 2000.0)  # 0 s to 2 s
    load.add("a", 5.0, 1000.0)  # a fallback's call, 5 s to 6 s
    assert [load.busy("a", t) for t in (0.0, 1.9, 2.0, 4.9, 5.0, 5.5, 6.0)] == [1, 1, 0, 0, 1, 1, 0]


def _hedged(dep: str, pos: int, case: str, ttft: float, latency: float, **kw: Any) -> dict[str, Any]:
    return cell(dep, pos, case, ttft_ms=ttft, latency_ms=latency, input_tokens=1000, output_tokens=100, **kw)


HEDGE = Policy(hedge={"after": 300})
PRICES = {"a": (1e-6, 4e-6), "b": (2e-6, 8e-6)}


def test_a_hedged_task_races_on_the_runtime_and_skips_a_cooling_deployment() -> None:
    """Request 1: a's first token is slow, b is hedged in at 300 ms and serves (a cancelled, charged its input).
    Request 2: a failed with an immediate class at once; request 3, inside the cooldown, skips a (no race) and b
    serves alone. The hedge's cost is against the same positions walked without hedging."""
    reqs = [
        Request(("t", "c1", "base", 0), {0: _hedged("a", 0, "c1", 900, 1500), 1: _hedged("b", 1, "c1", 200, 700)},
                ["a", "b"]),
        Request(("t", "c2", "base", 0), {0: cell("a", 0, "c2", status="error", error_class="auth_error", output=None,
                                                 latency_ms=50.0), 1: _hedged("b", 1, "c2", 100, 400)}, ["a", "b"]),
        Request(("t", "c3", "base", 0), {0: _hedged("a", 0, "c3", 100, 400), 1: _hedged("b", 1, "c3", 100, 400)},
                ["a", "b"]),
    ]  # fmt: skip
    keys = [r.key for r in reqs]
    seed = next(s for s in range(100) if arrival_order(keys, s) == keys)  # they arrive c1, c2, c3
    runtime = Runtime(RouterSettings(cooldown=Cooldown(immediate=["auth_error"]), requests_per_s=1.0, seed=seed))
    play_ = runtime.player({"t": HEDGE}, {}, None, PRICES)
    bodies = play_({r.key: dict(r.by_pos) for r in reqs}, {r.key: r.chain for r in reqs})
    first, second, third = (bodies[r.key] for r in reqs)
    assert [b["at_s"] for b in (first, second, third)] == [0.0, 1.0, 2.0]
    assert (first["served_deployment"], first["served_position"], first["hedged"]) == ("b", 1, True)
    assert [p["outcome"] for p in first["path"]] == ["hedge_cancelled", "ok"]
    assert first["hedge_cost_usd"] == pytest.approx(1000 * 1e-6)  # a's input: the plain walk would pay a in full
    assert first["hedge_cost_usd"] < first["cost_usd"]
    assert [p["outcome"] for p in second["path"]] == ["auth_error", "ok"]  # a cooled: auth_error is immediate
    assert third["path"][0] == {"deployment": "a", "position": 0, "outcome": "cooldown", "start_ms": 0.0}
    assert (third["served_deployment"], third["served_position"], third["hedged"]) == ("b", 1, False)
    assert third["hedge_cost_usd"] == 0.0


def test_a_race_counts_both_racers_in_flight_and_maps_a_balanced_order_back_to_chain_positions() -> None:
    """A weighted balance group that picks b first: the race starts at chain position 1 and hedges to position 0;
    while both race, each counts as in flight (the cancelled one until the winner's first token)."""
    group = Balance(deployments=["a", "b"], strategy="weighted", weights=[0.0001, 1.0])
    req = Request(("t", "c1", "base", 0), {0: _hedged("a", 0, "c1", 200, 700), 1: _hedged("b", 1, "c1", 900, 1500)},
                  ["a", "b"])  # fmt: skip
    load = Load()
    body = walk_request(req, 0.0, HEDGE, None, [group], Health(None), load, 0, "total", Race(lambda _d: 300.0, PRICES))
    assert body["picks"] == {"a + b": "b"}
    assert (body["served_deployment"], body["served_position"], body["hedged"]) == ("a", 0, True)
    assert body["path"] == [  # in the order tried
        {"deployment": "b", "position": 1, "outcome": "hedge_cancelled", "start_ms": 0.0},
        {"deployment": "a", "position": 0, "outcome": "ok", "start_ms": 300.0},
    ]
    assert load.busy("b", 0.4) == 1 and load.busy("a", 0.4) == 1  # both in flight at 400 ms
    assert load.busy("b", 0.6) == 0  # b cancelled at a's first token (500 ms)


def _race(req: Request, health: Health, budget: float | None = None) -> dict[str, Any]:
    return walk_request(req, 0.0, HEDGE, budget, [], health, Load(), 0, "total", Race(lambda _d: 300.0, PRICES))


def _cooling(dep: str, until_s: float) -> Health:
    health = Health(Cooldown(immediate=["auth_error"], seconds=until_s))
    health.record(dep, 0.0, "auth_error")
    return health


def test_a_race_meets_a_cooldown_only_when_its_turn_comes() -> None:
    """b cooling at arrival but never reached: not on the path. b cooling until 0.5 s, reached at 1 s after a's
    failure: tried and serves, as the runtime's plain walk would."""
    fast = Request(("t", "c", "base", 0), {0: _hedged("a", 0, "c", 50, 100), 1: _hedged("b", 1, "c", 50, 100)},
                   ["a", "b"])  # fmt: skip
    body = _race(fast, _cooling("b", 60))
    assert [p["outcome"] for p in body["path"]] == ["ok"] and body["served_deployment"] == "a"
    failing_a = Request(
        ("t", "c", "base", 0),
        {
            0: cell(
                "a", 0, "c", status="error", error_class="server_error", output=None, latency_ms=1000.0, ttft_ms=None
            ),
            1: _hedged("b", 1, "c", 50, 100),
        },
        ["a", "b"],
    )
    health = _cooling("b", 0.5)
    body = _race(failing_a, health)
    assert [p["outcome"] for p in body["path"]] == ["server_error", "ok"] and body["served_deployment"] == "b"
    plain = walk_request(failing_a, 0.0, Policy(), None, [], _cooling("b", 0.5), Load(), 0)
    assert plain["served_deployment"] == "b"


def test_a_race_judges_a_cell_over_the_budget_as_the_runtime_walk_does() -> None:
    """An empty answer that took 3 s under a 1 s budget: a timeout at the budget (the router gives up then), so the
    hedge-free walk's fallback starts at 1 s, not at 3 s; the cooldown window records the timeout."""
    slow_empty = Request(("t", "c", "base", 0), {0: _hedged("a", 0, "c", 3000, 3000, output=""),
                                                 1: _hedged("b", 1, "c", 100, 400)}, ["a", "b"])  # fmt: skip
    health = Health(Cooldown(immediate=["timeout"]))
    body = walk_request(slow_empty, 0.0, Policy(hedge={"after": 5000}), 1000.0, [], health, Load(), 0, "total",
                        Race(lambda _d: 5000.0, PRICES))  # fmt: skip
    assert [p["outcome"] for p in body["path"]] == ["timeout", "ok"]
    assert body["latency_ms"] == 1400.0 and body["hedged"] is False
    assert health.cooling("a", 1.0)
