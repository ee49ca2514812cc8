"""The HTML report in real headless Chromium (Debian's chromium + chromedriver, never a downloaded browser).

Opens a generated report from file://, checks sections and numbers (overview, Fleiss' κ, scenario expectations,
trend and cost-quality SVG charts, judge health), expands a flipped case (input, reference, both outputs, grader
reasons), sorts and filters tables, sees no console errors, and shows that model outputs carrying script tags, event
handlers and </script> breakouts render as text and run nothing.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from harness.cli import app
from harness.report.data import build

CHROMIUM, DRIVER = shutil.which("chromium") or "/usr/bin/chromium", shutil.which("chromedriver")
PAYLOAD = (
    '</script><script>window.__pwned=1</script><img src=x onerror="window.__pwned=2"><b onmouseover=alert(1)>x</b>'
)

if not (os.path.exists(CHROMIUM) and DRIVER):
    if os.environ.get("CI") == "true":
        raise RuntimeError("chromium and chromedriver are required under CI (make test installs them)")
    pytest.skip("chromium/chromedriver not installed (make test installs them)", allow_module_level=True)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    yield from chromium()


def chromium() -> Iterator[Any]:
    """Debian's headless Chromium under chromedriver, its console log kept; quit when the generator closes."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"):  # fmt: skip
        opts.add_argument(flag)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(DRIVER), options=opts)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def report(project: Path, tmp_path: Path) -> Path:
    """A report with a baseline, flipped cases, and a canned answer carrying an XSS payload."""
    runner = CliRunner()
    args = ["run", str(project), "--results-dir", str(tmp_path), "--no-report"]
    assert runner.invoke(app, args).exit_code == 0
    base = sorted((tmp_path / "runs").glob("*.jsonl"))[-1].stem
    models = project.parent / "models.yaml"
    canned = "response: {vendor: null, invoice_number: null, total: null}"
    models.write_text(models.read_text().replace(canned, f"{canned}\n    model: {json.dumps(PAYLOAD)}"))
    tmpl = project.parent.parent / "prompts/intents/default.j2"
    tmpl.write_text(tmpl.read_text().replace("Label it.", "Label the message."))
    assert runner.invoke(app, [*args, "--repeats", "2"]).exit_code == 0
    out = tmp_path / "report.html"
    (tmp_path / "baseline.txt").write_text(base)
    r = runner.invoke(app, ["report", "--results-dir", str(tmp_path), "--baseline", base, "--out", str(out)])
    assert r.exit_code == 0, r.output
    return out


def test_report_in_chromium(browser: object, report: Path) -> None:
    from selenium.webdriver.common.by import By

    d = browser
    d.get(report.as_uri())  # type: ignore[attr-defined]
    assert "harness report" in d.title  # type: ignore[attr-defined]
    for section in ("provenance", "overview", "ladder", "drift"):
        assert d.find_element(By.ID, section).is_displayed()  # type: ignore[attr-defined]
    assert "SIMULATED" in d.find_element(By.ID, "sim-banner").text  # type: ignore[attr-defined]
    rows = d.find_elements(By.CSS_SELECTOR, "#overview-table tbody tr")  # type: ignore[attr-defined]
    assert len(rows) == 5
    # the payload is visible as text and ran nothing
    body = d.find_element(By.TAG_NAME, "body").text  # type: ignore[attr-defined]
    assert d.execute_script("return window.__pwned === undefined")  # type: ignore[attr-defined]
    assert d.find_elements(By.CSS_SELECTOR, "img[src=x], b[onmouseover]") == []  # type: ignore[attr-defined]

    # sorting: the deployment column, ascending then descending
    def first_cells() -> list[str]:
        cells = d.find_elements(By.CSS_SELECTOR, "#overview-table tbody tr td:nth-child(2)")  # type: ignore[attr-defined]
        return [c.text for c in cells]

    deps = d.find_elements(By.CSS_SELECTOR, "#overview-table th")[1]  # type: ignore[attr-defined]
    deps.click()
    ascending = first_cells()
    deps.click()
    assert first_cells() == list(reversed(ascending)) and ascending == sorted(ascending)
    # expand a flipped case: input, reference, both outputs and grader reasons side by side
    flips = d.find_elements(By.CSS_SELECTOR, "details.flip")  # type: ignore[attr-defined]
    assert flips, "the prompt edit should flip some of beta's cases"
    flips[0].find_element(By.TAG_NAME, "summary").click()
    assert flips[0].get_attribute("open") is not None
    text = flips[0].text
    assert all(w in text for w in ("baseline", "this run", "input", "reference", "exact"))
    severe = [e for e in d.get_log("browser") if e["level"] == "SEVERE"]  # type: ignore[attr-defined]
    assert severe == [], severe
    assert PAYLOAD in body  # shown as text, in the provenance's deployment list


