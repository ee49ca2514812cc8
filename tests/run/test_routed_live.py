"""PF-5 against the loopback server through the real SDKs: the primary answers 529 to everything, the chain falls
back, every served record says requested != served with its position, and nothing is counted as the primary's."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.run.launch import start_run
from harness.run.plan import Selection
from harness.run.runner import RunOptions
from tests.fakeprov import KEY_ENVS, always, http, live_project, query, route_by_keyword, serve


@pytest.mark.parametrize(("status", "failure"), [(529, "overloaded"), (500, "server_error"), (429, "rate_limited")])
def test_pf5_a_failing_primary_is_served_by_its_fallback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, status: int, failure: str
) -> None:
    for lane, env in KEY_ENVS.items():
        monkeypatch.setenv(env, f"key-{lane}-CANARY0123456789")
    cases = 40
    with serve(route_by_keyword) as server:
        suite = live_project(tmp_path, server, cases=cases, lanes=("claude", "gpt"))
        server.schedules["claude"] = always(http(status, "0" if status == 429 else None))
        opts = RunOptions(backoff_initial_s=0.001, backoff_max_s=0.002, timeout_s=5.0, max_attempts=2)
        result = start_run(suite, Selection(mode="live", routed=True), results_dir=tmp_path / "r", options=opts)
        claude_requests = len(server.lane("claude"))
    results = tmp_path / "r"
    assert len(result.served) == cases
    served = query(results, "SELECT requested, served_deployment, served_position, count(*) FROM served GROUP BY ALL")
    assert served == [("claude", "gpt", 1, cases)]
    outcome = query(results, "SELECT DISTINCT json_extract_string(path, '$[0].outcome') FROM served")
    assert outcome == [(failure,)]
    # the primary's own cells are its failures: none of the fallback's answers is counted as the primary's
    primary = query(
        results,
        "SELECT status, error_class, count(*), sum(attempts) FROM cells WHERE deployment = 'claude' GROUP BY ALL",
    )
    assert primary == [("error", failure, cases, claude_requests)]
    assert query(results, "SELECT count(*) FROM results WHERE deployment = 'claude' AND passed") == [(0,)]
    assert query(results, "SELECT count(*), bool_and(passed) FROM results WHERE deployment = 'gpt'") == [(cases, True)]
