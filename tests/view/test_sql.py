"""The viewer's SQL gives the numbers the report gives: scores as the `results` view defines them, the matrix as
`report.data.overview`, the comparison as `report.compare.drift`, on runs with repeated samples (where per-case
aggregation matters) and a re-grade (where the latest grade must win)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from harness.report.data import build
from harness.store import db
from harness.view import queries, sql
from harness.view.reader import Reader
from tests.conftest import LABELS, intent_cases, make_project, write_dataset
from tests.view.conftest import Results, run_suite


@pytest.fixture(scope="module")
def repeated(tmp_path_factory: pytest.TempPathFactory) -> Results:
    """Two runs of three samples a case, the intents in clusters (the CR2 intervals), the second routed."""
    root = tmp_path_factory.mktemp("repeats")
    project = make_project(root)
    cases = intent_cases()
    for i, case in enumerate(cases):
        case["cluster"] = f"g{i % 4}"
    shutil.rmtree(root / "datasets" / "intents")
    write_dataset(root / "datasets", "intents", cases, {"text": "message"}, labels=LABELS)
    base = run_suite(project, root / "results", "--repeats", "3")
    tmpl = root / "prompts/intents/default.j2"
    tmpl.write_text(tmpl.read_text().replace("Label it.", "Label this message please."))
    cur = run_suite(project, root / "results", "--repeats", "3", "--routed")
    return Results(root / "results", base, cur)


def test_scored_is_the_results_view(repeated: Results) -> None:
    view = db.query(repeated.dir, "SELECT cell_key, score, passed FROM results ORDER BY cell_key")
    for scope, where, params in (("all", "true", []), ("cells", "task = 'intents'", []),
                                 ("run", "run_id = ?", [repeated.cur, repeated.cur])):  # fmt: skip
        got = db.query(repeated.dir, f"SELECT cell_key, score, passed FROM ({sql.scored(where, scope)}) "
                       "ORDER BY cell_key", params)  # fmt: skip
        expected = [r for r in view if r[0] in {g[0] for g in got}]
        assert got == expected and got


def test_a_later_grade_wins(repeated: Results, tmp_path: Path) -> None:
    """Two versions of one grader on a cell: the latest (by time, then version) counts, as in the view."""
    import shutil

    import duckdb

    copy = tmp_path / "results"
    shutil.copytree(repeated.dir, copy)
    con = duckdb.connect(str(db.db_path(copy)))
    key = con.execute("SELECT cell_key FROM grades WHERE grader_id = 'exact' AND passed LIMIT 1").fetchone()[0]
    con.execute("INSERT INTO grades SELECT * REPLACE ('9' AS grader_version, 0.0 AS value, false AS passed, "
                "graded_at + INTERVAL 1 SECOND AS graded_at) FROM grades WHERE cell_key = ?", [key])  # fmt: skip
    con.close()
    view = db.query(copy, "SELECT score, passed FROM results WHERE cell_key = ?", [key])
    ours = db.query(copy, f"SELECT score, passed FROM ({sql.scored('cell_key = ?', 'cells')})", [key])
    assert ours == view == [(0.0, False)]


def test_matrix_is_the_reports_overview(repeated: Results) -> None:
    data = queries.run(Reader(repeated.dir), repeated.cur)
    report = {(r["task"], r["deployment"], r["variant"]): r for r in build(repeated.dir, repeated.cur)["overview"]}
    shown = {(row["task"], d, row["variant"]): c for row in data["rows"] for d, c in row["cells"].items()}
    assert shown.keys() == report.keys()
    for key, c in shown.items():
        r = report[key]
        assert (c["cases"], c["samples"], c["errors"]) == (r["cases"], r["samples"], r["errors"])
        assert c["samples"] == 3 * c["cases"]
        for field in ("mean", "pass_rate", "error_rate", "cost_per_1k"):
            assert c[field] == pytest.approx(r[field], abs=1e-12), (key, field)
        for field in ("mean_ci", "pass_ci"):
            assert (c[field] is None) == (r[field] is None)
            if c[field]:
                assert c[field] == pytest.approx(r[field], abs=1e-12), (key, field)


def test_ladder_and_compare_are_the_reports_to_the_bit(repeated: Results) -> None:
    """The viewer's SQL path (cases reduced in DuckDB, then the report's statistics) against the report's Python
    path over every cell: equal, not approximately, with repeated samples, clusters and a routed run."""
    reader = Reader(repeated.dir)
    report = build(repeated.dir, repeated.cur, repeated.base)
    ladders = queries.run(reader, repeated.cur)["ladders"]
    assert ladders == report["ladders"]
    clustered = [s for lad in ladders if lad["task"] == "intents" for s in lad["steps"] if "vs_primary" in s]
    assert clustered and all(s["vs_primary"]["clusters"] == 4 for s in clustered)
    data = queries.compare(reader, repeated.base, repeated.cur)
    assert data["pairs"] == report["drift"]["pairs"] and data["n_flips"] == report["drift"]["n_flips"]
    shown = ("task", "deployment", "variant", "case_id", "direction", "before_score", "after_score", "before_passes",
             "after_passes", "before_cell", "after_cell")  # fmt: skip
    theirs = {(f["task"], f["deployment"], f["case_id"]): f for f in report["drift"]["flips"]}
    ours = {(f["task"], f["deployment"], f["case_id"]): f for f in data["flips"]}
    assert set(theirs) <= set(ours)  # the report embeds 40, the viewer 500
    for key, f in theirs.items():
        assert {k: ours[key][k] for k in shown} == {k: f[k] for k in shown}


def test_compare_is_the_reports_drift(repeated: Results) -> None:
    data = queries.compare(Reader(repeated.dir), repeated.base, repeated.cur)
    drift = build(repeated.dir, repeated.cur, repeated.base)["drift"]
    assert len(data["pairs"]) == len(drift["pairs"]) > 0
    for ours, theirs in zip(data["pairs"], drift["pairs"], strict=True):
        for field in ("task", "deployment", "variant", "n", "pass_to_fail", "fail_to_pass", "verdict"):
            assert ours[field] == theirs[field]
        for field in ("diff", "se", "p_holm", "mcnemar_p"):
            assert ours[field] == pytest.approx(theirs[field], abs=1e-12)
    assert data["n_flips"] == drift["n_flips"]
    theirs = {(f["task"], f["deployment"], f["case_id"]): f for f in drift["flips"]}
    for f in data["flips"]:
        t = theirs.get((f["task"], f["deployment"], f["case_id"]))
        if t:
            assert (f["before_passes"], f["after_passes"], f["before_cell"]) == (
                t["before_passes"], t["after_passes"], t["before_cell"])  # fmt: skip


def test_page_tokens_are_checked() -> None:
    row = {f"k{i}": v for i, v in enumerate(["r", "t", "d", "v", "c", 0, "key"])}
    assert sql.untoken(sql.token(row)) == ["r", "t", "d", "v", "c", 0, "key"]
    for bad in ("", "!!!", sql.token({f"k{i}": "x" for i in range(7)})):
        with pytest.raises(Exception, match="not a page start"):
            sql.untoken(bad)


def test_a_new_run_shows_and_a_load_is_not_blocked(tmp_path: Path) -> None:
    """Pages remembered for unchanged runs are recomputed once a run is added; between requests the app holds no
    connection for long, so the loader of a run in progress gets the file."""
    import time

    import duckdb
    from starlette.testclient import TestClient

    from harness.view.app import create_app

    project = make_project(tmp_path)
    first = run_suite(project, tmp_path / "results", "--tasks", "intents")
    client = TestClient(create_app(tmp_path / "results"))
    assert [r["run_id"] for r in client.get("/api/runs").json()["runs"]] == [first]
    matrix = client.get(f"/api/runs/{first}").json()
    deadline = time.monotonic() + 10
    while True:  # the idle connection is closed soon after the last request: a writer can open the file
        try:
            duckdb.connect(str(db.db_path(tmp_path / "results"))).close()
            break
        except (duckdb.IOException, duckdb.ConnectionException):  # another process, or this one
            assert time.monotonic() < deadline, "the viewer kept the database locked"
            time.sleep(0.05)
    second = run_suite(project, tmp_path / "results", "--tasks", "intents")
    assert [r["run_id"] for r in client.get("/api/runs").json()["runs"]] == [second, first]
    assert client.get(f"/api/runs/{first}").json() == matrix


@pytest.mark.parametrize("passed", ["true", "false", None])
def test_paging_a_scored_filter_and_back(repeated: Results, passed: str | None) -> None:
    """Forward through every page and back again, on a filter that needs the scores (remembered keys) and on one
    that does not (keyset queries): the same cells, in order, each once."""
    from starlette.testclient import TestClient

    from harness.view.app import create_app

    client = TestClient(create_app(repeated.dir))
    params = {"run": repeated.cur, **({"passed": passed} if passed else {})}
    where = "run_id = ?" + {"true": " AND passed", "false": " AND passed = false", None: ""}[passed]
    expected = db.query(repeated.dir, f"SELECT cell_key FROM results WHERE {where} ORDER BY run_id, task, "
                        "deployment, variant, case_id, sample, cell_key", [repeated.cur])  # fmt: skip
    pages, after = [], None
    while True:
        data = client.get("/api/cells", params={**params, **({"after": after} if after else {})}).json()
        pages.append(([c["cell_key"] for c in data["rows"]], data["previous"], data["first"]))
        after = data["next"]
        if after is None:
            break
    assert [k for p, _, _ in pages for k in p] == [r[0] for r in expected] and len(pages) >= 2
    assert [first for _, _, first in pages] == [1 + 50 * i for i in range(len(pages))]
    for i in range(len(pages) - 1, 0, -1):  # each page's "previous" opens the page before it
        data = client.get("/api/cells", params={**params, "before": pages[i][1]}).json()
        assert [c["cell_key"] for c in data["rows"]] == pages[i - 1][0] and data["first"] == pages[i - 1][2]
    assert pages[0][1] is None and all(p[1] for p in pages[1:])