def test_new_sections_and_numbers(browser: object, report: Path) -> None:
    from selenium.webdriver.common.by import By

    d = browser
    data = build(report.parent, None, (report.parent / "baseline.txt").read_text())
    d.get(report.as_uri())  # type: ignore[attr-defined]
    for section in ("scenarios", "trend", "cost-quality", "judges", "flaky"):
        assert d.find_element(By.ID, section).is_displayed()  # type: ignore[attr-defined]
    assert d.find_elements(By.ID, "variants") == [] and data["variants"] == []  # one variant: no section
    # inline SVG charts, drawn without script: one trend and one cost-quality chart per task
    for cls in ("trend", "cost-quality"):
        charts = d.find_elements(By.CSS_SELECTOR, f"svg.{cls}")  # type: ignore[attr-defined]
        assert len(charts) == 2 and all(c.is_displayed() and c.size["width"] > 200 for c in charts)
    dots = d.find_elements(By.CSS_SELECTOR, "svg.trend circle")  # type: ignore[attr-defined]
    assert len(dots) == sum(len(s["points"]) for t in data["trend"]["tasks"] for s in t["series"]) == 2 * 5
    # numbers: Fleiss' κ of the intents ladder and the scenario expectation, as the view data has them
    fleiss = next(x["fleiss"] for x in data["ladders"] if x["task"] == "intents")
    assert f"{fleiss['kappa']:.3f}" in d.find_element(By.CSS_SELECTOR, "p.fleiss").text  # type: ignore[attr-defined]
    block = next(b for b in data["scenarios"] if b["task"] == "invoices")
    cell = d.find_element(  # type: ignore[attr-defined]
        By.CSS_SELECTOR, 'table.scenario[data-task="invoices"] tr[data-scenario="as measured"] td.expected-quality'
    )
    assert cell.text == f"{block['rows'][0]['quality']:.3f}"
    assert "No judges in this run." in d.find_element(By.TAG_NAME, "body").text  # type: ignore[attr-defined]
    flaky = d.find_elements(By.CSS_SELECTOR, "#flaky-table tbody tr")  # type: ignore[attr-defined]
    assert len(flaky) == len(data["flaky"]) == 5  # two samples per case in this run: every group has repeats
    # filtering the drift table hides the other rows; sorting a numeric column orders by value
    rows = d.find_elements(By.CSS_SELECTOR, "#drift-table tbody tr")  # type: ignore[attr-defined]
    box = d.find_element(By.CSS_SELECTOR, 'input[data-table="drift-table"]')  # type: ignore[attr-defined]
    box.send_keys("beta")
    shown = [r for r in rows if r.is_displayed()]
    assert 0 < len(shown) < len(rows) and all("beta" in r.text for r in shown)
    box.clear()
    box.send_keys(" ")  # an input event with a blank query shows every row again
    flaky_rate = d.find_elements(By.CSS_SELECTOR, "#flaky-table th")[5]  # type: ignore[attr-defined]
    flaky_rate.click()
    values = [
        float(c.get_attribute("data-v")) for c in d.find_elements(By.CSS_SELECTOR, "#flaky-table tbody td:nth-child(6)")
    ]  # type: ignore[attr-defined]
    assert values == sorted(values)
    severe = [e for e in d.get_log("browser") if e["level"] == "SEVERE"]  # type: ignore[attr-defined]
    assert severe == [], severe


def test_report_reads_at_1280_px_without_page_scroll(browser: object, report: Path) -> None:
    """Issue 27: the report was over 1,400 px wide. At a 1,280 px laptop viewport the page does not scroll
    sideways: wide tables scroll inside their own box, long outputs and hashes wrap."""
    from selenium.webdriver.common.by import By

    d: Any = browser
    d.set_window_size(1280, 900)
    try:
        d.get(report.as_uri())
        inner = d.execute_script("return document.documentElement.clientWidth")
        assert 1200 <= inner <= 1280
        for details in d.find_elements(By.CSS_SELECTOR, "details"):  # flipped cases' outputs, templates: opened
            d.execute_script("arguments[0].open = true", details)
        wide = d.execute_script(
            "const vw = document.documentElement.clientWidth; return Array.from(document.querySelectorAll('body *'))"
            ".filter(e => e.getBoundingClientRect().right > vw + 1 && !e.closest('.scroll'))"
            ".slice(0, 5).map(e => e.tagName + ' ' + Math.round(e.getBoundingClientRect().right));"
        )
        assert d.execute_script("return document.documentElement.scrollWidth") <= inner, wide
        assert wide == []
    finally:
        d.set_window_size(1400, 1000)
