"""The one retry layer: the policy as a pure decision, then the provider-fault plan (PF-1..PF-13 of
reliability-and-security.md §6.2) run live through the real SDKs against the loopback server, comparing our
journal and DuckDB rows with the server's own request log."""

from __future__ import annotations

import asyncio
import hashlib
import random
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.config.routing import RetryPolicy as RoutingRetry
from harness.errors import RETRYABLE, FailureClass
from harness.run.retry import AuthBreaker, RetryPolicy, backoff, decide, flag
from harness.types import Completion, ToolCall
from tests.conftest import intent_cases
from tests.fakeprov import (
    KEY_ENVS,
    LANES,
    Fault,
    Hit,
    Server,
    always,
    first,
    http,
    live_project,
    query,
    route_by_keyword,
    run_live,
    serve,
)
from tests.fakeprov.server import Schedule, cell_of

F = FailureClass
POLICY = RetryPolicy(max_attempts=3, backoff_initial_s=0.5, backoff_max_s=8.0, max_retry_after_s=60.0)


# --- the policy, pure -------------------------------------------------------------------------------------------


def test_only_retryable_classes_are_retried() -> None:
    d = decide(POLICY, F.bad_request, 1, 0.0)
    assert (d.retry, d.retryable, d.reason) == (False, False, None)
    d = decide(POLICY, F.server_error, 1, 0.0, rng=random.Random(1))
    assert d.retry and d.retryable and d.wait_s is not None and 0 <= d.wait_s <= 0.5


def test_attempts_are_bounded() -> None:
    d = decide(POLICY, F.overloaded, 3, 0.0)
    assert (d.retry, d.reason) == (False, "gave up after 3 attempts")


def test_retry_after_is_honoured_up_to_the_maximum_then_the_cell_stops_with_the_reason() -> None:
    assert decide(POLICY, F.rate_limited, 1, 0.0, retry_after=30.0).wait_s == 30.0  # above the SDKs' 8 s backoff
    d = decide(POLICY, F.rate_limited, 1, 0.0, retry_after=90.0)
    assert not d.retry and d.retry_after == 90.0
    assert d.reason == "Retry-After 90 s is longer than the maximum wait of 60 s"
    blind = RetryPolicy(respect_retry_after=False)
    d = decide(blind, F.rate_limited, 1, 0.0, retry_after=90.0)
    assert d.retry and d.wait_s is not None and d.wait_s <= 0.5 and d.retry_after == 90.0


def test_total_retry_time_is_bounded() -> None:
    tight = RetryPolicy(max_total_s=10.0)
    assert decide(tight, F.rate_limited, 1, 5.0, retry_after=4.0).retry
    d = decide(tight, F.rate_limited, 1, 7.0, retry_after=4.0)
    assert not d.retry and d.reason == "a retry in 4.0 s would pass the cell's retry budget of 10 s"


def test_backoff_is_exponential_with_full_jitter() -> None:
    rng = random.Random(0)
    for attempt, cap in [(1, 0.5), (2, 1.0), (3, 2.0), (5, 8.0), (9, 8.0)]:
        draws = [backoff(POLICY, attempt, rng) for _ in range(400)]
        assert 0 <= min(draws) < cap * 0.05 and cap * 0.95 < max(draws) <= cap
    assert backoff(RetryPolicy(full_jitter=False), 3) == 2.0


def test_policy_comes_from_routing_yaml_with_run_overrides() -> None:
    spec = RoutingRetry.model_validate(
        {"max_attempts": 5, "retry_on": ["transient", "empty_output"], "max_retry_after_s": 30,
         "backoff": {"initial_ms": 200, "max_ms": 1000, "jitter": "none"}}
    )  # fmt: skip
    p = RetryPolicy.from_routing(spec, max_total_s=100)
    assert (p.max_attempts, p.backoff_initial_s, p.backoff_max_s, p.full_jitter, p.max_retry_after_s) == (
        5, 0.2, 1.0, False, 30)  # fmt: skip
    assert p.retry_on == RETRYABLE | {F.empty_output}
    q = RetryPolicy.from_routing(spec, max_total_s=100, max_attempts=2, backoff_max_s=0.05, max_retry_after_s=9)
    assert (q.max_attempts, q.backoff_max_s, q.max_retry_after_s) == (2, 0.05, 9)


