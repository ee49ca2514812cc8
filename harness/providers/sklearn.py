"""The local scikit-learn tier: a real text classifier (TF-IDF + a linear model) trained on a dataset's train split.

Not simulated: its predictions are its own, it costs nothing and no data leaves the machine. The fitted pipeline
is cached under `results/cache/sklearn/` keyed by the training data's sha256, the pipeline settings and the
scikit-learn version, so only the first run pays for training. Training time and held-out accuracy (a stratified
20% of the train split, before refitting on all of it) are reported when the model is built.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import time
from pathlib import Path
from typing import Any

from harness.config.datasets import Dataset, load_dataset
from harness.config.models import Deployment, SklearnSpec
from harness.errors import FailureClass, InputError, ProviderError
from harness.providers.base import ProviderSettings
from harness.types import Completion, Request


def build_pipeline(spec: SklearnSpec) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.svm import LinearSVC

    vectorizer = TfidfVectorizer(ngram_range=(1, spec.ngram_max), sublinear_tf=True, strip_accents="unicode")
    if spec.pipeline == "tfidf-svm":
        return make_pipeline(vectorizer, LinearSVC(C=spec.C))
    return make_pipeline(vectorizer, LogisticRegression(C=spec.C, max_iter=2000))


def training_data(ds: Dataset, field: str) -> tuple[list[str], list[str]]:
    train = ds.split("train")
    if not train:
        raise InputError(f"dataset {ds.ref} has no train split to fit the sklearn model on")
    if field not in ds.manifest.fields:
        raise InputError(f"dataset {ds.ref} has no input field {field!r}", fix=f"fields: {list(ds.manifest.fields)}")
    return [str(c.input[field]) for c in train], [str(c.expected) for c in train]


def fit(ds: Dataset, spec: SklearnSpec) -> tuple[Any, dict[str, Any]]:
    """Held-out accuracy on a stratified 20% of train, then the final fit on all of train."""
    from sklearn.model_selection import train_test_split

    texts, labels = training_data(ds, spec.input_field)
    info: dict[str, Any] = {"train_cases": len(texts)}
    try:
        x_fit, x_hold, y_fit, y_hold = train_test_split(texts, labels, test_size=0.2, random_state=0, stratify=labels)
        held = build_pipeline(spec).fit(x_fit, y_fit)
        info["heldout_accuracy"] = round(float(held.score(x_hold, y_hold)), 4)
        info["heldout_cases"] = len(x_hold)
    except ValueError:  # too few cases per label to stratify: report no held-out figure rather than a wrong one
        info["heldout_accuracy"] = None
    t0 = time.perf_counter()
    model = build_pipeline(spec).fit(texts, labels)
    info["train_seconds"] = round(time.perf_counter() - t0, 3)
    return model, info


def cache_key(ds: Dataset, spec: SklearnSpec) -> str:
    import sklearn

    raw = json.dumps([ds.sha256, spec.model_dump(), sklearn.__version__], sort_keys=True)
    return hashlib.sha256(raw.encode()).hexdigest()[:24]


def load_or_fit(ds: Dataset, spec: SklearnSpec, cache_dir: Path | None) -> tuple[Any, dict[str, Any], bool]:
    """(model, info, from_cache). The cache file is written atomically; our own files only are unpickled."""
    path = cache_dir / "sklearn" / f"{cache_key(ds, spec)}.pkl" if cache_dir else None
    if path is not None and path.exists():
        with open(path, "rb") as fh:
            model, info = pickle.load(fh)
        return model, info, True
    model, info = fit(ds, spec)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".tmp-{os.getpid()}")
        with open(tmp, "wb") as fh:
            pickle.dump((model, info), fh)
        os.replace(tmp, path)
    return model, info, False


class SklearnProvider:
    simulated = False

    def __init__(self, deployment_id: str, deployment: Deployment, settings: ProviderSettings) -> None:
        spec = deployment.sklearn
        if spec is None or settings.datasets_dir is None:
            raise InputError(f"deployment {deployment_id!r}: provider sklearn needs an `sklearn` block")
        name, _, version = spec.dataset.partition("@")
        ds = load_dataset(settings.datasets_dir, name, version)
        self.field = spec.input_field
        self.model, info, cached = load_or_fit(ds, spec, settings.cache_dir)
        self.served = f"sklearn:{spec.pipeline}:{ds.ref}"
        held = info.get("heldout_accuracy")
        settings.notes.append(
            f"{deployment_id}: {spec.pipeline} on {ds.ref} ({info['train_cases']} train cases), "
            f"trained in {info['train_seconds']:.2f} s{' (cached)' if cached else ''}, held-out accuracy "
            + (f"{held:.3f}" if held is not None else "n/a")
        )

    async def complete(self, request: Request) -> Completion:
        text = request.case_input.get(self.field)
        if not isinstance(text, str):
            raise ProviderError(FailureClass.bad_request, f"case has no text input field {self.field!r}")
        t0 = time.perf_counter()
        label = str(self.model.predict([text])[0])
        latency = (time.perf_counter() - t0) * 1000
        return Completion(text=label, latency_ms=round(latency, 3), served_model=self.served)
