"""Per-deployment lanes: declared RPM/TPM pacing, adaptive concurrency and rate on 429s, Retry-After, and
isolation between deployments (LD-3 and LD-4 of the reliability plan, shortened) against the loopback server."""

from __future__ import annotations

import asyncio
import math
import threading
import time
from pathlib import Path

import pytest

from harness.errors import FailureClass
from harness.run.lanes import Bucket, Lane
from tests.fakeprov import KEY_ENVS, live_project, route_by_keyword, serve
from tests.fakeprov.project import run_live
from tests.fakeprov.server import Fault, Schedule, always, http


class Clock:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


def test_bucket_waits_until_a_token_is_there() -> None:
    b = Bucket(rate=10.0, capacity=2.0, level=2.0, stamp=0.0)
    waits = []
    for _ in range(3):
        waits.append(b.wait(1, 0.0))
        b.take(1)
    assert waits == pytest.approx([0.0, 0.0, 0.1])  # the burst, then one every 100 ms
    assert b.wait(1, 0.05) == pytest.approx(0.15)  # one token short after the third take
    assert b.wait(50, 1.0) == 0.0  # larger than the bucket: needs it full, then goes below zero
    b.take(50)
    assert b.wait(1, 1.0) == pytest.approx(4.9)


def test_pacing_follows_the_declared_rate() -> None:
    async def scenario() -> float:
        lane = Lane("d", max_concurrency=50, rpm=1200)  # 20 per second, burst 5
        t0 = time.monotonic()

        async def call() -> None:
            async with lane.slot():
                pass

        await asyncio.gather(*(call() for _ in range(40)))
        return time.monotonic() - t0

    assert 1.6 <= asyncio.run(scenario()) <= 2.4  # a burst of 5 (a quarter second), then 35 more at 20/s


def test_a_rate_limit_episode_cuts_once_and_success_grows_back() -> None:
    clock = Clock()
    lane = Lane("d", max_concurrency=10, rpm=600, clock=clock)
    assert (lane.limit, lane.rate) == (10, 10.0)
    for _ in range(14):  # the quota lets about 7 per second through (7 of them in the last second) ...
        clock.t += 0.15
        lane.record(None)
    lane.record(FailureClass.rate_limited, 1.0)
    lane.record(FailureClass.rate_limited, 1.0)
    assert lane.episodes == 0  # two 429s are not an episode yet
    lane.record(FailureClass.rate_limited, 1.0)  # ... and answers the rest 429: an episode
    assert lane.episodes == 1 and lane.limit == 8
    assert lane.rate == pytest.approx(0.95 * 7)  # the lower of 90% of 10/s and 95% of what passed in the last second
    lane.record(FailureClass.rate_limited, 1.0)  # same episode: no second cut
    assert (lane.limit, lane.episodes) == (8, 1)
    assert lane.paused_until == 0.0  # a rate is in force: pacing does the waiting, the lane is not paused
    lane.record(FailureClass.server_error)  # other errors neither cut nor grow
    assert lane.limit == 8
    clock.t += 0.5
    for _ in range(20):
        lane.record(None)
    assert lane.limit == 8  # still cooling down
    clock.t += 2.0
    for _ in range(8):
        clock.t += 0.25
        lane.record(None)
    assert lane.limit == 9 and 6.65 < lane.rate <= 10.0  # grows back, never above the declared rate
    for _ in range(5000):
        clock.t += 0.25
        lane.record(None)
    assert (lane.limit, lane.rate) == (10, 10.0)


def test_scattered_429s_do_not_shrink_the_lane() -> None:
    """A steady 5% of random 429s (a provider's own throttling, retried) is not a quota: no cut, no pause."""
    clock = Clock()
    lane = Lane("d", max_concurrency=32, clock=clock)
    for i in range(20_000):  # 300 attempts per second for about a minute, every 20th a 429
        clock.t += 1 / 300
        lane.record(FailureClass.rate_limited if i % 20 == 0 else None, 1.0)
    assert (lane.episodes, lane.limit, lane.rate, lane.paused_until) == (0, 32, None, 0.0)


def test_an_undeclared_lane_learns_a_rate_and_honours_retry_after() -> None:
    clock = Clock()
    lane = Lane("d", max_concurrency=64, clock=clock)
    for _ in range(3):  # an episode before anything was measured: the whole lane waits the Retry-After
        lane.record(FailureClass.rate_limited, 2.0)
    assert lane.paused_until == pytest.approx(clock.t + 2.0) and lane.rate is None
    clock.t += 3.0
    for _ in range(40):  # 20 successes per second for two seconds
        clock.t += 0.05
        lane.record(None)
    for _ in range(4):
        lane.record(FailureClass.rate_limited, 2.0)
    assert lane.rate == pytest.approx(0.9 * 40 / 2.0, rel=0.05)  # learned from what passed
    assert lane.limit == math.floor(math.floor(64 * 0.8) * 0.8)


