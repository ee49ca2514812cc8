"""Per-deployment lanes: declared RPM/TPM pacing, adaptive concurrency and rate on 429s, Retry-After, and
isolation between deployments (LD-3 and LD-4 of the reliability plan, shortened) against the loopback server."""

from __future__ import annotations

import asyncio
import random
import time
from pathlib import Path

import pytest

from harness.errors import FailureClass
from harness.run.lanes import Bucket, Lane, Slots, kind_of
from harness.types import RateSignal
from tests.fakeprov import KEY_ENVS, live_project, route_by_keyword, serve
from tests.fakeprov.project import run_live
from tests.fakeprov.quota import Quota
from tests.fakeprov.server import Fault, always


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


QUOTA = RateSignal(spent=True, headroom=0.0, reset_s=1.0, limit="requests")
LIMITED = FailureClass.rate_limited


def feed(
    lane: Lane,
    clock: Clock,
    seconds: float,
    per_s: float,
    p: float = 0.0,
    signal: RateSignal | None = None,
    in_flight: int | None = None,
) -> None:
    """`per_s` outcomes a second for `seconds`, a share `p` of them transient 429s spread evenly (Retry-After 1)."""
    if in_flight is not None:
        lane.slots.used = in_flight
    debt = 0.0
    for _ in range(round(seconds * per_s)):
        clock.t += 1 / per_s
        debt += p
        if debt >= 1:
            debt -= 1
            lane.record(LIMITED, 1.0, signal, 0.1)
        else:
            lane.record(None, None, None, 0.1)


def test_429s_are_classified_before_the_lane_reacts() -> None:
    assert kind_of(LIMITED, QUOTA) == "quota"
    assert kind_of(LIMITED) == "transient"  # a bare 429, or one with only Retry-After
    assert kind_of(LIMITED, RateSignal(headroom=0.5)) == "transient"  # headers that do not say spent
    assert kind_of(FailureClass.overloaded) == "transient"  # 529 / 503
    assert kind_of(FailureClass.server_error) is None
    assert kind_of(FailureClass.quota_exhausted) is None  # billing: no rate brings it back
    assert kind_of(None, QUOTA) is None


@pytest.mark.parametrize("per_s", [20, 100, 500])
@pytest.mark.parametrize("p", [0.05, 0.10])
def test_random_429s_below_the_share_never_cut_whatever_the_throughput(p: float, per_s: int) -> None:
    """Rule 1 and 2: transient 429s at 5% or 10% are only counted; the equilibrium does not depend on them."""
    clock = Clock()
    lane = Lane("d", max_concurrency=32, clock=clock)
    feed(lane, clock, 60, per_s, p, in_flight=32)
    assert (lane.history, lane.limit, lane.rate, lane.paused_until) == ([], 32, None, 0.0)
    assert lane.counts["transient"] == pytest.approx(60 * per_s * p, abs=1)
    declared = Lane("d", max_concurrency=32, rpm=600, clock=clock)  # a rate in force: not trimmed either
    feed(declared, clock, 60, 10, p, in_flight=32)
    assert (declared.history, declared.rate) == ([], 10.0)


def test_a_window_whose_share_passes_the_threshold_cuts_once() -> None:
    """Rule 2: 20% of 429s (no quota signal): one cut per window of max(2 s, 20 attempts), cause `share`."""
    clock = Clock()
    lane = Lane("d", max_concurrency=10, rpm=600, clock=clock)
    feed(lane, clock, 1.9, 50, 0.2, in_flight=10)
    assert lane.history == []  # the window is not over: no decision on single events
    feed(lane, clock, 0.2, 50, 0.2)
    (cut,) = lane.history
    assert (cut.cause, cut.limit, cut.before, cut.quota) == ("share", 9, 10.0, 0)
    assert cut.rate == pytest.approx(9.0)  # 90% of 10/s (the last second passed 40/s: not the lower)
    assert cut.limited > 0.15 * cut.attempts and cut.attempts >= 20
    slow = Lane("d", max_concurrency=10, clock=clock)  # at 5 per second a window needs 20 attempts: 4 s
    feed(slow, clock, 3.5, 5, 0.3, in_flight=10)
    assert slow.history == []
    feed(slow, clock, 0.6, 5, 0.3)
    assert len(slow.history) == 1


def test_a_quota_signal_cuts_at_once_to_what_the_quota_let_through() -> None:
    """Rule 1 and 2: a 429 whose headers say the quota is spent ends its window with a cut, cause `quota`."""
    clock = Clock()
    lane = Lane("d", max_concurrency=10, rpm=600, clock=clock)
    feed(lane, clock, 1.0, 7, in_flight=10)  # the quota let 7 a second through
    assert lane.record(LIMITED, None, QUOTA, 0.1) is not None
    (cut,) = lane.history
    assert (cut.cause, cut.spent, cut.quota) == ("quota", "requests", 1)
    assert lane.rate == pytest.approx(0.95 * 7)  # the lower of 90% of 10/s and 95% of what passed
    assert lane.limit == 10 and lane.paused_until == 0.0  # a rate: pacing does the waiting, calls in flight stay
    assert lane.counts == {"quota": 1, "cut": 1}


