"""One results directory for the viewer's tests, built once per module by real simulated runs of the `project`
files: a baseline run and a routed run after a prompt edit (so there are flips to compare and walks to show), with the
XSS corpus in a model's output, a case's input and a case's reference."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from harness.cli import app
from tests.conftest import LABELS, extraction_cases, intent_cases, make_project, write_dataset

#: The report tests' corpus, and what would become a link or an attribute if a value reached markup unescaped.
XSS = ("<script>alert(1)</script><img src=x onerror=alert(2)></script><svg onload=alert(3)>"
       "javascript:alert(4) \" onmouseover=\"alert(5)")  # fmt: skip


@dataclass(frozen=True)
class Results:
    dir: Path
    base: str
    cur: str


def run_suite(project: Path, results: Path, *extra: str) -> str:
    r = CliRunner().invoke(app, ["run", str(project), "--results-dir", str(results), "--no-report", *extra])
    assert r.exit_code == 0, r.output
    found = re.search(r"^run (\S+) complete", r.output, re.M)
    assert found, r.output
    return found.group(1)


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Results:
    root = tmp_path_factory.mktemp("view")
    project = make_project(root)
    models = project.parent / "models.yaml"
    models.write_text(models.read_text().replace("response: {vendor: null, invoice_number: null, total: null}",
                                                 "response: " + json.dumps(XSS)))  # fmt: skip
    cases = intent_cases()
    cases[0]["input"]["text"] = XSS
    write_dataset(root / "datasets", "intents", cases, {"text": "message"}, labels=LABELS)
    invoices = extraction_cases()
    invoices[0]["expected"]["vendor"] = XSS
    write_dataset(root / "datasets", "invoices", invoices, {"document": "invoice text"})
    base = run_suite(project, root / "results")
    tmpl = root / "prompts/intents/default.j2"
    tmpl.write_text(tmpl.read_text().replace("Label it.", "Label this message please."))
    cur = run_suite(project, root / "results", "--routed")  # walks too: the run page's routed play
    return Results(root / "results", base, cur)
