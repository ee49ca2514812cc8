"""The gate's outputs besides the exit code: Markdown summary, JUnit XML (a test case per pair), the HTML report."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree as ET

from tests.conftest import LABELS, intent_cases, write_dataset
from tests.gate.test_gate import edit, make_repo, run_gate


def test_degraded_gate_writes_markdown_junit_and_html(project: Path, tmp_path: Path) -> None:
    write_dataset(project.parent.parent / "datasets", "intents", intent_cases(n=90), {"text": "message"}, labels=LABELS)
    results = tmp_path / "results"
    make_repo(project, results)
    edit(project.parent / "models.yaml", "classification: 0.8,", "classification: 0.3,")  # alpha only
    md, junit, html = tmp_path / "gate.md", tmp_path / "gate.xml", tmp_path / "gate.html"
    r = run_gate(project, results, "--md", str(md), "--junit", str(junit), "--html", str(html))
    assert r.exit_code == 1, r.output
    assert md.read_text().startswith("## Eval gate: DEGRADED")
    suite = ET.parse(junit).getroot()
    cases = {(c.get("classname"), c.get("name")): c for c in suite.iter("testcase")}
    assert suite.get("tests") == str(len(cases)) and int(suite.get("failures") or 0) >= 1
    degraded = cases[("tiny.intents", "alpha / base")]
    failure = degraded.find("failure")
    assert failure is not None and "significant drop" in (failure.get("message") or "")
    passed = cases[("tiny.invoices", "alpha / base")]
    assert list(passed) == []  # a passing pair has no failure, error or skip
    assert "SIMULATED" in (suite.findtext("system-out") or "")
    page = html.read_text()
    assert page.lower().startswith("<!doctype html") and "Content-Security-Policy" in page and "SIMULATED" in page
