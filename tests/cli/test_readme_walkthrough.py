"""The README's "Your own suite" walk-through, run exactly as written from a fresh clone's layout (issue 27): the
JSON block is the user's `cases.jsonl`, and every line of the bash block runs in order, `harness` through the CLI,
`git` through git."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from harness.cli import app
from tests.conftest import REPO, clone_example

GIT_ENV = {"GIT_AUTHOR_NAME": "user", "GIT_AUTHOR_EMAIL": "user@example.com", "GIT_COMMITTER_NAME": "user",
           "GIT_COMMITTER_EMAIL": "user@example.com", "GIT_CONFIG_NOSYSTEM": "1"}  # fmt: skip


def walkthrough() -> tuple[str, list[str]]:
    """The section's JSON block (the cases file) and the lines of its bash block."""
    text = (REPO / "README.md").read_text()
    section = text.split("## Your own suite", 1)[1].split("\n## ", 1)[0]
    cases = re.search(r"```json\n(.*?)```", section, re.S)
    commands = re.search(r"```bash\n(.*?)```", section, re.S)
    assert cases and commands
    return cases.group(1), [line for line in commands.group(1).splitlines() if line.strip()]


def test_readme_walkthrough_runs_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cases, commands = walkthrough()
    assert [c.split()[:2] for c in commands][:3] == [["harness", "datasets"], ["harness", "new"], ["harness", "run"]]
    root = clone_example(tmp_path / "clone")
    shutil.copy(REPO / ".gitignore", root / ".gitignore")
    monkeypatch.chdir(root)
    env = {**os.environ, **GIT_ENV}
    subprocess.run(["git", "init", "-q", "-b", "main"], check=True, env=env)
    subprocess.run("git add -A && git commit -qm clone", shell=True, check=True, env=env)  # noqa: S602,S607
    (root / "cases.jsonl").write_text(cases)
    outputs = []
    for line in commands:
        if line.startswith("git "):
            subprocess.run(line, shell=True, check=True, env=env)  # noqa: S602
            continue
        args = shlex.split(line)
        assert args[0] == "harness", line
        r = CliRunner().invoke(app, args[1:])
        assert r.exit_code == 0, f"{line}\n{r.output}"
        outputs.append(r.output)
    assert "recorded my-tickets@1: 4 cases" in outputs[0]
    assert "SIMULATED" in outputs[2] and "complete" in outputs[2]
    assert "| task | deployment | role | cases | samples |" in (root / "reports/mine.md").read_text()
    assert (root / "evals/baselines/mine.jsonl").is_file()
    assert "GATE PASS" in outputs[-1]