def test_semantic_flags() -> None:
    assert flag(Completion("Paris")) is None
    assert flag(Completion("", tool_calls=(ToolCall("f", {}),), finish_reason="tool_calls")) is None
    assert flag(Completion("  \n")) == F.empty_output
    assert flag(Completion("Par", finish_reason="length")) == F.truncated_output
    assert flag(Completion("", finish_reason="content_filter")) == F.content_policy
    assert flag(Completion("No.", finish_reason="refusal")) == F.refusal


def test_auth_breaker_lets_one_request_through_until_the_key_is_proven() -> None:
    async def scenario(outcomes: list[FailureClass | None]) -> tuple[int, int, AuthBreaker]:
        breaker, in_flight, peak = AuthBreaker(threshold=3), 0, 0

        async def one(outcome: FailureClass | None) -> None:
            nonlocal in_flight, peak
            async with breaker.admit():
                if breaker.reason:
                    return
                in_flight += 1
                peak = max(peak, in_flight)
                await asyncio.sleep(0.01)
                in_flight -= 1
                breaker.record(outcome, "401")

        await asyncio.gather(*(one(o) for o in outcomes))
        return peak, breaker.failures, breaker

    peak, failures, breaker = asyncio.run(scenario([F.auth_error] * 10))
    assert (peak, failures) == (1, 3) and breaker.reason and "3 requests" in breaker.reason
    peak, failures, breaker = asyncio.run(scenario([None] * 10))
    assert breaker.proven and breaker.reason is None and peak > 1  # proven: the lane opens to full concurrency


# --- PF tests: real SDKs, loopback server, our rows vs the server's log -----------------------------------------


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    for lane, env in KEY_ENVS.items():
        monkeypatch.setenv(env, f"key-{lane}-CANARY0123456789")
    with serve(route_by_keyword) as s:
        yield s


def server_cells(cases: int) -> dict[str, str]:
    """case id -> the server's cell id (the hash of the user text it received)."""
    return {c["id"]: cell_of(c["input"]["text"]) for c in intent_cases(cases, train=0)}


def attempts_per_cell(results: Path, cases: int) -> dict[tuple[str, str], int]:
    ids = server_cells(cases)
    rows = query(results, "SELECT c.deployment, c.case_id, count(a.attempt_id) FROM cells c "
                          "LEFT JOIN attempts a USING (cell_key) GROUP BY ALL")  # fmt: skip
    return {(dep, ids[case]): n for dep, case, n in rows}


def server_counts(server: Server, lanes: tuple[str, ...] = tuple(LANES)) -> dict[tuple[str, str], int]:
    return {(lane, cell): n for lane in lanes for cell, n in server.per_cell(lane).items()}


def test_pf1_no_retry_amplification(tmp_path: Path, server: Server) -> None:
    """500 on every request: the server sees max_attempts requests per cell for each SDK, never 3 × SDK retries."""
    suite = live_project(tmp_path, server, cases=4)
    for lane in LANES:
        server.schedules[lane] = always(http(500))
    run_live(suite, tmp_path / "results")
    assert set(server_counts(server).values()) == {3}  # SDK defaults left on would make it 9 (3 × 3)
    assert attempts_per_cell(tmp_path / "results", 4) == server_counts(server)
    rows = query(tmp_path / "results", "SELECT status, error_class, attempts, error_message FROM cells")
    assert len(rows) == 12 and {r[:3] for r in rows} == {("error", "server_error", 3)}
    assert all(r[3].endswith("(gave up after 3 attempts)") for r in rows)


def test_pf2_retry_after_is_honoured(tmp_path: Path, server: Server) -> None:
    """429 with Retry-After: 2, then 200: the next request of every cell comes ≥ 2.0 s later (server clock)."""
    suite = live_project(tmp_path, server, cases=3)
    for lane in LANES:
        server.schedules[lane] = first([http(429, "2")])
    run_live(suite, tmp_path / "results")
    gaps = []
    for lane in LANES:
        times: dict[str, dict[int, float]] = defaultdict(dict)
        for h in server.lane(lane):
            times[h.cell][h.n] = h.t
        gaps += [t[2] - t[1] for t in times.values()]
    assert len(gaps) == 9 and min(gaps) >= 2.0, gaps
    first_tries = query(tmp_path / "results", "SELECT DISTINCT http_status, retry_after, error_class FROM attempts "
                                              "WHERE n = 1")  # fmt: skip
    assert first_tries == [(429, 2.0, "rate_limited")]
    assert query(tmp_path / "results", "SELECT status, attempts, count(*) FROM cells GROUP BY ALL") == [("ok", 2, 9)]


