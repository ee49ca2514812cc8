"""The gate's baseline from the lake (issue 20): the latest complete run pushed from the base ref's configuration
stands in for the committed baseline file, with the same verdicts."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import LABELS, intent_cases, write_dataset
from tests.gate.test_gate import edit, git, harness, make_repo, run_gate


def verdicts(out: Path) -> dict[tuple[str, ...], str]:
    return {tuple(p["key"]): p["verdict"] for p in json.loads(out.read_text())["pairs"]}


def test_a_lake_baseline_gives_the_committed_baselines_verdicts(project: Path, tmp_path: Path) -> None:
    write_dataset(project.parent.parent / "datasets", "intents", intent_cases(n=90), {"text": "message"}, labels=LABELS)
    results, store = tmp_path / "results", f"ducklake:{tmp_path / 'team.ducklake'}"
    root = make_repo(project, results)  # a run, and its baseline committed
    r = harness("push", "--all", "--store", store, "--results-dir", str(results))
    assert r.exit_code == 0, r.output
    edit(project.parent / "models.yaml", "classification: 0.8,", "classification: 0.3,")  # alpha degrades
    committed = run_gate(project, results, "--json", str(tmp_path / "file.json"))
    from_lake = run_gate(project, tmp_path / "results-2", "--json", str(tmp_path / "lake.json"), "--store", store)
    assert committed.exit_code == from_lake.exit_code == 1, from_lake.output
    assert verdicts(tmp_path / "lake.json") == verdicts(tmp_path / "file.json")
    assert "from the lake" in from_lake.output
    git(root, "rm", "-q", "evals/baselines/tiny.jsonl")  # no committed baseline at all: the lake is enough
    git(root, "commit", "-qm", "no baseline file")
    again = run_gate(project, tmp_path / "results-3", "--store", store, "--base", "HEAD")
    assert again.exit_code == 1 and "DEGRADED" in again.output, again.output


def test_no_lake_run_of_the_base_configuration_is_said(project: Path, tmp_path: Path) -> None:
    results, store = tmp_path / "results", f"ducklake:{tmp_path / 'team.ducklake'}"
    make_repo(project, results)
    harness("push", "--all", "--store", store, "--results-dir", str(results))
    edit(project.parent / "tiny.yaml", "name: tiny", "name: tiny\ndescription: edited")
    git(project.parent.parent, "commit", "-qam", "the base ref's suite file is now another one")
    edit(project.parent / "models.yaml", "classification: 0.8,", "classification: 0.3,")
    r = run_gate(project, tmp_path / "r2", "--store", store, "--base", "HEAD")
    assert r.exit_code == 3 and "no baseline in the lake" in r.output, r.output