def test_slots_bound_calls_in_flight() -> None:
    async def scenario() -> int:
        lane = Lane("d", max_concurrency=3)
        peak = 0

        async def call() -> None:
            nonlocal peak
            async with lane.slot():
                peak = max(peak, lane.in_flight)
                await asyncio.sleep(0.01)

        await asyncio.gather(*(call() for _ in range(20)))
        return peak

    assert asyncio.run(scenario()) == 3


def token_bucket(rpm: float, burst: float) -> Schedule:
    """A provider quota: `rpm` requests per minute with a burst of `burst`; beyond it a 429 with Retry-After."""
    rate, lock, state = rpm / 60, threading.Lock(), {"level": burst, "t": time.monotonic()}

    def schedule(_cell: str, _n: int) -> Fault | None:
        with lock:
            now = time.monotonic()
            level = min(burst, state["level"] + (now - state["t"]) * rate)
            state["t"] = now
            if level >= 1:
                state["level"] = level - 1
                return None
            state["level"] = level
            return http(429, str(max(1, math.ceil((1 - level) / rate))))

    return schedule


@pytest.fixture
def keys(monkeypatch: pytest.MonkeyPatch) -> None:
    for lane, env in KEY_ENVS.items():
        monkeypatch.setenv(env, f"key-{lane}-CANARY0123456789")


def test_ld3_adaptive_limits_meet_a_600_rpm_quota(tmp_path: Path, keys: None) -> None:
    """LD-3, shortened to 200 requests: the model table over-declares 720 RPM (a shared quota), the provider
    allows 600; concurrency 64. Achieved >= 90% of 600 RPM with <= 5% of requests answered 429."""
    cases = 200
    with serve(route_by_keyword) as server:
        suite = live_project(tmp_path, server, cases=cases, lanes=("gpt",))
        models = suite.parent / "models.yaml"
        models.write_text(models.read_text() + "    rate_limits: {rpm: 720}\n    concurrency: 64\n")
        server.schedules["gpt"] = token_bucket(600, burst=10)
        result = run_live(suite, tmp_path / "r", concurrency=64, max_attempts=10)
        hits = server.lane("gpt")
    ok = [h.t for h in hits if h.status == 200]
    limited = sum(1 for h in hits if h.status == 429)
    assert result.tally.ok == cases and len(ok) == cases
    rpm = (len(ok) - 1) / (max(ok) - min(ok)) * 60
    share = limited / len(hits)
    print(f"LD-3: {rpm:.0f} RPM achieved of 600 ({rpm / 600:.1%}), 429 share {share:.1%} of {len(hits)} requests")
    assert rpm >= 540
    assert share <= 0.05


def test_ld4_a_stalled_deployment_does_not_slow_the_others(tmp_path: Path, keys: None) -> None:
    """LD-4, shortened: claude stalls every request (it times out), gpt and gemini answer in 200 ms. Their
    throughput with claude stalled stays within 10% of their throughput without it. (At 100 ms the healthy lanes
    were CPU-bound on the test's one process, which also runs the server: the stalled lane's own CPU then cost
    them 4-5% before any noise, a measure of the machine rather than of the lanes' isolation.)"""
    cases = 64

    def healthy_rate(lanes: tuple[str, ...], results: Path) -> float:
        with serve(route_by_keyword) as server:
            suite = live_project(results, server, cases=cases, lanes=lanes)
            for lane in ("gpt", "gemini"):
                server.schedules[lane] = always(Fault(delay=0.2))
            server.schedules["claude"] = always(Fault(delay=5.0))
            run_live(suite, results / "r", timeout_s=0.5, max_attempts=1)
            times = [h.t for h in server.hits if h.lane in ("gpt", "gemini")]
        return len(times) / (max(times) - min(times) + 0.1)

    # best of three each: a busy CI machine can slow any single short measurement (two were not enough: 88 vs
    # 100/s once, 99 vs 90 the next time), a design flaw slows all of them
    baseline = max(healthy_rate(("gpt", "gemini"), tmp_path / f"baseline{i}") for i in range(3))
    stalled = max(healthy_rate(("claude", "gpt", "gemini"), tmp_path / f"stalled{i}") for i in range(3))
    print(f"LD-4: healthy throughput {stalled:.1f}/s with a stalled provider vs {baseline:.1f}/s without")
    assert stalled >= 0.9 * baseline
