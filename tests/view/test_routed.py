"""The run page's routed play and spend and latency: the report's numbers, and every number a link to exactly the
cells behind it (a real simulated routed run with an injected fault, so walks fall back and some go unserved)."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from harness.report.data import build
from harness.store import db
from harness.view.app import create_app
from tests.conftest import make_project
from tests.view.conftest import run_suite
from tests.view.test_pages import browse


@pytest.fixture(scope="module")
def routed_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp("routed")
    project = make_project(root)
    run = run_suite(project, root / "results", "--routed", "--repeats", "2", "--fault", "alpha:server_error:0.5",
                    "--fault", "beta:empty_output:0.3")  # fmt: skip
    return root / "results", run


@pytest.fixture(scope="module")
def client(routed_run: tuple[Path, str]) -> TestClient:
    return TestClient(create_app(routed_run[0]))


def cells(results: Path, where: str, params: list[Any]) -> set[str]:
    return {r[0] for r in db.query(results, f"SELECT cell_key FROM cells WHERE {where}", params)}


def walked(results: Path, run: str) -> list[tuple[Any, ...]]:
    """(task, case, variant, sample, deployment, outcome, walk's status) of every position a walk tried."""
    out = []
    for task, case, variant, sample, status, path in db.query(
        results, "SELECT task, case_id, variant, sample, status, path FROM served WHERE run_id = ?", [run]
    ):
        out += [(task, case, variant, sample, p["deployment"], p["outcome"], status) for p in json.loads(path)]
    return out


def test_routed_play_is_the_reports(client: TestClient, routed_run: tuple[Path, str]) -> None:
    results, run = routed_run
    ours = {r["task"]: r for r in client.get(f"/api/runs/{run}").json()["routed"]}
    report = build(results, run)
    theirs = {r["task"]: r for r in report["routed"]}
    assert ours.keys() == theirs.keys() == {"intents", "invoices"}
    for task, t in theirs.items():
        o = ours[task]
        assert o["walks"] == t["cases"]
        share = {s["deployment"]: s["share"] for s in o["served_by"]}
        if o["unserved"]:
            share["(none)"] = o["unserved"] / o["walks"]
        assert share == pytest.approx(t["share"])
        assert {u["failure_class"]: u["walks"] for u in o["unserved_by"]} == t["unserved"]
        assert {f"{p['deployment']}: {p['outcome']}": p["walks"] for p in o["passed_over"]} == t["fell_back"]
        assert (o["p50_ms"], o["p95_ms"], o["ttft_p95_ms"]) == (t["p50_ms"], t["p95_ms"], t["ttft_p95_ms"])
        assert o["ttft_p95_ms"] is not None and o["hedge_per_1k"] == t["hedge_cost_per_1k"] == 0.0
        assert o["served_mean"] == pytest.approx(t["served_mean"])
        assert o["cost_per_1k"] == pytest.approx(t["cost_per_1k"])
    measured = {e["task"]: e["routed"] for e in report["scenarios"]}
    assert all(ours[task]["quality"] == pytest.approx(m["quality"]) for task, m in measured.items())
    # the fault made walks fall back from alpha, and both reasons show
    assert any(p["outcome"] == "server_error" for o in ours.values() for p in o["passed_over"])


def test_every_routed_number_opens_its_cells(client: TestClient, routed_run: tuple[Path, str]) -> None:
    results, run = routed_run
    html = client.get(f"/runs/{run}").text
    tried = walked(results, run)
    served = {r[0]: r for r in db.query(results, "SELECT served_cell, task, variant, served_deployment FROM served "
                                        "WHERE run_id = ? AND served_cell IS NOT NULL", [run])}  # fmt: skip
    key = {r[1:]: r[0] for r in db.query(results, "SELECT cell_key, task, case_id, variant, sample, deployment "
                                         "FROM cells WHERE run_id = ?", [run])}  # fmt: skip
    links = re.findall(r'<a class="(walks|served-by|passed-over|unserved|quality)" href="([^"]+)">([^<]+)</a>', html)
    assert {kind for kind, _, _ in links} >= {"walks", "served-by", "passed-over", "quality"}
    for kind, href, text in links:
        f = dict(re.findall(r"(\w+)=([^&]+)", unescape(href)))
        assert f["run"] == run
        got = browse(client, unescape(href))
        mine = [t for t in tried if (t[0], t[2]) == (f["task"], f["variant"])]
        if kind == "walks":
            expected = {key[t[:4] + (t[4],)] for t in mine}
        elif kind == "served-by":
            expected = {k for k, s in served.items() if s[1:] == (f["task"], f["variant"], f["deployment"])}
        elif kind == "passed-over":
            expected = {key[t[:4] + (t[4],)] for t in mine if t[4] == f["deployment"] and t[5] == f["outcome"]}
            assert len(expected) == int(text.rsplit("× ", 1)[1])  # one cell per walk that left it
        elif kind == "unserved":
            expected = {key[t[:4] + (t[4],)] for t in mine if t[6] != "ok"}
        else:
            expected = {k for k, s in served.items() if s[1:3] == (f["task"], f["variant"])}
        assert got == expected and got, (kind, href)


def test_spend_and_latency(client: TestClient, routed_run: tuple[Path, str]) -> None:
    results, run = routed_run
    spend = client.get(f"/api/runs/{run}").json()["spend"]
    report = {(r["task"], r["deployment"]): r for r in build(results, run)["overview"]}
    for r in spend["rows"]:
        query = ("SELECT sum(cost_usd), count(*), count(*) FILTER (WHERE status = 'error'), sum(input_tokens) "
                 "FROM cells WHERE run_id = ? AND task = ? AND deployment = ?")  # fmt: skip
        cost, cells_n, errors, tokens = db.query(results, query, [run, r["task"], r["deployment"]])[0]
        assert (r["cells"], r["errors"], r["input_tokens"]) == (cells_n, errors, tokens or 0)
        assert r["cost_usd"] == pytest.approx(cost or 0.0)
        mine = report[(r["task"], r["deployment"])]  # one variant: the report's p50 and p95 are the same cells'
        assert (r["p50_ms"], r["p95_ms"]) == (mine["p50_ms"], mine["p95_ms"])
    assert sum(r["cells"] for r in spend["deployments"]) == spend["total"]["cells"] == 2 * 42
    assert spend["total"]["cost_usd"] == pytest.approx(sum(r["cost_usd"] for r in spend["rows"]))
    html = client.get(f"/runs/{run}").text
    table = html[html.index('id="spend-table"') :]
    hrefs = set(re.findall(r'href="([^"]+)"', table))
    assert len(hrefs) >= len(spend["rows"]) + len(spend["deployments"]) + 1
    for href in hrefs:
        f = dict(re.findall(r"(\w+)=([^&]+)", unescape(href)))
        where = " AND ".join(["run_id = ?"] + [f"{c} = ?" for c in ("task", "deployment", "status") if c in f])
        expected = cells(results, where, [f[c] for c in ("run", "task", "deployment", "status") if c in f])
        assert browse(client, unescape(href)) == expected, href


def test_a_run_not_routed_says_so(client: TestClient, routed_run: tuple[Path, str], tmp_path: Path) -> None:
    project = make_project(tmp_path)
    run = run_suite(project, tmp_path / "results", "--tasks", "intents")
    html = TestClient(create_app(tmp_path / "results")).get(f"/runs/{run}").text
    assert 'id="not-routed"' in html and 'id="routed-table"' not in html and 'id="spend-table"' in html
    bad = client.get("/api/cells", params={"routed": "sideways"})
    assert bad.status_code == 400 and "routed must be one of" in bad.json()["error"]
    assert client.get("/api/cells", params={"routed": "served", "outcome": "timeout"}).status_code == 400
