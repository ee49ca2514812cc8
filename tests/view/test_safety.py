"""`harness view` is safe to point at any results: everything a run carries is shown as text (the report's XSS corpus
through every page), every response carries the strict CSP, and nothing it serves can write to the database."""

from __future__ import annotations

import json
import os
import threading
import time
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import pytest
from starlette.testclient import TestClient
from typer.testing import CliRunner

from harness.cli import app as cli
from harness.errors import InputError
from harness.store import db
from harness.view.app import CSP, create_app
from harness.view.reader import Reader
from harness.view.serve import server
from tests.view.conftest import XSS, Results


@pytest.fixture(scope="module")
def client(results: Results) -> TestClient:
    return TestClient(create_app(results.dir))


#: The elements our templates write: anything else in a page came from data.
SAFE_TAGS = {"html", "head", "meta", "title", "style", "body", "nav", "a", "h1", "h2", "h3", "h4", "p", "span", "div",
             "dl", "dt", "dd", "code", "pre", "table", "thead", "tbody", "tr", "th", "td", "br", "strong", "form",
             "label", "input", "select", "option", "button", "svg", "polyline", "circle"}  # fmt: skip


class Markup(HTMLParser):
    """The tags, attribute names and link targets of a page, as a browser's parser sees them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attrs: set[str] = set()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attrs |= {name for name, _ in attrs}
        self.hrefs += [value or "" for name, value in attrs if name in ("href", "action", "src", "formaction")]


def every_url(client: TestClient, results: Results) -> list[str]:
    """Every page and JSON endpoint, with each cell whose output, input or reference holds the corpus."""
    xss_cells = [r[0] for r in db.query(results.dir, "SELECT cell_key FROM results WHERE deployment = "
                                        "'fallback-canned' OR case_id IN ('c000', 'x0')")]  # fmt: skip
    pages = ["/", "/cells", "/cells?q=script", "/cells?q=<script>", f"/cells?task={XSS}", f"/cells?q={XSS}",
             "/cells?passed=false",
             f"/runs/{results.base}", f"/runs/{results.cur}", f"/compare?a={results.base}&b={results.cur}",
             f"/runs/{results.base}/templates", f"/runs/{results.cur}/templates", f"/runs/{XSS}/templates",
             f"/runs/{XSS}", f"/cells/{XSS}", "/nowhere<script>", *(f"/cells/{k}" for k in xss_cells)]  # fmt: skip
    return pages + ["/api/runs"] + ["/api" + p for p in pages if p != "/"]


def inert(html: str, url: str) -> None:
    """Nothing from data became an element, an attribute, an event handler or a link off the app."""
    ours = html.replace('<svg class="spark" ', "")  # the runs page's sparklines
    assert "<script" not in html.lower() and "<img" not in html and "<svg" not in ours, url
    markup = Markup()
    markup.feed(html)
    assert markup.tags <= SAFE_TAGS, (url, markup.tags - SAFE_TAGS)
    assert not [a for a in markup.attrs if a.startswith("on")], url  # no event handler from data
    assert all(h.startswith("/") and not h.startswith("//") for h in markup.hrefs), (url, markup.hrefs)
    assert not any("javascript:" in h.lower() for h in markup.hrefs), url


def test_the_xss_corpus_is_text_on_every_page(client: TestClient, results: Results) -> None:
    shown = reference = 0
    for url in every_url(client, results):
        r = client.get(url)
        assert r.headers["content-security-policy"] == CSP, url
        assert "script-src 'none'" in CSP and "default-src 'none'" in CSP
        if url.startswith("/api/"):
            assert r.headers["content-type"].startswith("application/json"), url
            continue
        inert(r.text, url)
        shown += "&lt;script&gt;alert(1)&lt;/script&gt;" in r.text
        reference += "&#34;vendor&#34;: &#34;&lt;script&gt;alert(1)" in r.text
    assert shown >= 10 and reference >= 2  # the corpus did reach the pages (output, input, reference, filters), escaped


def test_the_corpus_in_routed_play_and_spend_is_text(results: Results, tmp_path: Path) -> None:
    """A copy of the results whose routed walks and cells carry the corpus where names and classes go (a task,
    variant, deployment, outcome and failure class): the run page's routed play and spend show it as text, and
    every link it makes opens the cell browser on it."""
    import shutil

    import duckdb

    copy = tmp_path / "results"
    shutil.copytree(results.dir, copy)
    con = duckdb.connect(str(db.db_path(copy)))
    path = json.dumps([{"deployment": XSS, "position": 0, "outcome": XSS}])
    con.execute("INSERT INTO served SELECT * REPLACE (? AS task, ? AS variant, ? AS failure_class, ? AS path, "
                "NULL AS served_deployment, NULL AS served_cell, 'error' AS status) FROM served WHERE run_id = ? "
                "LIMIT 1", [XSS, XSS, XSS, path, results.cur])  # fmt: skip
    con.execute("INSERT INTO served SELECT * REPLACE (? AS task, ? AS variant, ? AS served_deployment, "
                "'x' || case_id AS case_id) FROM served WHERE run_id = ? AND served_cell IS NOT NULL LIMIT 1",
                [XSS, XSS, XSS, results.cur])  # fmt: skip
    con.execute("UPDATE cells SET deployment = ? WHERE cell_key IN (SELECT cell_key FROM cells WHERE run_id = ? AND "
                "deployment = 'fallback-canned' LIMIT 1)", [XSS, results.cur])  # fmt: skip
    con.close()
    client = TestClient(create_app(copy))
    html = client.get(f"/runs/{results.cur}").text
    inert(html, "run page")
    routed, spend = html[html.index('id="routed"') : html.index('id="spend"')], html[html.index('id="spend"') :]
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert routed.count(escaped) >= 4 and spend.count(escaped) >= 1  # task, variant, deployment, outcome, class
    markup = Markup()
    markup.feed(routed + spend)
    for href in markup.hrefs:
        r = client.get(href)
        assert r.status_code == 200 and r.headers["content-security-policy"] == CSP, href
        inert(r.text, href)
    data = client.get(f"/api/runs/{results.cur}").json()
    assert any(r["task"] == XSS for r in data["routed"]) and any(r["deployment"] == XSS for r in data["spend"]["rows"])


def test_csp_on_refusals_and_errors_too(client: TestClient) -> None:
    for r in (client.post("/"), client.put("/api/cells"), client.delete("/runs/x"), client.get("/nope"),
              client.get("/", headers={"host": "attacker.example"})):  # fmt: skip
        assert r.headers["content-security-policy"] == CSP
        assert r.headers["x-content-type-options"] == "nosniff"
    assert client.get("/", headers={"host": "attacker.example"}).status_code == 400  # DNS rebinding


def test_the_app_never_writes(results: Results) -> None:
    path = db.db_path(results.dir)
    files = sorted(results.dir.glob("harness.duckdb*"))
    before = {p: (p.stat().st_mtime_ns, p.stat().st_size) for p in files}
    count = db.query(results.dir, "SELECT count(*) FROM cells")[0][0]
    client = TestClient(create_app(results.dir))
    for url in every_url(client, results):
        client.get(url)
    for method in ("post", "put", "patch", "delete"):
        for url in ("/", "/api/cells", f"/api/runs/{results.cur}", "/cells/x"):
            assert getattr(client, method)(url).status_code == 405
    drop = "x'; DROP TABLE cells; --"
    assert client.get("/api/cells", params={"task": drop, "q": drop}).json()["total"] == 0
    assert client.get("/api/cells", params={"run": drop}).status_code == 404
    assert {p: (p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(results.dir.glob("harness.duckdb*"))} == before
    assert db.query(results.dir, "SELECT count(*) FROM cells")[0][0] == count and path.exists()
    with Reader(results.dir).connect() as con:  # the connection itself refuses, whatever a query says
        with pytest.raises(Exception, match="read-only"):
            con.execute("CREATE TABLE t (x INTEGER)")
        with pytest.raises(Exception, match="external access|disabled"):
            con.execute("COPY cells TO '/tmp/out.csv'")


def test_no_database_is_one_line_and_exit_2(tmp_path: Path) -> None:
    r = CliRunner().invoke(cli, ["view", "--results-dir", str(tmp_path), "--no-browser"])
    assert r.exit_code == 2
    assert r.output.strip().splitlines() == [
        f"error: no database in {tmp_path} (fix: run `harness run` or `harness db load` first)"
    ]
    with pytest.raises(InputError, match="--port must be"):
        server(tmp_path, port=70000)


def test_uvicorn_serves_on_loopback(results: Results) -> None:
    srv = server(results.dir, "127.0.0.1", 0)  # port 0: the kernel picks a free one
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not srv.started:
            assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
            time.sleep(0.05)
        host, port = srv.servers[0].sockets[0].getsockname()[:2]
        assert host == "127.0.0.1"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as r:  # noqa: S310 (loopback, ours)
            body = r.read().decode()
            assert r.status == 200 and r.headers["Content-Security-Policy"] == CSP
        assert results.cur in body and "harness view: runs" in body
    finally:
        srv.should_exit = True
        thread.join(timeout=10)
    assert not thread.is_alive()
    assert os.path.exists(db.db_path(results.dir))


def test_warm_remembers_the_runs_the_newest_run_and_its_comparison(results: Results) -> None:
    from harness.view.serve import warm

    reader = Reader(results.dir)
    warm(reader)
    assert {name for name, _ in reader._memos} == {"runs", "cases", "run", "compare"}
    assert [runs for name, runs in reader._memos if name == "run"] == [(results.cur,)]
    assert [runs for name, runs in reader._memos if name == "compare"] == [(results.base, results.cur)]
    reader.close()
