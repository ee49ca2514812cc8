"""`harness view`'s pages and their JSON, through Starlette's ASGI test client, on two real simulated runs."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from harness.report.data import build
from harness.store import db
from harness.view.app import create_app
from harness.view.filters import PAGE_ROWS
from harness.view.reader import Reader
from tests.view.conftest import Results


@pytest.fixture(scope="module")
def client(results: Results) -> TestClient:
    return TestClient(create_app(results.dir))


def keys(results: Results, where: str = "true", params: list[Any] | None = None) -> set[str]:
    return {r[0] for r in db.query(results.dir, f"SELECT cell_key FROM results WHERE {where}", params)}


def browse(client: TestClient, url: str) -> set[str]:
    """Every cell key a cell-browser link leads to, over all its pages (following the JSON twin's `next`)."""
    out: set[str] = set()
    after = None
    while True:
        r = client.get(f"/api{url}", params={"after": after} if after else None)
        assert r.status_code == 200, r.text
        data = r.json()
        page = {c["cell_key"] for c in data["rows"]}
        assert len(page) <= PAGE_ROWS and not page & out
        out |= page
        after = data["next"]
        if after is None:
            assert len(out) == data["total"]
            return out


def test_runs_page(client: TestClient, results: Results) -> None:
    runs = client.get("/api/runs").json()["runs"]
    assert [r["run_id"] for r in runs] == [results.cur, results.base]  # newest first
    expected = db.query(results.dir, "SELECT count(*), sum(cost_usd), avg(passed::int) FROM results WHERE run_id = ?",
                        [results.cur])[0]  # fmt: skip
    cur = runs[0]
    assert cur["status"] == "complete" and cur["simulated"] is True and cur["mode"] == "auto"
    assert cur["cells"] == expected[0] == 42 and cur["cost_usd"] == pytest.approx(expected[1])
    assert cur["pass_rate"] == pytest.approx(expected[2])
    html = client.get("/").text
    assert 'id="sim-banner"' in html and "<strong>SIM</strong>" in html
    assert f'href="/runs/{results.cur}"' in html and f"{100 * expected[2]:.1f}%" in html


def test_run_matrix_is_the_reports_overview(client: TestClient, results: Results) -> None:
    data = client.get(f"/api/runs/{results.cur}").json()
    assert data["deployments"] == ["alpha", "beta", "fallback-canned"]  # chain order
    report = {(r["task"], r["deployment"], r["variant"]): r for r in build(results.dir, results.cur)["overview"]}
    shown = {(row["task"], d, row["variant"]): c for row in data["rows"] for d, c in row["cells"].items()}
    assert shown.keys() == report.keys()
    for key, c in shown.items():
        assert c["mean"] == report[key]["mean"] and c["mean_ci"] == report[key]["mean_ci"]
        assert c["pass_rate"] == report[key]["pass_rate"] and c["pass_ci"] == report[key]["pass_ci"]
    assert data["run"]["run_id"] == results.cur and data["run"]["simulated"] is True


def test_matrix_numbers_link_to_exactly_their_cells(client: TestClient, results: Results) -> None:
    html = client.get(f"/runs/{results.cur}").text
    means = re.findall(r'<a class="mean" href="([^"]+)"', html)
    assert len(means) == 5  # intents x {alpha, beta}, invoices x {alpha, beta, fallback-canned}
    for href in means:
        url = unescape(href)
        f = dict(re.findall(r"(\w+)=([^&]+)", url))
        expected = keys(results, "run_id = ? AND task = ? AND deployment = ? AND variant = ?",
                        [results.cur, f["task"], f["deployment"], f["variant"]])  # fmt: skip
        assert expected and browse(client, url) == expected
    for href in re.findall(r'<a class="pass" href="([^"]+)"', html):
        url = unescape(href)
        f = dict(re.findall(r"(\w+)=([^&]+)", url))
        assert f["passed"] == "true"
        assert browse(client, url) == keys(results, "run_id = ? AND task = ? AND deployment = ? AND passed",
                                           [results.cur, f["task"], f["deployment"]])  # fmt: skip


def test_cell_browser_filters(client: TestClient, results: Results) -> None:
    assert browse(client, "/cells") == keys(results)
    assert browse(client, f"/cells?run={results.base}&status=ok") == keys(
        results, "run_id = ? AND status = 'ok'", [results.base]
    )
    assert browse(client, "/cells?passed=false") == keys(results, "passed = false")
    assert browse(client, "/cells?passed=none") == keys(results, "passed IS NULL")
    assert browse(client, "/cells?grader=exact") == keys(results, "task = 'intents'")
    assert browse(client, "/cells?variant=base&deployment=beta&task=invoices") == keys(
        results, "variant = 'base' AND deployment = 'beta' AND task = 'invoices'"
    )
    # text in the input (held by the dataset, not the database): the shipping cases' "parcel"
    parcel = keys(results, "task = 'intents' AND case_id IN ('c001', 'c004', 'c007', 'c010')")
    assert browse(client, "/cells?q=PARCEL") == parcel
    # text in the output: the canned deployment's answer
    assert browse(client, "/cells?q=onmouseover") == keys(results, "deployment = 'fallback-canned'") | keys(
        results, "case_id = 'c000'"
    )
    assert browse(client, "/cells?q=100%25_") == set()  # LIKE's wildcards are literal
    html = client.get("/cells?task=intents&status=ok&passed=true").text
    assert 'name="task" value="intents"' in html and "<option selected>ok</option>" in html


def test_paging(client: TestClient, results: Results) -> None:
    first = client.get("/api/cells").json()
    assert first["total"] == 84 and len(first["rows"]) == PAGE_ROWS and first["previous"] is None
    assert (first["first"], first["last"]) == (1, PAGE_ROWS)
    second = client.get("/api/cells", params={"after": first["next"]}).json()
    assert len(second["rows"]) == 84 - PAGE_ROWS and second["next"] is None and second["previous"]
    assert (second["first"], second["last"]) == (PAGE_ROWS + 1, 84)
    assert not {c["cell_key"] for c in first["rows"]} & {c["cell_key"] for c in second["rows"]}
    order = [(c["run_id"], c["task"], c["deployment"], c["variant"], c["case_id"], c["sample"])
             for c in first["rows"] + second["rows"]]  # fmt: skip
    assert order == sorted(order)
    back = client.get("/api/cells", params={"before": second["previous"]}).json()
    assert back["rows"] == first["rows"] and back["previous"] is None and back["next"] == first["next"]
    html = client.get("/cells?task=intents").text
    assert "cells 1–48 of 48" in html and 'rel="next"' not in html and 'rel="prev"' not in html
    html = client.get("/cells").text
    assert f'rel="next" href="/cells?after={first["next"]}"' in html and 'rel="prev"' not in html
    html = client.get("/cells", params={"after": first["next"]}).text
    assert f'rel="prev" href="/cells?before={second["previous"]}"' in html and "cells 51–84 of 84" in html
    assert 'rel="first" href="/cells"' in html
    r = client.get("/api/cells", params={"after": "bm9wZQ"})
    assert r.status_code == 400 and "is not a page start this viewer wrote" in r.json()["error"]
    r = client.get("/api/cells", params={"after": first["next"], "before": first["next"]})
    assert r.status_code == 400 and "not both" in r.json()["error"]


def test_cell_page(client: TestClient, results: Results) -> None:
    (key,) = keys(results, "run_id = ? AND task = 'intents' AND deployment = 'beta' AND case_id = 'c001'",
                  [results.cur])  # fmt: skip
    data = client.get(f"/api/cells/{key}").json()
    assert "Where is my parcel 1?" in data["input"] and data["reference"] == "shipping"
    assert [g["grader_id"] for g in data["grades"]] == ["exact"] and data["grades"][0]["reason"]
    assert data["attempt_rows"] and data["attempt_rows"][0]["latency_ms"] is not None
    html = client.get(f"/cells/{key}").text
    for part in ('id="input"', 'id="reference"', 'id="output"', 'id="grades"', 'id="attempts"', "prompt hash"):
        assert part in html
    assert data["grades"][0]["reason"] in unescape(html) and 'id="sim-banner"' in html
    side = {c["deployment"]: c for c in data["same_case"]}  # the same case, every deployment of the run
    assert set(side) == {"alpha", "beta"} and side["beta"]["cell_key"] == key
    for c in data["same_case"]:
        assert (c["output"], c["passed"]) == tuple(db.query(
            results.dir, "SELECT output, passed FROM results WHERE cell_key = ?", [c["cell_key"]])[0])  # fmt: skip
    assert 'id="same-case"' in html and "(this cell)" in html


def test_the_rendered_prompt_is_checked_against_the_runs_hash(client: TestClient, results: Results) -> None:
    """beta renders intents/default.j2, edited between the two runs: the current run's prompt is what was sent,
    the baseline's is today's rendering and says so."""
    where = "run_id = ? AND task = 'intents' AND deployment = 'beta' AND case_id = 'c001'"
    (cur,) = keys(results, where, [results.cur])
    (base,) = keys(results, where, [results.base])
    now = client.get(f"/api/cells/{cur}").json()["rendered_prompt"]
    assert now["same"] is True and now["note"] == ""
    assert [m["role"] for m in now["messages"]] == ["system", "user"]
    assert now["messages"][0]["content"] == "Label this message please."
    assert "Where is my parcel 1?" in now["messages"][1]["content"]
    then = client.get(f"/api/cells/{base}").json()["rendered_prompt"]
    assert then["same"] is False and "not what was sent" in then["note"]
    html = client.get(f"/cells/{base}").text
    assert "Rendered prompt" in html and "not what was sent" in html


def test_compare_is_the_reports_drift(client: TestClient, results: Results) -> None:
    data = client.get(f"/api/compare?a={results.base}&b={results.cur}").json()
    drift = build(results.dir, results.cur, results.base)["drift"]
    assert [(p["task"], p["deployment"], p["diff"], p["p_holm"], p["verdict"]) for p in data["pairs"]] == [
        (p["task"], p["deployment"], p["diff"], p["p_holm"], p["verdict"]) for p in drift["pairs"]
    ]
    assert data["n_flips"] == drift["n_flips"] > 0
    html = client.get(f"/compare?a={results.base}&b={results.cur}").text
    flipped = {unescape(h) for h in re.findall(r'href="/cells/([^"?]+)"', html)}
    assert flipped == {f[k] for f in data["flips"] for k in ("before_cell", "after_cell")}


@pytest.mark.parametrize(
    ("url", "code", "message"),
    [
        ("/runs/nope", 404, "no run 'nope' in the database"),
        ("/api/runs/nope", 404, "no run 'nope' in the database"),
        ("/cells/nope", 404, "no cell 'nope' in the database"),
        ("/api/cells/nope", 404, "no cell 'nope' in the database"),
        ("/cells?run=nope", 404, "no run 'nope' in the database"),
        ("/compare?a=nope&b=nope", 404, "no run 'nope' in the database"),
        ("/compare?a=x", 400, "compare needs two runs"),
        ("/api/cells?status=broken", 400, "status must be one of ok, error, skipped"),
        ("/api/cells?colour=red", 400, "unknown filter 'colour'"),
        ("/nowhere", 404, "no page '/nowhere'"),
    ],
)
def test_errors_say_what_is_missing(client: TestClient, url: str, code: int, message: str) -> None:
    r = client.get(url)
    assert r.status_code == code
    text = r.json()["error"] if url.startswith("/api/") else unescape(r.text)
    assert message in text


def test_the_lake_serves_the_same_pages(results: Results, tmp_path: Path) -> None:
    """`--store`: the same pages from the shared lake (its read-only connection's cursors `USE lake` too), and a
    write through it is refused."""
    from harness.store import lake

    spec = lake.parse(f"ducklake:{tmp_path / 'team.ducklake'}")
    assert spec is not None
    lake.push(results.dir, spec)
    local, shared = TestClient(create_app(results.dir)), TestClient(create_app(spec))
    for url in ("/api/runs", f"/api/runs/{results.cur}", "/api/cells?passed=false",
                f"/api/compare?a={results.base}&b={results.cur}"):  # fmt: skip
        assert shared.get(url).json() == local.get(url).json(), url
    key = local.get("/api/cells").json()["rows"][0]["cell_key"]
    assert shared.get(f"/api/cells/{key}").json()["output"] == local.get(f"/api/cells/{key}").json()["output"]
    with Reader(spec).connect() as con:
        with pytest.raises(Exception, match='Cannot execute statement of type "CREATE"'):
            con.execute("CREATE TABLE lake.x (a INTEGER)")