def test_at_most_one_cut_per_cooldown_of_a_round_trip_extended_by_retry_after() -> None:
    """Rule 3: after a cut, the answers to calls sent before it (one round trip) are not judged; a Retry-After
    that came with the cut extends that."""
    clock = Clock()
    lane = Lane("d", max_concurrency=10, rpm=600, clock=clock)
    for _ in range(5):
        clock.t += 0.1
        lane.record(None, None, None, 0.5)  # round trips of 0.5 s
    lane.record(LIMITED, None, QUOTA, 0.5)
    for _ in range(4):  # quota 429s for 0.4 s more: the same episode
        clock.t += 0.1
        lane.record(LIMITED, None, QUOTA, 0.5)
    assert len(lane.history) == 1
    clock.t += 0.2  # a round trip later: a new quota signal is a new cut
    lane.record(LIMITED, 3.0, QUOTA, 0.5)
    assert len(lane.history) == 2 and lane.history[1].retry_after == 3.0
    clock.t += 2.9
    lane.record(LIMITED, None, QUOTA, 0.5)
    assert len(lane.history) == 2  # the Retry-After (3 s) extends the cooldown
    clock.t += 0.2
    lane.record(LIMITED, None, QUOTA, 0.5)
    assert len(lane.history) == 3


def test_growth_only_while_the_lane_is_in_use() -> None:
    """Rule 4: windows with fewer than half the limit in flight neither raise the rate nor the limit."""
    clock = Clock()
    lane = Lane("d", max_concurrency=20, rpm=6000, clock=clock)
    lane.requests.rate = 10.0  # type: ignore[union-attr]  (as after a cut)
    lane.limit = 10
    lane.slots.resize(10)
    feed(lane, clock, 30, 10, in_flight=4)
    assert (lane.rate, lane.limit) == (10.0, 10)
    assert lane.counts["idle"] >= 14 and "grown" not in lane.counts
    for _ in range(10):
        feed(lane, clock, 2.1, 10, in_flight=(lane.limit + 1) // 2)  # half the limit in flight: in use
    grown = lane.counts["grown"]
    assert grown >= 8 and lane.limit == 10 + grown
    assert lane.rate == pytest.approx(20.0)  # +5%, +10%, +20%, ... up to twice the 10/s sent (rule 5)
    feed(lane, clock, 20, 10, in_flight=9)  # 9 of 20: not any more
    assert lane.counts["grown"] == grown


def test_growth_steps_double_while_nothing_pushes_back() -> None:
    """A quota that came back is found in seconds: +5%, +10%, +20%, +40%, then +50% per window; a 429 or low
    headroom starts again at +5%."""
    clock = Clock()
    lane = Lane("d", max_concurrency=8, rpm=60_000, clock=clock)
    lane.requests.rate = 10.0  # type: ignore[union-attr]
    rates = []
    for _ in range(6):
        feed(lane, clock, 2.0, 1000, in_flight=8)  # sends far more than it may: rule 5 does not bind here
        rates.append(round(lane.rate or 0, 3))
    assert rates == pytest.approx([10.5, 11.55, 13.86, 19.404, 29.106, 43.659], rel=1e-3)
    feed(lane, clock, 2.0, 1000, 0.01, in_flight=8)  # a window with 429s below the share: grows, from +5% again
    assert lane.rate == pytest.approx(43.659 * 1.05, rel=1e-3)


def test_the_rate_never_drifts_above_twice_the_send_rate() -> None:
    """Rule 5: a learned rate grows only up to twice the attempts per second it sees (AWS SDK adaptive mode)."""
    clock = Clock()
    lane = Lane("d", max_concurrency=8, clock=clock)
    feed(lane, clock, 2, 20, in_flight=8)
    lane.record(LIMITED, None, QUOTA, 0.05)
    assert lane.rate == pytest.approx(0.9 * 20, rel=0.05)  # learned: 90% of what it measured
    clock.t += 1
    feed(lane, clock, 600, 5, in_flight=8)  # the lane sends 5/s (its cells are slow to come): at most 10/s
    assert lane.rate == pytest.approx(0.9 * 20, rel=0.05)
    feed(lane, clock, 600, 15, in_flight=8)
    assert lane.rate == pytest.approx(30.0)  # twice 15/s


def test_headroom_under_ten_percent_holds_growth_and_the_declared_ceiling_caps_it() -> None:
    clock = Clock()
    lane = Lane("d", max_concurrency=8, rpm=1200, clock=clock)
    lane.requests.rate = 10.0  # type: ignore[union-attr]
    for _ in range(200):
        clock.t += 0.1
        lane.slots.used = 8
        lane.record(None, None, RateSignal(headroom=0.05), 0.1)
    assert (
        lane.rate == 10.0 and lane.counts["held"] >= 9 and "grown" not in lane.counts
    )  # remaining / limit < 10%: no growth
    feed(lane, clock, 600, 20, in_flight=8)
    assert lane.rate == 20.0  # grown back, never above the declared 1200 RPM


def test_an_undeclared_lane_learns_a_rate_or_pauses_for_retry_after() -> None:
    clock = Clock()
    lane = Lane("d", max_concurrency=64, clock=clock)
    lane.record(LIMITED, 2.0, QUOTA, 0.1)  # a spent quota before anything was measured: the lane waits
    assert lane.paused_until == pytest.approx(clock.t + 2.0) and lane.rate is None
    clock.t += 3.0
    feed(lane, clock, 2, 20, in_flight=64)
    lane.record(LIMITED, 2.0, QUOTA, 0.1)
    assert lane.rate == pytest.approx(0.9 * 40 / 2.0, rel=0.05)  # learned from what passed
    assert lane.limit == 64  # a spent quota is a rate: the in-flight limit stays
    assert [c.cause for c in lane.history] == ["quota", "quota"]


def test_slots_follow_the_limit_and_wake_one_waiter_per_slot() -> None:
    async def scenario() -> list[int]:
        slots = Slots(2)
        await slots.acquire()
        await slots.acquire()
        waiters = [asyncio.create_task(slots.acquire()) for _ in range(3)]
        await asyncio.sleep(0)
        seen = [slots.used]
        slots.resize(1)  # a cut: the next release frees nothing
        slots.release()
        await asyncio.sleep(0)
        seen.append(sum(w.done() for w in waiters))
        waiters[0].cancel()  # a cancelled waiter gives nothing back and takes nothing
        slots.resize(3)  # growth: two more may start
        await asyncio.sleep(0)
        seen += [sum(w.done() and not w.cancelled() for w in waiters), slots.used]
        return seen

    assert asyncio.run(scenario()) == [2, 0, 2, 3]


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


def test_a_slot_is_given_back_when_the_attempt_fails_or_is_cancelled_while_paced() -> None:
    async def scenario() -> list[int]:
        lane = Lane("d", max_concurrency=2, rpm=60)  # one call a second after the first
        with pytest.raises(ValueError):
            async with lane.slot():
                raise ValueError("the attempt failed")
        after_error = lane.in_flight
        paced = asyncio.create_task(lane.slot().__aenter__())
        await asyncio.sleep(0.05)
        during = lane.in_flight  # holds its slot while it waits for the bucket
        paced.cancel()
        with pytest.raises(asyncio.CancelledError):
            await paced
        return [after_error, during, lane.in_flight]

    assert asyncio.run(scenario()) == [0, 1, 0]


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
        server.schedules["gpt"] = Quota(600 / 60, burst=10)  # a 429 beyond it says so in its headers
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


def closed_loop(quota: float, p: float, seconds: float, seed: int = 1) -> tuple[Lane, list[float], int, int]:
    """A lane sending as fast as it may (300/s offered, saturated) at a provider with a true quota (a token bucket
    of a quarter second, answering 429 with remaining 0 beyond it) and random transient 429s at share `p`, on a fake
    clock; answers come back at once. (lane, answers per second, quota 429s, attempts)."""
    rng, clock = random.Random(seed), Clock()
    lane = Lane("d", max_concurrency=32, clock=clock)
    level, burst, last = quota / 4, quota / 4, clock.t
    rates, quota_429s, attempts, next_second, ok = [], 0, 0, clock.t + 1, 0
    end = clock.t + seconds
    while clock.t < end:
        clock.t += 1 / min(300.0, lane.rate or 300.0)
        level = min(burst, level + (clock.t - last) * quota)
        last = clock.t
        lane.slots.used = lane.limit
        attempts += 1
        if rng.random() < p:
            lane.record(LIMITED, 1.0, None, 0.05)
        elif level >= 1:
            level -= 1
            ok += 1
            lane.record(None, None, RateSignal(headroom=level / burst), 0.05)
        else:
            quota_429s += 1
            lane.record(LIMITED, None, QUOTA, 0.05)
        if clock.t >= next_second:
            rates.append(ok)
            ok, next_second = 0, next_second + 1
    return lane, rates, quota_429s, attempts


@pytest.mark.parametrize("p", [0.0, 0.05, 0.10])
def test_the_equilibrium_is_the_quota_whatever_the_noise(p: float) -> None:
    """Closed loop on a fake clock: with a true quota of 100/s the lane's answers settle within ±15% of it (5-s
    means), and stay there, with no random 429s, 5% or 10% of them; quota 429s stay a small share of attempts.
    (The old controller settled near 0.25/p: 5/s at 5%.)"""
    lane, answered, quota_429s, attempts = closed_loop(100.0, p, 120)
    means = [sum(answered[i : i + 5]) / 5 for i in range(10, len(answered) - 5)]
    assert all(85 <= m <= 115 for m in means), (min(means), max(means))
    assert quota_429s / attempts <= 0.05
    # noise cuts at most when a window's share passes 15% by chance (binomial tail of ~200 attempts at 10%)
    assert sum(c.cause == "share" for c in lane.history) <= 2
