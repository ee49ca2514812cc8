import asyncio
import time
from pathlib import Path

import pytest

from harness.config.models import Deployment, ModelTable, SklearnSpec
from harness.errors import InputError, ProviderError
from harness.providers.base import ProviderSettings
from harness.providers.sklearn import SklearnProvider
from harness.types import Message, Request, RequestOptions
from tests.conftest import LABELS, intent_cases, write_dataset


def provider(tmp_path: Path, dataset: str = "d@1") -> tuple[SklearnProvider, list[str]]:
    dep = Deployment(provider="sklearn", sklearn=SklearnSpec(dataset=dataset))
    notes: list[str] = []
    settings = ProviderSettings(
        ModelTable(deployments={"sk": dep}), datasets_dir=tmp_path / "datasets", cache_dir=tmp_path / "cache",
        notes=notes,
    )  # fmt: skip
    return SklearnProvider("sk", dep, settings), notes


def ask(p: SklearnProvider, text: str) -> str:
    req = Request("sk", "", (Message("user", text),), RequestOptions(), "h", case_input={"text": text})
    return asyncio.run(p.complete(req)).text


def test_trains_predicts_and_caches(tmp_path: Path) -> None:
    write_dataset(tmp_path / "datasets", "d", intent_cases(30, 60), {"text": "m"}, labels=LABELS)
    t0 = time.perf_counter()
    p, notes = provider(tmp_path)
    first = time.perf_counter() - t0
    assert "held-out accuracy 1.000" in notes[0] and "(cached)" not in notes[0]
    assert ask(p, "I was charged twice on my card, invoice 99") == "billing"
    assert ask(p, "The app crashes on start, error code 7") == "technical"
    assert len(list((tmp_path / "cache" / "sklearn").glob("*.pkl"))) == 1
    t0 = time.perf_counter()
    p2, notes2 = provider(tmp_path)
    assert "(cached)" in notes2[0]
    assert time.perf_counter() - t0 < first
    assert ask(p2, "Where is my parcel 5? Tracking has not moved") == "shipping"


def test_cache_key_follows_the_data(tmp_path: Path) -> None:
    write_dataset(tmp_path / "datasets", "d", intent_cases(30, 60), {"text": "m"}, labels=LABELS)
    provider(tmp_path)
    write_dataset(tmp_path / "datasets", "d", intent_cases(30, 63), {"text": "m"}, labels=LABELS)
    _, notes = provider(tmp_path)
    assert "(cached)" not in notes[0]
    assert len(list((tmp_path / "cache" / "sklearn").glob("*.pkl"))) == 2


def test_needs_a_train_split_and_the_field(tmp_path: Path) -> None:
    write_dataset(tmp_path / "datasets", "d", intent_cases(10, 0), {"text": "m"}, labels=LABELS)
    with pytest.raises(InputError, match="no train split"):
        provider(tmp_path)
    write_dataset(tmp_path / "datasets", "e", intent_cases(10, 30), {"text": "m"}, labels=LABELS)
    p, _ = provider(tmp_path, "e@1")
    req = Request("sk", "", (Message("user", "x"),), RequestOptions(), "h", case_input={"body": "x"})
    with pytest.raises(ProviderError, match="no text input field 'text'"):
        asyncio.run(p.complete(req))
