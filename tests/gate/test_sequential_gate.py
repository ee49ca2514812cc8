"""`harness gate --sequential` end to end on a simulated project of 600 cases: a harmless prompt edit passes and a
degraded one fails, each on a share of the fixed-n gate's cells, and the output says how many cells each used."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import LABELS, intent_cases, write_dataset
from tests.gate.test_gate import edit, make_repo, run_gate

N = 600


@pytest.fixture
def repo(project: Path, tmp_path: Path) -> Path:
    write_dataset(project.parent.parent / "datasets", "intents", intent_cases(n=N), {"text": "message"}, labels=LABELS)
    edit(project.parent / "models.yaml", "rate_limited: 0.05}", "rate_limited: 0.05, prompt_sensitivity: 0.1}")
    make_repo(project, tmp_path / "results")
    return project


def _gate(suite: Path, tmp_path: Path, *extra: str) -> tuple[int, str, dict]:  # type: ignore[type-arg]
    out = tmp_path / f"gate-{len(list(tmp_path.glob('gate-*.json')))}.json"
    r = run_gate(suite, tmp_path / "results", "--json", str(out), *extra)
    return r.exit_code, r.output, json.loads(out.read_text())


def test_harmless_edit_passes_early(repo: Path, tmp_path: Path) -> None:
    edit(repo.parent.parent / "prompts/intents/claude.j2", "one of", "pick one of")
    code, output, data = _gate(repo, tmp_path, "--sequential")
    assert code == 0, output
    (pair,) = data["pairs"]
    assert pair["key"] == ["intents", "alpha", "base"] and pair["verdict"] == "pass"
    assert pair["planned_cells"] == N and pair["cells"] < N  # stopped before the end
    seq = pair["score"]["sequential"]
    assert seq["decision"] == "pass" and seq["look"] < seq["looks"] and seq["cases"] == pair["cells"]
    assert "sequential: stopped at look" in pair["notes"][0] and "ruled out" in pair["notes"][0]
    assert f"cells of the fixed-n gate's {N:,} (sequential)" in output
    assert len(data["run_ids"]) == seq["look"]  # one journaled run per stage


def test_degraded_edit_fails_at_the_first_look_and_fixed_n_agrees(repo: Path, tmp_path: Path) -> None:
    edit(repo.parent.parent / "prompts/intents/claude.j2", "one of", "[[sim-degrade 0.3]] one of")
    code, output, data = _gate(repo, tmp_path, "--sequential")
    assert code == 1, output
    (pair,) = data["pairs"]
    assert pair["verdict"] == "degraded" and pair["score"]["sequential"]["look"] == 1
    assert pair["cells"] == N // 5 and pair["planned_cells"] == N
    low, high = pair["score"]["sequential"]["interval"]
    assert high < -0.03 and low < pair["score"]["ci"][0]  # the repeated interval is the wider one
    code, output, data = _gate(repo, tmp_path)  # the fixed-n gate: every cell
    assert code == 1 and data["pairs"][0]["cells"] == data["pairs"][0]["planned_cells"] == N
    assert "sequential" not in data["pairs"][0]["score"]
