"""Report view data, formats, and escaping of everything a run can carry."""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from harness.cli import app
from harness.report.data import build
from harness.report.render import render

XSS = "<script>alert(1)</script><img src=x onerror=alert(2)></script><svg onload=alert(3)>"


def run(project: Path, results: Path, *extra: str) -> str:
    r = CliRunner().invoke(app, ["run", str(project), "--results-dir", str(results), "--report-dir",
                                 str(results / "reports"), *extra])  # fmt: skip
    assert r.exit_code == 0, r.output
    return sorted((results / "runs").glob("*.jsonl"))[-1].stem


def test_view_data(project: Path, tmp_path: Path) -> None:
    run_id = run(project, tmp_path)
    report = build(tmp_path, run_id)
    p = report["provenance"]
    assert p["run_id"] == run_id and p["simulated"] is True
    assert {d["name"] for d in p["datasets"]} == {"intents", "invoices"}
    rows = {(r["task"], r["deployment"]): r for r in report["overview"]}
    assert rows[("intents", "alpha")]["n"] == 12 and rows[("intents", "alpha")]["simulated"]
    assert rows[("invoices", "fallback-canned")]["simulated"] is False
    ladder = next(x for x in report["ladders"] if x["task"] == "invoices")
    assert ladder["primary"] == "alpha"
    canned = next(s for s in ladder["steps"] if s["deployment"] == "fallback-canned")
    assert canned["non_inferiority"] == "inferior" and canned["vs_primary"]["diff"] < -0.5


def test_drift_against_a_changed_prompt(project: Path, tmp_path: Path) -> None:
    base = run(project, tmp_path, "--tasks", "intents")
    tmpl = project.parent.parent / "prompts/intents/default.j2"
    tmpl.write_text(tmpl.read_text().replace("Label it.", "Label this message please."))
    cur = run(project, tmp_path, "--tasks", "intents")
    report = build(tmp_path, cur, base)
    pairs = {(d["deployment"]): d for d in report["drift"]["pairs"]}
    assert pairs["alpha"]["diff"] == 0 and pairs["alpha"]["verdict"] == "no detectable change"  # claude.j2 untouched
    verdicts = {"regressed", "improved", "inconclusive", "no detectable change"}
    assert pairs["beta"]["n"] == 12 and pairs["beta"]["verdict"] in verdicts
    flips = report["drift"]["flips"]
    assert all(f["deployment"] == "beta" for f in flips)
    assert all(f["direction"] in ("pass → fail", "fail → pass") for f in flips)


def test_model_output_is_escaped(project: Path, tmp_path: Path) -> None:
    models = project.parent / "models.yaml"
    models.write_text(models.read_text().replace("response: {vendor: null, invoice_number: null, total: null}",
                                                 "response: " + json.dumps(XSS)))  # fmt: skip
    run_id = run(project, tmp_path)
    html = (tmp_path / "reports" / f"{run_id}.html").read_text()
    assert "<script>alert" not in html and "onerror=alert" not in html.replace("&#34;", "")
    assert html.count("<script>") == 1  # ours, allowed by hash
    csp = re.search(r'Content-Security-Policy" content="([^"]+)"', html)
    assert csp and "default-src 'none'" in csp.group(1) and "script-src 'sha256-" in csp.group(1)
    assert (tmp_path / "reports" / "latest.html").read_text() == html


def test_formats_and_cli(project: Path, tmp_path: Path) -> None:
    run_id = run(project, tmp_path)
    report = build(tmp_path, run_id)
    assert json.loads(render(report, "json"))["provenance"]["run_id"] == run_id
    md = render(report, "md")
    assert "SIMULATED" in md and "| intents | alpha |" in md
    out = str(tmp_path / "r.json")
    r = CliRunner().invoke(app, ["report", "--results-dir", str(tmp_path), "--format", "json", "--out", out])
    assert r.exit_code == 0 and json.loads((tmp_path / "r.json").read_text())["overview"]
    r = CliRunner().invoke(app, ["report", "--results-dir", str(tmp_path), "--run", "nope"])
    assert r.exit_code == 2 and "no run 'nope'" in r.output
    r = CliRunner().invoke(app, ["report", "--results-dir", str(tmp_path), "--format", "pdf"])
    assert r.exit_code == 2 and "--format must be html, md or json" in r.output
