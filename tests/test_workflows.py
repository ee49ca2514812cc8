"""SE-6: a static scan of our GitHub workflows for the pull_request_target and secret-exposure mistakes."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
UNTRUSTED = re.compile(r"\$\{\{\s*github\.event\.(pull_request|issue|comment|review|head_commit)\.")


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text())
    data["on"] = data.get("on", data.get(True))  # YAML 1.1 reads the key `on` as true
    return data


def test_there_is_a_gate_workflow_and_a_nightly_lake_workflow() -> None:
    assert [p.name for p in WORKFLOWS] == ["eval-gate.yml", "nightly-lake.yml"]
    nightly = load(ROOT / ".github" / "workflows" / "nightly-lake.yml")
    assert "pull_request" not in nightly["on"] and nightly["jobs"]["shard"]["strategy"]["matrix"]["shard"] == [
        1,
        2,
        3,
        4,
    ]


def test_no_pull_request_target_and_read_only_permissions() -> None:
    for path in WORKFLOWS:
        wf = load(path)
        assert "pull_request_target" not in wf["on"], path
        assert wf["permissions"] == {"contents": "read"}, path
        for name, job in wf["jobs"].items():
            assert job.get("permissions", {"contents": "read"}) == {"contents": "read"}, (path, name)
            for step in job["steps"]:
                if str(step.get("uses", "")).startswith("actions/checkout"):
                    assert step["with"]["persist-credentials"] is False, (path, name)


def test_secrets_only_in_protected_jobs_and_no_untrusted_interpolation() -> None:
    for path in WORKFLOWS:
        wf = load(path)
        for name, job in wf["jobs"].items():
            text = yaml.safe_dump(job)
            if "secrets." in text:
                assert job.get("environment"), f"{path.name}:{name} reads secrets outside a protected environment"
                if "pull_request" in wf["on"]:  # a pull request's code never meets a secret
                    assert "head.repo.full_name == github.repository" in job.get("if", ""), (path, name)
                else:
                    assert job.get("if") == "github.ref == 'refs/heads/main'", (path, name)
            for step in job["steps"]:
                assert not UNTRUSTED.search(step.get("run", "")), f"{path.name}:{name}: PR text interpolated into run"
