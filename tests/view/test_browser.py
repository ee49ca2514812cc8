"""`harness view` in real headless Chromium (Debian's chromium + chromedriver, as tests/report/test_browser.py drives
the report), against the real uvicorn server on a free loopback port: runs → a run (its routed play and spend numbers
opening their cells) → a matrix number → a cell in the filtered browser → the cell page → compare two runs. Each
page's key content is checked, and the XSS corpus the runs carry (a model's output, a case's input and reference)
is text: no script runs, no element comes from data."""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from harness.view.serve import server
from tests.report.test_browser import CHROMIUM, DRIVER, chromium
from tests.view.conftest import XSS, Results

if not (os.path.exists(CHROMIUM) and DRIVER):  # the report's browser test skips (or fails under CI) the same way
    if os.environ.get("CI") == "true":
        raise RuntimeError("chromium and chromedriver are required under CI (make test installs them)")
    pytest.skip("chromium/chromedriver not installed (make test installs them)", allow_module_level=True)

#: Elements the corpus would create if it reached markup: none may exist on any page.
INJECTED = "img[src=x], svg[onload], [onmouseover], [onerror], script"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from chromium()


@pytest.fixture(scope="module")
def base_url(results: Results) -> Iterator[str]:
    srv = server(results.dir, "127.0.0.1", 0)  # port 0: the kernel picks a free one
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.05)
    port = srv.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


def check_page(d: Any, title: str, status: int = 200) -> str:
    """The page's title holds `title`; nothing from data became an element or ran; no console errors (but the
    page's own status when it is an error page). The page's text."""
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    with contextlib.suppress(TimeoutException):  # a click returns before the next page has loaded
        WebDriverWait(d, 10).until(lambda d: title in d.title)
    assert title in d.title, (title, d.title)
    assert d.find_elements(By.CSS_SELECTOR, INJECTED) == []
    assert d.execute_script("return document.scripts.length") == 0
    expected = f"status of {status} "
    severe = [e for e in d.get_log("browser") if e["level"] == "SEVERE" and expected not in e["message"]]
    assert severe == [], severe
    return str(d.find_element(By.TAG_NAME, "body").text)


def test_runs_to_a_cell_to_a_comparison(browser: Any, base_url: str, results: Results) -> None:
    from selenium.webdriver.common.by import By

    d = browser
    d.get(base_url + "/")
    body = check_page(d, "harness view: runs")
    assert results.cur in body and results.base in body and "SIMULATED" in body
    spark = d.find_element(By.CSS_SELECTOR, "svg.spark")  # the suite's pass rate over its two runs, drawn unscripted
    assert spark.is_displayed() and len(spark.find_elements(By.TAG_NAME, "circle")) == 2
    d.find_element(By.LINK_TEXT, results.cur).click()

    body = check_page(d, f"run {results.cur}")
    assert d.find_element(By.ID, "matrix-table").is_displayed() and "Task × deployment" in body
    assert len(d.find_elements(By.CSS_SELECTOR, "table.ladder")) == 2 and "Degradation ladder" in body
    d.find_element(By.ID, "templates-link").click()
    body = check_page(d, "prompt templates of run")
    assert "intents/default.j2" in body and len(d.find_elements(By.CSS_SELECTOR, "#templates tbody tr")) == 5
    d.back()
    body = check_page(d, f"run {results.cur}")
    assert "Routed play" in body and "Spend and latency" in body
    served_by = d.find_elements(By.CSS_SELECTOR, "#routed-table a.served-by")
    assert served_by and d.find_element(By.ID, "spend-table").is_displayed()
    deployment = served_by[0].text.split()[0]
    served_by[0].click()  # the cells that served the task's walks from one deployment
    check_page(d, "harness view: cells")
    assert d.find_element(By.CSS_SELECTOR, 'select[name="routed"] option[selected]').text == "served"
    rows = d.find_elements(By.CSS_SELECTOR, "#cells tbody tr")
    assert rows and all(deployment in r.text for r in rows)
    d.back()
    d.find_elements(By.CSS_SELECTOR, "#spend-table a.p95")[0].click()  # a latency number: its cells
    check_page(d, "harness view: cells")
    assert d.find_elements(By.CSS_SELECTOR, "#cells tbody tr")
    d.back()
    means = d.find_elements(By.CSS_SELECTOR, "#matrix-table a.mean")
    assert len(means) == 5  # intents × {alpha, beta}, invoices × {alpha, beta, fallback-canned}
    canned = next(a for a in means if "fallback-canned" in a.get_attribute("href"))
    canned.click()  # invoices on the canned fallback: its output is the corpus

    body = check_page(d, "harness view: cells")
    rows = d.find_elements(By.CSS_SELECTOR, "#cells tbody tr")
    assert rows and all("fallback-canned" in r.text and "invoices" in r.text for r in rows)
    assert "<script>alert(1)</script>" in body  # the corpus, as text
    rows[0].find_element(By.CSS_SELECTOR, "a.cell").click()

    body = check_page(d, "harness view: invoices / fallback-canned")
    assert d.find_element(By.ID, "output").text == XSS
    assert d.find_element(By.ID, "grades").is_displayed() and "This case across the run" in body
    d.find_element(By.CSS_SELECTOR, f'dl.prov a[href="/runs/{results.cur}"]').click()  # back to the run: its form
    check_page(d, f"run {results.cur}")
    d.find_element(By.CSS_SELECTOR, 'form[action="/compare"] input[name="a"]').send_keys(results.base)
    d.find_element(By.CSS_SELECTOR, 'form[action="/compare"] button').click()

    body = check_page(d, f"{results.cur} vs {results.base}")
    assert d.current_url == f"{base_url}/compare?b={results.cur}&a={results.base}"
    pairs = d.find_elements(By.CSS_SELECTOR, "#pairs tbody tr")
    assert len(pairs) == 5 and "Flipped cases" in body
    flipped = d.find_elements(By.CSS_SELECTOR, "#flip-table tbody tr")
    assert flipped and any("pass → fail" in r.text or "fail → pass" in r.text for r in flipped)


def test_the_corpus_in_an_input_and_a_url_runs_nothing(browser: Any, base_url: str) -> None:
    from urllib.parse import quote

    d = browser
    d.get(f"{base_url}/cells?q={quote('<script>')}")
    body = check_page(d, "harness view: cells")
    assert "match" in body
    d.get(f"{base_url}/runs/{quote(XSS, safe='')}")  # a run id that is the corpus: a 404 page showing it as text
    body = check_page(d, "harness view: error", 404)
    assert "<script>alert(1)</script>" in body
