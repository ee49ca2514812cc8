"""`harness run --mode live` on Bedrock, Vertex AI and Azure OpenAI through the CLI and the real SDKs: rows that match
the server's own log, and (SE-2 for the clouds) no credential reaching any artifact, log line or output, with the
server echoing them back in its errors and every library logging at DEBUG."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pytest
from typer.testing import CliRunner

from harness.cli import app
from tests.canary import AWS_ACCESS_KEY, fake_key
from tests.fakeprov import INFRA_LANES, Fault, aws_env, first, http, live_project, query, route_by_keyword, serve
from tests.fakeprov.server import Server

ACCESS_KEY = fake_key(AWS_ACCESS_KEY, "CANARYZ9Y8X7W6V5")
SECRETS = {  # no two share an 8-character piece, so a leak names its secret
    "aws_secret": "Qz1CANARYsecret/p3Lm9Xv2Rt7Bw1Jh5Ye4Nd6",
    "aws_session": "Wx2CANARYsession+IQoJb3JpZ2luX2VjEHUaCXVz",
    "aws_key_id": ACCESS_KEY,
    "vertex_token": "Ev3CANARYvertex.b0d1e2f3a4b5c6d7e8f9g0",
    "azure_key": "Rt4CANARYazure7d3c9b1a5e8f2d4c6b0a9e8d",
}
#: what each lane's server knows, and so may echo back in its errors
ECHOED = {"claude-bedrock": ("aws_key_id", "aws_secret", "aws_session"), "claude-vertex": ("vertex_token",),
          "gemini-vertex": ("vertex_token",), "gpt-azure": ("azure_key",)}  # fmt: skip


@pytest.fixture
def credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in aws_env(ACCESS_KEY, SECRETS["aws_secret"], SECRETS["aws_session"]).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("HX_VERTEX_TOKEN", SECRETS["vertex_token"])
    monkeypatch.setenv("HX_AZURE_KEY", SECRETS["azure_key"])


def pieces(secret: str) -> set[bytes]:
    return {secret[i : i + 8].encode() for i in range(len(secret) - 7)}


def leaks(data: bytes) -> list[str]:
    return [name for name, secret in SECRETS.items() if any(p in data for p in pieces(secret))]


def project(root: Path, server: Server, cases: int) -> Path:
    server.aws_keys[ACCESS_KEY] = SECRETS["aws_secret"]
    return live_project(root, server, cases=cases, lanes=tuple(INFRA_LANES))


def run(suite: Path, results: Path, *extra: str) -> str:
    out = CliRunner().invoke(app, ["run", str(suite), "--mode", "live", "--results-dir", str(results), *extra])
    assert out.exit_code == 0, out.output
    return out.output + (out.stderr or "")


def test_live_run_on_every_infrastructure_matches_the_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, credentials: None
) -> None:
    monkeypatch.chdir(tmp_path)
    results = tmp_path / "results"
    with serve(route_by_keyword) as server:
        suite = project(tmp_path / "p", server, cases=4)
        server.schedules["claude-bedrock"] = first([http(429, "0")])
        output = run(suite, results, "--no-report")
    assert "LIVE: 4 deployment(s) called for real" in output
    assert query(results, "SELECT deployment, status, score, count(*) FROM results GROUP BY ALL ORDER BY 1") == [
        (lane, "ok", 1.0, 4) for lane in sorted(INFRA_LANES)
    ]
    assert query(results, "SELECT sum(input_tokens), sum(output_tokens) FROM attempts") == [server.billed()]
    assert query(results, "SELECT count(*) FROM attempts WHERE error_class = 'rate_limited'") == [(4,)]
    auth = {(h.lane, h.auth) for h in server.hits if h.status == 200}
    assert auth == {("claude-bedrock", "sigv4-verified"), ("claude-vertex", "bearer"), ("gemini-vertex", "bearer"),
                    ("gpt-azure", "api-key")}  # fmt: skip


def pick(faults: list[Fault], cell: str, n: int) -> Fault:
    return faults[int(cell, 16) % len(faults)]


def echoing(secrets: list[str]) -> list[Fault]:
    """Errors that quote the lane's credentials back, as real services sometimes do (masked or not)."""
    every, first_secret = " ".join(secrets), secrets[0]
    return [
        http(400, message=f"Invalid request signed with {every}"),
        http(401, message=f"The security token {secrets[-1]} is invalid. Bearer {first_secret}"),
        http(
            403,
            message=f"Credential={first_secret}/20261126/eu-central-1/bedrock/aws4_request api-key: "
            f"{first_secret} aws_secret_access_key={secrets[-1]}",
        ),  # fmt: skip
        http(500, message=f"internal error ({every})"),
        Fault(body="truncated"),
        Fault(body="drop"),
    ]


def test_cloud_credentials_never_reach_an_artifact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, credentials: None, debug_log: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    results, reports = tmp_path / "results", tmp_path / "reports"
    with serve(route_by_keyword) as server:
        suite = project(tmp_path / "p", server, cases=12)
        for lane in INFRA_LANES:
            server.schedules[lane] = partial(pick, echoing([SECRETS[name] for name in ECHOED[lane]]))
        output = run(suite, results, "--report-dir", str(reports))
    # not vacuous: every credential was sent, errors were recorded, and the echoed secrets were cut out
    sent = {h.credential for h in server.hits}
    assert {ACCESS_KEY, SECRETS["vertex_token"], SECRETS["azure_key"]} <= sent
    assert {h.auth for h in server.hits if h.lane == "claude-bedrock"} == {"sigv4-verified"}
    messages = [m for (m,) in query(results, "SELECT error_message FROM cells WHERE error_message IS NOT NULL")]
    assert any("[redacted]" in m for m in messages) and len(messages) >= 12, messages
    assert {c for (c,) in query(results, "SELECT DISTINCT error_class FROM cells")} >= {"bad_request", "auth_error"}
    assert debug_log.stat().st_size > 0 and any(reports.glob("*.html"))

    artifacts = [p for root in (results, reports) for p in root.rglob("*") if p.is_file()] + [debug_log]
    found = {str(p.relative_to(tmp_path)): leaks(p.read_bytes()) for p in artifacts}
    assert {k: v for k, v in found.items() if v} == {}
    assert leaks(output.encode()) == []