def test_pf3_retry_after_above_the_maximum_ends_the_cell_rate_limited(tmp_path: Path, server: Server) -> None:
    suite = live_project(tmp_path, server, cases=3)
    for lane in LANES:
        server.schedules[lane] = always(http(429, "90"))
    t0 = time.monotonic()
    run_live(suite, tmp_path / "results", max_retry_after_s=60)
    assert time.monotonic() - t0 < 20  # no 90 s wait, and no silent 1 s retry either:
    assert set(server_counts(server).values()) == {1}
    rows = query(tmp_path / "results", "SELECT status, error_class, error_message FROM cells")
    assert {r[:2] for r in rows} == {("error", "rate_limited")}
    assert all(r[2].endswith("(Retry-After 90 s is longer than the maximum wait of 60 s)") for r in rows)


def test_pf4_gemini_gets_our_retry_and_timeout(tmp_path: Path, server: Server) -> None:
    """google-genai retries nothing and has no timeout by default: ours cover both."""
    suite = live_project(tmp_path, server, cases=3, lanes=("gemini",))
    server.schedules["gemini"] = first([http(429)])
    run_live(suite, tmp_path / "results")
    assert set(server_counts(server, ("gemini",)).values()) == {2}
    assert query(tmp_path / "results", "SELECT DISTINCT status FROM cells") == [("ok",)]

    stalled = tmp_path / "stall"
    suite = live_project(stalled, server, cases=3, lanes=("gemini",))
    server.schedules["gemini"] = first([None, None, Fault(delay=4.0)])  # this run's requests are n = 3, 4
    run_live(suite, stalled / "results", timeout_s=1.0)
    cut = query(stalled / "results", "SELECT error_class, latency_ms FROM attempts WHERE n = 1")
    assert {c for c, _ in cut} == {"timeout"} and all(950 <= ms <= 2000 for _, ms in cut), cut
    assert query(stalled / "results", "SELECT DISTINCT status, attempts FROM cells") == [("ok", 2)]


MIX: list[Fault] = [http(500), http(502), http(503), http(504), Fault(body="drop"), Fault(delay=2.0),
                    Fault(body="truncated")]  # fmt: skip


def mixed(lane: str) -> Schedule:
    """30% of requests get one of MIX, chosen by a hash of (lane, cell, n): reproducible, some cells fail twice."""

    def schedule(cell: str, n: int) -> Fault | None:
        u = int(hashlib.sha256(f"{lane}:{cell}:{n}".encode()).hexdigest()[:8], 16) / 2**32
        return MIX[int(u / 0.3 * len(MIX))] if u < 0.3 else None

    return schedule


def expected_class(h: Hit) -> str:
    by_status = {500: "server_error", 502: "server_error", 503: "overloaded", 504: "timeout"}
    return by_status[h.status] if h.outcome == "http" else {"drop": "connection_error", "slow": "timeout",
                                                             "truncated": "invalid_response"}[h.outcome]  # fmt: skip


