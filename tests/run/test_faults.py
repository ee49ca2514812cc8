"""Fault injection: deterministic, per deployment, seen by the runner as real failures."""

from __future__ import annotations

import asyncio
from pathlib import Path
from types import SimpleNamespace

import duckdb
import pytest
from typer.testing import CliRunner

from harness.cli import app
from harness.config.scenarios import parse_fault
from harness.errors import InputError
from harness.run.faults import FaultyProvider
from harness.types import Completion, Request


def rows(results: Path, sql: str) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(results / "harness.duckdb"), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_parse_fault() -> None:
    f = parse_fault("gpt-4o@azure:server_error:0.3")
    assert (f.deployment, f.failure, f.rate) == ("gpt-4o@azure", "server_error", 0.3)
    f = parse_fault("a:+2000:1")
    assert (f.latency_ms, f.failure) == (2000.0, None)
    with pytest.raises(InputError, match="expected DEPLOYMENT:FAILURE:RATE"):
        parse_fault("nonsense")
    with pytest.raises(InputError):
        parse_fault("a:explode:0.5")


def test_injected_failures_reach_the_store(project: Path, tmp_path: Path) -> None:
    args = ["run", str(project), "--results-dir", str(tmp_path), "--tasks", "intents"]
    r = CliRunner().invoke(app, [*args, "--fault", "beta:auth_error:1.0", "--fault", "alpha:overloaded:0.5"])
    assert r.exit_code == 0, r.output
    assert "injecting 1 fault(s)" in r.output
    beta = rows(tmp_path, "SELECT DISTINCT status, error_class FROM cells WHERE deployment = 'beta' ORDER BY 1")
    assert beta == [("error", "auth_error"), ("skipped", "skipped_auth")]  # the lane stops after a few
    calls = rows(tmp_path, "SELECT count(*) FROM attempts WHERE deployment = 'beta'")[0][0]
    # a simulated key counts as proven, so calls already in flight (per-deployment 8) finish: 3 failures + 7 more
    assert isinstance(calls, int) and 1 <= calls <= 3 + 8 - 1
    alpha = rows(tmp_path, "SELECT max(attempts) FROM cells WHERE deployment = 'alpha'")
    assert alpha[0][0] >= 2  # overloaded is retried
    sql = "SELECT count(*) FROM attempts WHERE error_class = 'overloaded' AND http_status = 529"
    assert rows(tmp_path, sql)[0][0] > 0


def test_semantic_faults_and_determinism(project: Path, tmp_path: Path) -> None:
    args = ["--tasks", "intents", "--deployments", "alpha", "--fault", "alpha:empty_output:0.5"]
    for name in ("a", "b"):
        r = CliRunner().invoke(app, ["run", str(project), "--results-dir", str(tmp_path / name), *args])
        assert r.exit_code == 0, r.output
    sql = "SELECT case_id, output FROM cells ORDER BY case_id"
    a, b = rows(tmp_path / "a", sql), rows(tmp_path / "b", sql)
    assert a == b
    empty = [x for x in a if x[1] == ""]
    assert 0 < len(empty) < len(a)


def test_scenarios_from_the_suite(project: Path, tmp_path: Path) -> None:
    scenario = "scenarios:\n  beta-down:\n    faults: [{deployment: beta, rate: 1.0, failure: not_found}]\n"
    project.write_text(project.read_text() + scenario)
    args = ["run", str(project), "--results-dir", str(tmp_path), "--tasks", "intents", "--scenario", "beta-down"]
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 0, r.output
    assert rows(tmp_path, "SELECT DISTINCT error_class FROM cells WHERE deployment = 'beta'") == [("not_found",)]
    r = CliRunner().invoke(app, ["run", str(project), "--results-dir", str(tmp_path), "--scenario", "nope"])
    assert r.exit_code == 2 and "unknown scenario 'nope'" in r.output


def test_a_faulty_provider_closes_the_provider_it_wraps() -> None:
    """Live clients under injected faults are closed at the end of the run like any other."""

    class Closing:
        simulated = False
        closed = 0

        async def complete(self, request: Request) -> Completion:
            raise AssertionError("not called")

        async def aclose(self) -> None:
            self.closed += 1

    inner = Closing()
    asyncio.run(FaultyProvider(inner, [parse_fault("gpt:server_error:0.5")]).aclose())
    assert inner.closed == 1
    asyncio.run(FaultyProvider(SimpleNamespace(simulated=True), []).aclose())  # no hook: nothing to close
