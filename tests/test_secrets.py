"""SE-2: planted canary keys never reach an artifact. The server echoes the key back in its error messages (as real
APIs do, masked or not), we force 400/401/404/500, truncated bodies and dropped connections with debug logging
on, then grep the journal, the DuckDB file, the cache, the HTML report, the debug log and the CLI's output for
each canary and for every 8-character piece of it."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pytest
from typer.testing import CliRunner

from harness.cli import app
from tests.canary import ANTHROPIC, GOOGLE, OPENAI_PROJECT, fake_key
from tests.fakeprov import KEY_ENVS, LANES, Fault, http, live_project, query, route_by_keyword, serve

CANARIES = {
    "claude": fake_key(ANTHROPIC, "CANARY7f3Qz9Lm4Np2Rt8Vb5Kc1Hd6Wx"),
    "gpt": fake_key(OPENAI_PROJECT, "CANARYa8Kd3Lq9Zm2Xv7Rt4Np6Bw1Jh5Ye"),
    "gemini": fake_key(GOOGLE, "SyCANARYq7W3e9R2t8Y4u1I6o5P0aZxCvBnMk"),
}


def pick(faults: list[Fault], cell: str, n: int) -> Fault:
    return faults[int(cell, 16) % len(faults)]


def pieces(secret: str) -> set[bytes]:
    return {secret[i : i + 8].encode() for i in range(len(secret) - 7)}


def leaks(data: bytes) -> list[str]:
    return [lane for lane, key in CANARIES.items() if any(p in data for p in pieces(key))]


def test_canary_keys_never_reach_an_artifact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, debug_log: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for lane, env in KEY_ENVS.items():
        monkeypatch.setenv(env, CANARIES[lane])
    results, reports = tmp_path / "results", tmp_path / "reports"
    with serve(route_by_keyword) as server:
        suite = live_project(tmp_path / "project", server, cases=12)
        for lane in LANES:
            key = CANARIES[lane]
            faults = [
                http(400, message=f"Invalid request from key {key}"),
                http(401, message=f"Incorrect API key provided: {key}. Bearer {key}"),
                http(404, message=f"model not found for x-api-key={key}"),
                http(500, message=f"internal error (key={key})"),
                Fault(body="truncated"),
                Fault(body="drop"),
            ]
            server.schedules[lane] = partial(pick, faults)
        out = CliRunner().invoke(app, ["run", str(suite), "--mode", "live", "--results-dir", str(results),
                                       "--report-dir", str(reports)])  # fmt: skip
    assert out.exit_code == 0, out.output
    # the test is not vacuous: every key was sent, errors were recorded, and the echoed key was cut out
    assert {h.credential for lane in LANES for h in server.lane(lane)} == set(CANARIES.values())
    messages = [m for (m,) in query(results, "SELECT error_message FROM cells WHERE error_message IS NOT NULL")]
    assert any("Incorrect API key provided: [redacted]" in m for m in messages), messages
    assert {c for (c,) in query(results, "SELECT DISTINCT error_class FROM cells")} >= {
        "bad_request", "auth_error", "not_found", "server_error"}  # fmt: skip
    assert debug_log.stat().st_size > 0 and any(reports.glob("*.html"))

    artifacts = [p for root in (results, reports) for p in root.rglob("*") if p.is_file()] + [debug_log]
    found = {str(p.relative_to(tmp_path)): leaks(p.read_bytes()) for p in artifacts}
    assert {k: v for k, v in found.items() if v} == {}
    assert leaks(out.output.encode()) == [] and leaks((out.stderr or "").encode()) == []