def test_pf6_pf12_pf13_mixed_faults_reconcile_with_the_server(tmp_path: Path, server: Server) -> None:
    """Mixed transient faults on three SDKs: no cell lost, our error counters equal the server's injected-fault
    log, billed tokens reconcile exactly, and every answered attempt carries the provider's request id."""
    cases, results = 10, tmp_path / "results"
    suite = live_project(tmp_path, server, cases=cases, retry_on=("transient", "invalid_response"))
    for lane in LANES:
        server.schedules[lane] = mixed(lane)
    run_live(suite, results, max_attempts=4, timeout_s=1.0)  # generous: a loaded CI box must not time out early
    hits = [h for lane in LANES for h in server.lane(lane)]
    injected = Counter(expected_class(h) for h in hits if h.outcome != "ok")
    assert sum(injected.values()) >= 10, injected  # the mix really happened
    # PF-6: every planned cell ends ok or as a recorded error; per-cell attempts and error counters match
    assert query(results, "SELECT count(*), count(DISTINCT cell_key) FROM cells") == [(30, 30)]
    assert {s for (s,) in query(results, "SELECT DISTINCT status FROM cells")} <= {"ok", "error"}
    assert attempts_per_cell(results, cases) == server_counts(server)
    ours = Counter(dict(query(results, "SELECT error_class, count(*) FROM attempts WHERE status = 'error' "
                                       "GROUP BY ALL")))  # fmt: skip
    assert ours == injected
    # PF-12: Σ tokens over attempts = the server's Σ billed; all of it on final (ok) attempts here
    billed = server.billed()
    assert query(results, "SELECT sum(input_tokens), sum(output_tokens) FROM attempts") == [billed]
    assert query(results, "SELECT sum(input_tokens), sum(output_tokens) FROM cells WHERE status = 'ok'") == [billed]
    # PF-13: every request that got an answer (even one whose body would not parse) has its request id stored
    answered = {h.request_id for h in hits if h.outcome not in ("drop", "slow")}
    stored = {r for (r,) in query(results, "SELECT request_id FROM attempts WHERE request_id IS NOT NULL")}
    assert stored == answered


def test_pf7_non_retryable_4xx_cost_one_request(tmp_path: Path, server: Server) -> None:
    codes = [400, 404, 413, 422]
    suite = live_project(tmp_path, server, cases=8)
    for lane in LANES:
        server.schedules[lane] = lambda cell, n: http(codes[int(cell, 16) % 4])
    run_live(suite, tmp_path / "results")
    assert set(server_counts(server).values()) == {1}
    expected = Counter({400: "bad_request", 404: "not_found", 413: "context_overflow", 422: "bad_request"}[h.status]
                       for lane in LANES for h in server.lane(lane))  # fmt: skip
    rows = query(tmp_path / "results", "SELECT error_class, count(*) FROM cells WHERE status = 'error' GROUP BY ALL")
    assert Counter(dict(rows)) == expected


def test_pf8_auth_failure_closes_one_lane_only(tmp_path: Path, server: Server) -> None:
    suite = live_project(tmp_path, server, cases=8)
    server.schedules["gpt"] = always(http(401))
    run_live(suite, tmp_path / "results")
    assert len(server.lane("gpt")) == 3  # ≤ 5: one request at a time until the key is proven, 3 strikes
    rows = query(tmp_path / "results", "SELECT deployment, status, error_class, attempts, count(*) FROM cells "
                                       "GROUP BY ALL ORDER BY ALL")  # fmt: skip
    assert rows == [
        ("claude", "ok", None, 1, 8),
        ("gemini", "ok", None, 1, 8),
        ("gpt", "error", "auth_error", 1, 3),
        ("gpt", "skipped", "skipped_auth", 0, 5),
    ]
    (message,) = query(tmp_path / "results", "SELECT DISTINCT error_message FROM cells WHERE status = 'skipped'")[0]
    assert message.startswith("skipped: 3 requests to this deployment failed authentication")


def test_pf10_truncated_bodies_are_never_ok_and_semantic_failures_are_flagged(tmp_path: Path, server: Server) -> None:
    suite = live_project(tmp_path, server, cases=3)
    server.schedules["claude"] = always(Fault(body="truncated"))
    server.schedules["gpt"] = always(Fault(body="empty"))
    server.schedules["gemini"] = always(Fault(body="length"))
    run_live(suite, tmp_path / "results")
    assert set(server_counts(server).values()) == {1}  # invalid_response is not in the default retry_on
    rows = query(tmp_path / "results", "SELECT deployment, status, error_class, output IS NULL, finish_reason "
                                       "FROM cells GROUP BY ALL ORDER BY ALL")  # fmt: skip
    assert rows == [
        ("claude", "error", "invalid_response", True, None),
        ("gemini", "ok", "truncated_output", False, "length"),
        ("gpt", "ok", "empty_output", False, "stop"),
    ]

    again = tmp_path / "again"
    suite = live_project(again, server, cases=3, lanes=("claude",), retry_on=("transient", "invalid_response"))
    server.schedules["claude"] = first([None, Fault(body="truncated")])  # this run's requests are n = 2, 3
    run_live(suite, again / "results")
    assert query(again / "results", "SELECT DISTINCT status, attempts, error_class FROM cells") == [("ok", 2, None)]
