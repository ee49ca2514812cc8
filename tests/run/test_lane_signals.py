"""Issue 31 through the three wire formats: a true quota (tests/fakeprov/quota.py) answers with each vendor's
rate-limit headers and error body; the providers read them (quota signal vs transient), the lane cuts on the quota
and not on random 429s, and the run record says so (`attempts.rate_limit`, the `lanes` table, `harness show
--lanes`)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx2
import pytest
from typer.testing import CliRunner

from harness.cli import app
from harness.providers.http_convert import rate_signal
from tests.fakeprov import KEY_ENVS, LANES, http, live_project, query, route_by_keyword, serve
from tests.fakeprov.project import run_live
from tests.fakeprov.quota import Quota, quota_failure


def test_headers_and_bodies_of_each_vendor_read_as_signals() -> None:
    openai = Quota(10, 4, "openai").headers(0, 0.25)
    assert openai == {"x-ratelimit-limit-requests": "4", "x-ratelimit-remaining-requests": "0",
                      "x-ratelimit-reset-requests": "250ms"}  # fmt: skip
    s = rate_signal(openai)
    assert s is not None and (s.spent, s.headroom, s.reset_s, s.limit) == (True, 0.0, 0.25, "requests")
    claude = rate_signal(Quota(10, 4, "anthropic").headers(0, 2.0))
    assert claude is not None and claude.spent and claude.limit == "requests" and 1.0 < (claude.reset_s or 0) <= 2.0
    roomy = rate_signal(Quota(10, 40, "anthropic").headers(3, 1.0))
    assert roomy is not None and not roomy.spent and roomy.headroom == pytest.approx(3 / 40)
    gemini = rate_signal({}, {"error": {"code": 429, "status": "RESOURCE_EXHAUSTED", "details": quota_failure(1, 7)}})
    assert gemini is not None and gemini.spent and gemini.reset_s == 7.0
    assert gemini.limit == "GenerateRequestsPerMinutePerProjectPerModel"
    # transient: Retry-After alone, a Gemini 429 without QuotaFailure, remaining 0 of OpenAI's without a reset
    assert rate_signal({"retry-after": "1"}) is None
    assert rate_signal({}, {"error": {"code": 429, "status": "RESOURCE_EXHAUSTED", "details": []}}) is None
    bare = rate_signal({"x-ratelimit-limit-requests": "10", "x-ratelimit-remaining-requests": "0"})
    assert bare is not None and not bare.spent


@pytest.mark.parametrize("vendor", ["openai", "anthropic"])
def test_an_httpx_responses_headers_read_as_the_same_signal_whatever_their_case(vendor: str) -> None:
    """httpx Headers are read from their raw bytes (only the limit headers decoded): the same signal as from a dict,
    with the names as a server may spell them and other headers around them."""
    plain = Quota(10, 4, vendor).headers(1, 0.25)
    raw = [(b"Date", b"Mon, 07 Dec 2026 15:00:00 GMT"), (b"X-Request-Id", b"req-1")]
    raw += [(k.title().encode(), v.encode()) for k, v in plain.items()]
    sent, now = httpx2.Response(200, headers=raw).headers, time.time()  # one `now`: Anthropic's reset is a time
    assert rate_signal(sent, now=now) == rate_signal(plain, now=now) is not None
    assert rate_signal(httpx2.Response(200, headers=raw[:2]).headers) is None


@pytest.fixture
def keys(monkeypatch: pytest.MonkeyPatch) -> None:
    for lane, env in KEY_ENVS.items():
        monkeypatch.setenv(env, f"key-{lane}-CANARY0123456789")


def test_a_quota_is_a_quota_signal_in_every_wire_format(tmp_path: Path, keys: None,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """Each lane has a quota of 20 requests/s (burst 4) and 60 cells at 16 in flight: the 429s beyond it are
    recorded as `quota`, each lane cuts for cause `quota`, and every cell ends ok."""
    cases = 60
    with serve(route_by_keyword) as server:
        suite = live_project(tmp_path, server, cases=cases)
        models = suite.parent / "models.yaml"
        models.write_text(models.read_text().replace("credentials_env:", "concurrency: 16\n    credentials_env:"))
        for lane, api in LANES.items():
            server.schedules[lane] = Quota(20, 4, api)
        run_live(suite, tmp_path / "r", concurrency=48, max_attempts=20, backoff_initial_s=0.05)
    results = tmp_path / "r"
    assert query(results, "SELECT status, count(*) FROM cells GROUP BY 1") == [("ok", 3 * cases)]
    kinds = dict(query(results, "SELECT deployment, list(DISTINCT rate_limit) FROM attempts "
                                "WHERE http_status = 429 GROUP BY 1"))  # fmt: skip
    assert kinds == {lane: ["quota"] for lane in LANES}
    cuts = query(results, "SELECT deployment, count(*), min(cause), max(cause) FROM lanes WHERE event = 'cut' "
                          "GROUP BY 1 ORDER BY 1")  # fmt: skip
    assert [(d, lo, hi) for d, n, lo, hi in cuts if n >= 1] == [(d, "quota", "quota") for d in sorted(LANES)]
    ends = query(results, "SELECT deployment, cuts, quota_429s, transient_429s FROM lanes WHERE event = 'end'")
    assert {d: (c, t) for d, _, c, t in ends} == {d: (q, 0) for d, q in query(
        results, "SELECT deployment, count(*) FROM attempts WHERE http_status = 429 GROUP BY 1")}  # fmt: skip
    monkeypatch.chdir(tmp_path)
    out = CliRunner().invoke(app, ["show", "latest", "--lanes", "--results-dir", str(results)])
    assert out.exit_code == 0, out.output
    assert "lanes" in out.output and "cut" in out.output and "quota" in out.output
    assert all(lane in out.output for lane in LANES)
    md = CliRunner().invoke(app, ["report", "--format", "md", "--results-dir", str(results)])
    assert md.exit_code == 0, md.output
    (line,) = [x for x in md.output.splitlines() if x.startswith("Rate limits: ")]
    assert all(f"{lane} " in line for lane in LANES) and "on a spent quota" in line
    html = CliRunner().invoke(app, ["report", "--results-dir", str(results), "--out", str(tmp_path / "r.html")])
    assert html.exit_code == 0, html.output
    assert 'id="lanes-table"' in (tmp_path / "r.html").read_text()


def test_random_429s_are_transient_and_cut_nothing(tmp_path: Path, keys: None) -> None:
    """Every cell's first request gets a bare 429 or one with Retry-After (a third of the attempts: above the share,
    so the windows cut); with 1 in 10 cells (a tenth of the attempts) no window passes 15% and nothing is cut."""
    with serve(route_by_keyword) as server:
        suite = live_project(tmp_path, server, cases=100, lanes=("gpt",))
        server.schedules["gpt"] = lambda cell, n: http(429, "0" if int(cell, 16) % 2 else None) if (
            n == 1 and int(cell, 16) % 10 == 0) else None  # fmt: skip
        run_live(suite, tmp_path / "r", max_attempts=3, backoff_initial_s=0.01)
    results = tmp_path / "r"
    limited = query(results, "SELECT rate_limit, count(*) FROM attempts WHERE http_status = 429 GROUP BY 1")
    assert limited and limited[0][0] == "transient"
    assert query(results, "SELECT count(*) FROM lanes WHERE event = 'cut'") == [(0,)]
    (end,) = query(results, "SELECT transient_429s, quota_429s, cuts FROM lanes WHERE event = 'end'")
    assert end == (limited[0][1], 0, 0)
    assert json.dumps(end)
