"""The conftest `project` with LLM judges: a judge deployment (`gamma`, family gemini), a judge grader and pairwise
judging on `intents`, and labelled outputs on the intents dataset for calibration."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from tests.conftest import LABELS, intent_cases, write_dataset

ROOT = Path(__file__).resolve().parents[1]

GAMMA = """
  gamma:
    provider: google
    model: gamma-1
    family: gemini
    pricing: {input_per_mtok: 1.0, output_per_mtok: 2.0}
    credentials_env: GAMMA_KEY
    sim: {accuracy: {judge: 0.9}}
"""

JUDGE = ("{name: judge, args: {judge: gamma, min_score: 0, max_score: 2, "
         "sim_proxy: {name: exact, args: {ignore_punctuation: true}}}}")  # fmt: skip


def labelled_cases() -> list[dict[str, Any]]:
    """Intent cases; every test case carries a right and a wrong labelled output."""
    cases = intent_cases()
    for c in cases:
        if c["split"] == "test":
            wrong = LABELS[(LABELS.index(c["expected"]) + 1) % 3]
            c["labels"] = [
                {"output": c["expected"], "passed": True, "score": 1.0, "note": "right"},
                {"output": f"It is {wrong}, I think", "passed": False, "score": 0.0, "note": "wrong"},
            ]
    return cases


def add_judges(suite: Path, pairwise: bool = True, grader: str = JUDGE) -> Path:
    """Edit the project around `suite` in place; return the suite."""
    evals = suite.parent
    models = evals / "models.yaml"
    models.write_text(models.read_text().rstrip("\n") + "\n" + GAMMA)
    text = suite.read_text()
    old = "    graders: [{name: exact, args: {ignore_punctuation: true}}]"
    assert old in text
    new = f"    graders: [{{name: exact, args: {{ignore_punctuation: true}}}}, {grader}]"
    if pairwise:
        new += "\n    pairwise: {judge: gamma, against: primary}"
    suite.write_text(text.replace(old, new))
    root = evals.parent
    shutil.rmtree(root / "datasets" / "intents")
    write_dataset(root / "datasets", "intents", labelled_cases(), {"text": "message"}, labels=LABELS)
    shutil.copytree(ROOT / "prompts" / "judges", root / "prompts" / "judges")
    return suite
