"""The gate in live mode through the real SDKs against the loopback server: an edited template re-runs only its
pair (counted at the server), and a prompt that makes the model answer worse fails the gate with the evidence."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.fakeprov import KEY_ENVS, Prompt, Reply, live_project, route_by_keyword, serve
from tests.gate.test_gate import GIT, edit, harness, run_gate

CLAUDE_PROMPT = "{% block system %}Label the message.{% endblock %}\n{% block user %}{{ text }}{% endblock %}\n"


def worse_when_rushed(p: Prompt) -> Reply:
    """Right about intents, unless the prompt says to hurry: then it answers `technical` to everything."""
    return Reply(text="technical") if "quickly" in p.system.lower() else route_by_keyword(p)


def git(root: Path, *args: str) -> None:
    subprocess.run([*GIT, *args], cwd=root, check=True, capture_output=True)


def test_live_gate_runs_only_the_edited_pair_and_fails_on_a_worse_prompt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for lane, env in KEY_ENVS.items():
        monkeypatch.setenv(env, f"key-{lane}-CANARY0123456789")
    results, cases = tmp_path / "results", 90
    with serve(worse_when_rushed) as server:
        suite = live_project(tmp_path, server, cases=cases, lanes=("claude", "gpt"))
        (tmp_path / "prompts/intents/claude.j2").write_text(CLAUDE_PROMPT)
        git(tmp_path, "init", "-q", "-b", "main")
        git(tmp_path, "add", "-A")
        git(tmp_path, "commit", "-qm", "config")
        r = harness("run", str(suite), "--mode", "live", "--results-dir", str(results), "--no-report")
        assert r.exit_code == 0, r.output
        assert harness("baseline", "update", str(suite), "--results-dir", str(results)).exit_code == 0
        git(tmp_path, "add", "-A")
        git(tmp_path, "commit", "-qm", "baseline")
        server.hits.clear()
        # a harmless edit of claude's template: only (intents, claude) runs, every case once, gpt is reused
        edit(tmp_path / "prompts/intents/claude.j2", "Label the message.", "Label the message, please.")
        r = run_gate(suite, results, "--mode", "live")
        assert r.exit_code in (0, 3), r.output
        assert {h.lane for h in server.hits} == {"claude"} and len(server.hits) == cases
        assert "1 pair(s) run" in r.output and "1 reused" in r.output
        server.hits.clear()
        # a degrading edit: the model answers worse on the new prompt
        edit(tmp_path / "prompts/intents/claude.j2", "please.", "please, quickly.")
        md = tmp_path / "gate.md"
        r = run_gate(suite, results, "--mode", "live", "--md", str(md))
        assert {h.lane for h in server.hits} == {"claude"}
    assert r.exit_code == 1, r.output
    summary = md.read_text()
    assert summary.startswith("## Eval gate: DEGRADED") and "SIMULATED" not in summary
    row = next(line for line in summary.splitlines() if line.startswith("| intents | claude | base | DEGRADED"))
    assert " \\[" in row and "significant drop" in row  # the difference with its CI (`[` escaped), and why
    assert "Cases that passed in the baseline and fail now:" in summary and "intents / claude / base: c" in summary
