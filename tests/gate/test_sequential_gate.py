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


def test_a_drop_within_reach_at_the_last_look_is_topped_up(repo: Path, tmp_path: Path) -> None:
    """A small drop neither ruled out nor significant at the last look: one more sample of some of its cases and a
    last look spending the alpha the design kept for it (the power the interim looks cost, bought back)."""
    edit(repo.parent.parent / "prompts/intents/claude.j2", "one of", "[[sim-degrade 0.02]] one of")
    code, output, data = _gate(repo, tmp_path, "--sequential")
    (pair,) = data["pairs"]
    seq = pair["score"]["sequential"]
    top = seq["extension"]
    assert seq["look"] == seq["looks"] == 6 and seq["fractions"][-1] > 1 and seq["cases"] == N, seq
    assert top["samples"] == 1 and top["before"] == 1 and 0 < top["cases"] == top["cells"] < N, top
    assert pair["cells"] == N + top["cells"] and pair["planned_cells"] == N
    assert pair["notes"][0].startswith(f"sequential: stopped at the top-up look (1 more sample of {top['cases']} cases")
    assert len(data["run_ids"]) == 6  # five stages and the top-up, each journaled
    assert code == {"pass": 0, "degraded": 1, "inconclusive": 3}[seq["decision"]], output


def test_an_early_pass_waits_for_the_chain_check(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                 ) -> None:  # fmt: skip
    """A fallback non-inferior to its primary in the baseline stops early only once that still holds on the cases
    run so far; else the chain check (a fixed-n test) would see too few cases and turn the gate inconclusive."""
    write_dataset(project.parent.parent / "datasets", "intents", intent_cases(n=N), {"text": "message"}, labels=LABELS)
    models = project.parent / "models.yaml"
    edit(models, "rate_limited: 0.05}", "rate_limited: 0.05, prompt_sensitivity: 0.1}")
    edit(
        models,
        "classification: 0.6, extraction: 0.5}}",
        "classification: 0.8, extraction: 0.5}, prompt_sensitivity: 0.1}",
    )
    make_repo(project, tmp_path / "results")
    edit(project.parent.parent / "prompts/intents/default.j2", "Label it.", "Label it, please.")  # beta's template
    code, output, data = _gate(project, tmp_path, "--sequential")
    assert code == 0, output
    (pair,) = data["pairs"]
    assert pair["key"] == ["intents", "beta", "base"] and pair["verdict"] == "pass"
    (chain,) = data["chains"]
    assert (chain["fallback"], chain["before"], chain["outcome"]) == ("beta", "non-inferior", "ok"), chain
    assert chain["after"] in ("non-inferior", "superior")

    # the same edit while the chain check says it cannot tell yet: no early pass, the pair gets every case
    from harness.gate import run as gate_run

    monkeypatch.setattr(gate_run, "_chain_holds", lambda *a: lambda rows: {("intents", "beta", "base")})
    code, output, data = _gate(project, tmp_path, "--sequential")
    assert code == 0, output
    assert data["pairs"][0]["cells"] == N and data["pairs"][0]["score"]["sequential"]["look"] == 5


@pytest.fixture
def noisy(project: Path, tmp_path: Path) -> Path:
    """400 cases of a deployment whose answers vary from sample to sample: a harmless edit leaves the full dataset
    inconclusive (MDE about 6 points), and a few more samples of the same cases would decide."""
    write_dataset(project.parent.parent / "datasets", "intents", intent_cases(n=400), {"text": "message"},
                  labels=LABELS)  # fmt: skip
    edit(project.parent / "models.yaml", "classification: 0.8,", "classification: 0.9,")
    make_repo(project, tmp_path / "results")
    edit(project.parent.parent / "prompts/intents/claude.j2", "one of", "pick one of")
    return project


def test_an_inconclusive_pair_is_extended_within_the_cost_cap(noisy: Path, tmp_path: Path) -> None:
    code, output, data = _gate(noisy, tmp_path, "--sequential")
    assert code == 3, output
    (pair,) = data["pairs"]
    assert pair["verdict"] == "inconclusive" and pair["cells"] == 400
    assert "cases would decide, or 2 more sample(s) per case (--sequential --max-extra-cost)" in pair["notes"][1]
    assert "extension" not in output

    code, output, data = _gate(noisy, tmp_path, "--sequential", "--max-extra-cost", "1")
    assert code == 0, output
    (pair,) = data["pairs"]
    seq = pair["score"]["sequential"]
    ext = seq["extension"]
    assert pair["verdict"] == "pass" and seq["decision"] == "pass" and seq["look"] == seq["looks"] == 6
    assert 1 <= ext["samples"] <= 3 and ext["before"] == 1 and ext["cells"] == 400 * ext["samples"]
    assert 0 < ext["cost_usd"] <= 1 and pair["cells"] == 400 + ext["cells"]
    assert pair["score"]["mde"] <= 0.05  # the extra samples bought the power the full dataset lacked
    assert "the extension look" in pair["notes"][0] and f"${ext['cost_usd']:,.4f}" in pair["notes"][0]
    assert len(data["run_ids"]) == 6  # five stages and the extension, each journaled

    code, output, data = _gate(noisy, tmp_path, "--sequential", "--max-extra-cost", "0.0001")
    assert code == 3, output
    skipped = [n for n in data["notes"] if n.startswith("extension of intents / alpha / base skipped")]
    assert data["pairs"][0]["cells"] == 400 and len(skipped) == 1
    assert "one more sample per case would cost $" in skipped[0] and "over the $0.0001 left" in skipped[0]


def test_max_extra_cost_needs_the_sequential_gate(project: Path, tmp_path: Path) -> None:
    r = run_gate(project, tmp_path / "results", "--max-extra-cost", "1")
    assert r.exit_code == 2 and "--max-extra-cost extends the sequential gate" in r.output
