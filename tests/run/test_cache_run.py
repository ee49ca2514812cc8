"""The response cache inside runs: hits make no request, errors are never cached, replay answers only from the
cache, bundles carry answers to another machine, and simulated answers stay labelled simulated."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from harness.cli import app
from harness.errors import InputError
from harness.run.launch import start_run
from harness.run.plan import Selection
from harness.run.runner import RunOptions
from tests.fakeprov import KEY_ENVS, first, http, live_project, query, route_by_keyword, serve
from tests.fakeprov.project import run_live


@pytest.fixture
def keys(monkeypatch: pytest.MonkeyPatch) -> None:
    for lane, env in KEY_ENVS.items():
        monkeypatch.setenv(env, f"key-{lane}-CANARY0123456789")


def test_an_unchanged_rerun_makes_zero_requests(tmp_path: Path, keys: None) -> None:
    results = tmp_path / "results"
    with serve(route_by_keyword) as server:
        suite = live_project(tmp_path, server, cases=4)
        first_run = run_live(suite, results, cache="rw")
        sent = len(server.hits)
        again = run_live(suite, results, cache="rw")
        assert len(server.hits) == sent == 12  # the second run sent nothing
    assert first_run.tally.cached == 0 and again.tally.cached == 12
    assert again.tally.cost_usd == 0 and again.tally.saved_usd == pytest.approx(first_run.tally.cost_usd)
    rows = query(
        results, "SELECT run_id, cache_hit, attempts, status, sum(cost_usd) FROM cells GROUP BY ALL ORDER BY 2"
    )
    assert [(r[1], r[2], r[3]) for r in rows] == [(False, 1, "ok"), (True, 0, "ok")]
    assert rows[0][4] == pytest.approx(rows[1][4])  # a cached cell records what its call cost when it was made
    differ = (
        "SELECT count(*) FROM (SELECT case_id, deployment FROM cells GROUP BY ALL HAVING count(DISTINCT output) > 1)"
    )
    assert query(results, differ) == [(0,)]  # the same answers both times


def test_errors_are_not_cached_and_ro_stores_nothing(tmp_path: Path, keys: None) -> None:
    results = tmp_path / "results"
    with serve(route_by_keyword) as server:
        suite = live_project(tmp_path, server, cases=3, lanes=("gpt",), retry_on=())
        server.schedules["gpt"] = first([http(500)])  # the first request of every cell fails, no retry
        failed = run_live(suite, results, cache="rw")
        assert failed.tally.error == 3 and len(server.hits) == 3
        answered = run_live(suite, results, cache="ro")  # asks again (errors were not cached), stores nothing
        assert answered.tally.ok == 3 and answered.tally.cached == 0 and len(server.hits) == 6
        stored = run_live(suite, results, cache="rw")
        assert stored.tally.ok == 3 and stored.tally.cached == 0 and len(server.hits) == 9
        off = run_live(suite, results, cache="off")
        assert off.tally.cached == 0 and len(server.hits) == 12
        hit = run_live(suite, results, cache="rw")
        assert hit.tally.cached == 3 and len(server.hits) == 12
    assert not list((results / "cache").rglob("*.tmp-*"))


def test_replay_answers_from_the_cache_only(tmp_path: Path, keys: None) -> None:
    results = tmp_path / "results"
    with serve(route_by_keyword) as server:
        suite = live_project(tmp_path, server, cases=4, lanes=("claude", "gpt"))
        run_live(suite, results, cache="rw")
        sent = len(server.hits)
        replay = start_run(suite, Selection(mode="replay"), results_dir=results, options=RunOptions(cache="rw"))
        assert len(server.hits) == sent
    assert replay.tally.cached == 8 and replay.tally.ok == 8 and not replay.plan.simulated
    assert "REPLAY" in replay.plan.mode_note
    got = query(
        results, f"SELECT mode, simulated, cache_hit, count(*) FROM cells WHERE run_id = '{replay.run_id}' GROUP BY ALL"
    )
    assert got == [("replay", False, True, 8)]


def test_replay_misses_fail_before_anything_is_written(tmp_path: Path, keys: None) -> None:
    results = tmp_path / "results"
    with serve(route_by_keyword) as server:
        suite = live_project(tmp_path, server, cases=3, lanes=("gpt",))
        with pytest.raises(InputError) as err:
            start_run(suite, Selection(mode="replay"), results_dir=results, options=RunOptions(cache="rw"))
        assert not server.hits
    msg = str(err.value)
    assert "3 of 3 cells have no cached answer" in msg and "intents/" in msg and "/gpt/base#0" in msg
    assert "harness cache import" in err.value.fix
    assert not (results / "runs").exists() or not list((results / "runs").glob("*.jsonl"))


def test_replayed_simulated_answers_stay_simulated_and_bundles_travel(project: Path, tmp_path: Path) -> None:
    cli = CliRunner()
    recorded, ci = tmp_path / "recorded", tmp_path / "ci"
    common = [str(project), "--tasks", "intents", "--no-report"]
    r = cli.invoke(app, ["run", *common, "--mode", "sim", "--results-dir", str(recorded)])
    assert r.exit_code == 0, r.output
    bundle = tmp_path / "bundle.jsonl.gz"
    r = cli.invoke(app, ["cache", "export", "latest", "-o", str(bundle), "--results-dir", str(recorded)])
    assert r.exit_code == 0, r.output
    exported = int(r.output.split()[0])
    assert exported > 0
    # a fresh machine: replay fails until the bundle is imported
    r = cli.invoke(app, ["run", *common, "--mode", "replay", "--results-dir", str(ci)])
    assert r.exit_code == 2 and "no cached answer" in r.output
    r = cli.invoke(app, ["cache", "import", str(bundle), "--results-dir", str(ci)])
    assert r.exit_code == 0 and f"{exported} cached answer(s) imported" in r.output
    r = cli.invoke(app, ["run", *common, "--mode", "replay", "--results-dir", str(ci)])
    assert r.exit_code == 0, r.output
    assert "SIMULATED answers among them" in r.output and "answered from the response cache" in r.output
    con_rows = _rows(ci, "SELECT DISTINCT mode, simulated FROM cells WHERE mode <> 'local'")
    assert con_rows == [("replay", True)]
    # the replayed run scores exactly like the recorded one
    assert _rows(ci, "SELECT deployment, avg(score) FROM results GROUP BY 1 ORDER BY 1") == _rows(
        recorded, "SELECT deployment, avg(score) FROM results GROUP BY 1 ORDER BY 1"
    )


def test_simulated_entries_are_salted_and_faults_bypass_the_cache(project: Path, tmp_path: Path) -> None:
    cli = CliRunner()
    base = ["run", str(project), "--tasks", "intents", "--no-report", "--mode", "sim", "--results-dir", str(tmp_path)]
    assert cli.invoke(app, base).exit_code == 0
    r = cli.invoke(app, base)
    assert "answered from the response cache" in r.output
    hits = _rows(tmp_path, "SELECT count(*) FROM cells WHERE cache_hit")[0][0]
    r = cli.invoke(app, [*base, "--sim-seed", "7"])  # another seed: another simulated answer, no hit
    assert "answered from the response cache" not in r.output
    assert _rows(tmp_path, "SELECT count(*) FROM cells WHERE cache_hit")[0][0] == hits
    r = cli.invoke(app, [*base, "--fault", "alpha:server_error:1.0"])  # the fault must happen
    assert r.exit_code == 0, r.output
    run = _rows(tmp_path, "SELECT run_id FROM runs ORDER BY started_at DESC LIMIT 1")[0][0]
    alpha = _rows(
        tmp_path, f"SELECT DISTINCT status, cache_hit FROM cells WHERE run_id = '{run}' AND deployment = 'alpha'"
    )
    assert alpha == [("error", False)]


def test_dry_run_counts_expected_cache_hits(project: Path, tmp_path: Path) -> None:
    cli = CliRunner()
    base = ["run", str(project), "--tasks", "intents", "--no-report", "--mode", "sim", "--results-dir", str(tmp_path)]
    before = cli.invoke(app, [*base, "--dry-run"])
    assert ", 0 answered by the cache" in before.output
    assert cli.invoke(app, base).exit_code == 0
    after = cli.invoke(app, [*base, "--dry-run"])
    cached = int(after.output.split(" answered by the cache")[0].rsplit(",", 1)[1])
    assert cached > 0


def _rows(results: Path, sql: str) -> list[tuple[object, ...]]:
    return query(results, sql)


def test_judge_answers_travel_in_bundles_and_replay_regrades_without_a_call(project: Path, tmp_path: Path) -> None:
    from tests.judged import add_judges

    add_judges(project, pairwise=False)
    cli = CliRunner()
    recorded, ci = tmp_path / "recorded", tmp_path / "ci"
    common = [str(project), "--tasks", "intents", "--no-report"]
    assert cli.invoke(app, ["run", *common, "--mode", "sim", "--results-dir", str(recorded)]).exit_code == 0
    bundle = tmp_path / "bundle.jsonl.gz"
    assert (
        cli.invoke(app, ["cache", "export", "latest", "-o", str(bundle), "--results-dir", str(recorded)]).exit_code == 0
    )
    assert cli.invoke(app, ["cache", "import", str(bundle), "--results-dir", str(ci)]).exit_code == 0
    r = cli.invoke(app, ["run", *common, "--mode", "replay", "--results-dir", str(ci)])
    assert r.exit_code == 0, r.output
    sql = ("SELECT c.case_id, c.deployment, g.value, g.passed, g.error FROM grades g JOIN cells c USING (cell_key)"
           " WHERE g.judge_deployment = 'gamma' ORDER BY 1, 2")  # fmt: skip
    replayed, original = _rows(ci, sql), _rows(recorded, sql)
    assert replayed and all(row[4] is None for row in replayed)  # every judge grade came from the bundle
    assert [row[:4] for row in replayed] == [row[:4] for row in original]
    assert _rows(ci, "SELECT count(*) FROM attempts") == [(0,)]  # nothing was called, judges included
