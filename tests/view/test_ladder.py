"""The run page's degradation ladder (the report's own), the prompt templates page, and a cell's pairwise-judge
verdicts in both orders (a real simulated run with a pairwise judge, the XSS corpus in a case's input)."""

from __future__ import annotations

import re
import shutil
from html import unescape
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from harness.report.data import build
from harness.store import db
from harness.view.app import create_app
from tests.conftest import LABELS, make_project, write_dataset
from tests.judged import add_judges, labelled_cases
from tests.view.conftest import XSS, Results, run_suite
from tests.view.test_pages import browse, keys
from tests.view.test_safety import SAFE_TAGS, Markup


@pytest.fixture(scope="module")
def client(results: Results) -> TestClient:
    return TestClient(create_app(results.dir))


def test_the_ladder_is_the_reports(client: TestClient, results: Results) -> None:
    data = client.get(f"/api/runs/{results.cur}").json()
    assert data["ladders"] == build(results.dir, results.cur)["ladders"]
    assert [(x["task"], x["primary"]) for x in data["ladders"]] == [("intents", "alpha"), ("invoices", "alpha")]
    html = client.get(f"/runs/{results.cur}").text
    assert 'id="ladder"' in html and 'id="templates-link"' in html
    beta = next(s for s in data["ladders"][0]["steps"] if s["deployment"] == "beta")
    assert f"{beta['vs_primary']['diff']:+.3f}" in html
    links = re.findall(r'<a class="step-mean" href="([^"]+)"', html)
    assert len(links) == 5  # intents: alpha, beta; invoices: alpha, beta, fallback-canned
    for href in links:
        f = dict(re.findall(r"(\w+)=([^&]+)", unescape(href)))
        expected = keys(results, "run_id = ? AND task = ? AND deployment = ? AND variant = ?",
                        [f["run"], f["task"], f["deployment"], f["variant"]])  # fmt: skip
        assert expected and browse(client, unescape(href)) == expected


def test_templates_page(client: TestClient, results: Results) -> None:
    used = {}
    for run in (results.base, results.cur):
        data = client.get(f"/api/runs/{run}/templates").json()
        expected = db.query(results.dir, "SELECT task, deployment, variant, template_path, template_hash, count(*) "
                            "FROM cells WHERE run_id = ? GROUP BY ALL ORDER BY ALL", [run])  # fmt: skip
        shown = sorted((t["task"], t["deployment"], t["variant"], t["template_path"], t["template_hash"], t["cells"])
                       for t in data["templates"])  # fmt: skip
        assert shown == sorted(tuple(r) for r in expected) and len(shown) == 5
        used[run] = {(t["task"], t["deployment"]): t["template_hash"] for t in data["templates"]}
        paths = {(t["task"], t["deployment"]): t["template_path"] for t in data["templates"]}
        html = client.get(f"/runs/{run}/templates").text
        assert all(t["template_hash"] in html and t["template_path"] in html for t in data["templates"])
        for href in re.findall(r'<a class="cells" href="([^"]+)"', html):
            f = dict(re.findall(r"(\w+)=([^&]+)", unescape(href)))
            assert browse(client, unescape(href)) == keys(
                results, "run_id = ? AND task = ? AND deployment = ? AND variant = ?",
                [f["run"], f["task"], f["deployment"], f["variant"]])  # fmt: skip
    # the edit of prompts/intents/default.j2 between the runs changed the hash of the cells that used it only
    changed = {k for k in used[results.base] if used[results.base][k] != used[results.cur][k]}
    assert changed == {k for k, p in paths.items() if p.endswith("intents/default.j2")} == {("intents", "beta")}
    assert client.get("/runs/nope/templates").status_code == 404


@pytest.fixture(scope="module")
def judged(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp("judged")
    suite = add_judges(make_project(root))
    cases = labelled_cases()
    cases[0]["input"]["text"] = XSS
    shutil.rmtree(root / "datasets" / "intents")
    write_dataset(root / "datasets", "intents", cases, {"text": "message"}, labels=LABELS)
    return root / "results", run_suite(suite, root / "results")


def test_a_cells_pairwise_verdicts_in_both_orders(judged: tuple[Path, str]) -> None:
    results, run = judged
    client = TestClient(create_app(results))
    found = db.query(results, "SELECT a_cell, b_cell, first_order, second_order, winner, consistent, reason FROM "
                     "pairwise WHERE run_id = ? AND winner IS NOT NULL ORDER BY ALL", [run])  # fmt: skip
    assert found
    a_cell, b_cell, first, second, winner, consistent, reason = found[0]
    for key in (a_cell, b_cell):
        data = client.get(f"/api/cells/{key}").json()
        mine = [p for p in data["pairwise"] if (p["a_cell"], p["b_cell"]) == (a_cell, b_cell)]
        assert len(mine) == 1 and (mine[0]["first_order"], mine[0]["second_order"]) == (first, second)
        assert mine[0]["winner"] == winner and mine[0]["consistent"] == consistent
        html = client.get(f"/cells/{key}").text
        assert 'id="pairwise-table"' in html
        assert f'<td class="first-order">{first}</td><td class="second-order">{second}</td>' in html
        other = b_cell if key == a_cell else a_cell
        assert f'href="/cells/{other}"' in html
        grades = client.get(f"/api/cells/{key}").json()["grades"]
        assert grades and all(g["reason"] for g in grades if g["error"] is None)  # each grade's reason is shown
    unjudged = db.query(results, "SELECT cell_key FROM cells WHERE run_id = ? AND task = 'invoices'", [run])[0][0]
    assert client.get(f"/api/cells/{unjudged}").json()["pairwise"] == []
    assert 'id="pairwise-table"' not in client.get(f"/cells/{unjudged}").text


def test_the_corpus_is_text_on_a_judged_cell(judged: tuple[Path, str]) -> None:
    results, run = judged
    client = TestClient(create_app(results))
    cells = [r[0] for r in db.query(results, "SELECT cell_key FROM cells WHERE run_id = ? AND case_id = 'c000'",
                                    [run])]  # fmt: skip
    assert cells
    for url in [f"/cells/{k}" for k in cells] + [f"/runs/{run}", f"/runs/{run}/templates"]:
        html = client.get(url).text
        assert "<script" not in html.lower() and "<img" not in html, url
        markup = Markup()
        markup.feed(html)
        assert markup.tags <= SAFE_TAGS and not [a for a in markup.attrs if a.startswith("on")], url
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in client.get(f"/cells/{cells[0]}").text


def test_the_runs_page_draws_each_suites_pass_rate_history(client: TestClient, results: Results) -> None:
    from harness.view.spark import HEIGHT, PAD

    data = client.get("/api/runs").json()
    rates = {r["run_id"]: r["pass_rate"] for r in data["runs"]}
    [suite] = data["history"]
    assert [p["run_id"] for p in suite["runs"]] == [results.base, results.cur]  # oldest first
    assert [p["pass_rate"] for p in suite["runs"]] == [rates[results.base], rates[results.cur]]
    assert suite["runs"][0]["x"] < suite["runs"][1]["x"]
    for p in suite["runs"]:  # y: 1 at the top of the box, 0 at the bottom
        assert p["y"] == pytest.approx(PAD + (HEIGHT - 2 * PAD) * (1 - p["pass_rate"]), abs=0.05)
    html = client.get("/").text
    svg = re.search(r'<svg class="spark".*?</svg>', html, re.S)
    assert svg and svg.group(0).count("<circle") == 2 and f'points="{suite["points"]}"' in svg.group(0)
    assert f"{100 * rates[results.cur]:.1f}%" in svg.group(0)  # each point's title: run, start, pass rate
