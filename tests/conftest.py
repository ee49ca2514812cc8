"""Shared fixtures: no network, no credentials, and a small project on disk we own."""

from __future__ import annotations

import hashlib
import json
import logging
import socket
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CREDENTIAL_VARS = (
    "ANTHROPIC_API_KEY", "OPENAI_API_KEY", "AZURE_OPENAI_API_KEY", "GEMINI_API_KEY", "GOOGLE_API_KEY",
    "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "TINY_KEY",
    # the clouds' own variables (harness/providers/cloud.py): credentials, profiles, regions, projects
    "AWS_SESSION_TOKEN", "AWS_BEARER_TOKEN_BEDROCK", "AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION",
    "AZURE_OPENAI_AD_TOKEN", "GOOGLE_APPLICATION_CREDENTIALS", "GOOGLE_CLOUD_PROJECT", "ANTHROPIC_VERTEX_PROJECT_ID",
)  # fmt: skip


@pytest.fixture(autouse=True)
def _own_cwd(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Commands that write relative to the working directory (reports/, results/) write into a temp dir."""
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never reach the network (loopback is ours) and never see real credentials."""
    for var in CREDENTIAL_VARS:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("CLOUDSDK_CONFIG", "/nonexistent/gcloud")  # a developer's gcloud login is not ours
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: Any) -> Any:
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and host not in ("127.0.0.1", "::1", "localhost") and not host.startswith("/"):
            raise RuntimeError(f"network access in tests: {address!r}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


LABELS = ["billing", "shipping", "technical"]


def write_dataset(root: Path, name: str, cases: list[dict[str, Any]], fields: dict[str, str], **extra: Any) -> Path:
    folder = root / name
    folder.mkdir(parents=True, exist_ok=True)
    data = "".join(json.dumps(c) + "\n" for c in cases).encode()
    (folder / "v1.jsonl").write_bytes(data)
    manifest = {
        "name": name,
        "description": "test data",
        "source": "tests",
        "licence": "CC0-1.0",
        "fields": fields,
        "versions": {"1": {"file": "v1.jsonl", "sha256": hashlib.sha256(data).hexdigest(), "cases": len(cases)}},
        **extra,
    }
    import yaml

    (folder / "dataset.yaml").write_text(yaml.safe_dump(manifest, sort_keys=False))
    return folder


def intent_cases(n: int = 12, train: int = 4) -> list[dict[str, Any]]:
    texts = {
        "billing": "I was charged twice on my card this month, invoice {i}",
        "shipping": "Where is my parcel {i}? Tracking has not moved",
        "technical": "The app crashes on start, error code {i}",
    }
    out = []
    for i in range(n + train):
        label = LABELS[i % 3]
        out.append(
            {"id": f"c{i:03d}", "input": {"text": texts[label].format(i=i)}, "expected": label,
             "split": "train" if i >= n else "test", "tags": [], "cluster": None, "labels": []}
        )  # fmt: skip
    return out


def extraction_cases(n: int = 6) -> list[dict[str, Any]]:
    return [
        {"id": f"x{i}", "input": {"document": f"Invoice INV-{i} from Acme GmbH, total EUR {100 + i}.00"},
         "expected": {"vendor": "Acme GmbH", "invoice_number": f"INV-{i}", "total": 100.0 + i}}
        for i in range(n)
    ]  # fmt: skip


MODELS = """
schema_version: 1
families:
  claude: {bytes_per_token: 3.5}
deployments:
  alpha:
    provider: anthropic
    model: alpha-1
    family: claude
    pricing: {input_per_mtok: 3.0, output_per_mtok: 15.0}
    credentials_env: TINY_KEY
    sim: {accuracy: {classification: 0.8, extraction: 0.7}, rate_limited: 0.05}
  beta:
    provider: openai
    model: beta-1
    family: gpt
    pricing: {input_per_mtok: 0.5, output_per_mtok: 1.5}
    credentials_env: TINY_KEY
    sim: {accuracy: {classification: 0.6, extraction: 0.5}}
  fallback-canned:
    provider: canned
    response: {vendor: null, invoice_number: null, total: null}
"""

ROUTING = """
schema_version: 1
tasks:
  intents:
    chain: [alpha, beta]
  invoices:
    chain: [alpha, beta, fallback-canned]
"""

SUITE = """
schema_version: 1
name: tiny
tasks:
  intents:
    task_class: classification
    dataset: intents@1
    graders: [{name: exact, args: {ignore_punctuation: true}}]
  invoices:
    task_class: extraction
    dataset: invoices@1
    graders: [{name: json_fields}]
"""

PROMPTS = {
    "intents/default.j2": "{% block system %}Label it.{% endblock %}\n{% block user %}{{ text }}{% endblock %}\n",
    "intents/claude.j2": "{% block user %}<m>{{ text }}</m> one of {{ labels | join(',') }}{% endblock %}\n",
    "intents/default.fewshot.j2": (
        "{% block user %}{% for e in examples %}{{ e.input.text }} -> {{ e.expected }}\n{% endfor %}"
        "{{ text }} ->{% endblock %}\n"
    ),
    "invoices/default.j2": "{% block user %}Extract JSON from: {{ document }}{% endblock %}\n",
}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A small project: evals/{models,routing,tiny}.yaml, datasets/{intents,invoices}, prompts/. Returns the suite."""
    return make_project(tmp_path)


def make_project(tmp_path: Path) -> Path:
    """The `project` fixture's files under `tmp_path` (for fixtures of a wider scope). Returns the suite."""
    evals = tmp_path / "evals"
    evals.mkdir()
    (evals / "models.yaml").write_text(textwrap.dedent(MODELS))
    (evals / "routing.yaml").write_text(textwrap.dedent(ROUTING))
    (evals / "tiny.yaml").write_text(textwrap.dedent(SUITE))
    write_dataset(tmp_path / "datasets", "intents", intent_cases(), {"text": "message"}, labels=LABELS)
    write_dataset(tmp_path / "datasets", "invoices", extraction_cases(), {"document": "invoice text"})
    for rel, body in PROMPTS.items():
        path = tmp_path / "prompts" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body)
    return evals / "tiny.yaml"


@pytest.fixture
def debug_log(tmp_path: Path) -> Iterator[Path]:
    """Everything any library logs at DEBUG (httpx, botocore, google-auth, the SDKs, ours) goes to a file the
    secret tests grep afterwards."""
    path = tmp_path / "debug.log"
    handler = logging.FileHandler(path)
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield path
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
        handler.close()


REPO = Path(__file__).resolve().parents[1]


def clone_example(root: Path) -> Path:
    """What a fresh clone gives a new user: the repository's evals/ (model and routing tables) and prompts/, and an
    empty datasets/; returns `root`."""
    import shutil

    for name in ("evals", "prompts"):
        shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("baselines", "*.ipynb"))
    (root / "datasets").mkdir()
    return root


def bfcl_tool_cases(n: int = 8) -> list[dict[str, Any]]:
    """Function-calling cases as public BFCL-style sets write them: `"type": "dict"` objects, a dotted function
    name, `float`, `tuple` and `any` types; expected calls in BFCL's ground-truth form (lists of accepted values)."""
    tools = [
        {"name": "math.factorial", "description": "Factorial of a number.",
         "parameters": {"type": "dict", "properties": {"number": {"type": "integer", "description": "n"}},
                        "required": ["number"]}},
        {"name": "geometry.area_circle", "description": "Area of a circle.",
         "parameters": {"type": "dict", "properties": {
             "radius": {"type": "float", "description": "Radius."},
             "units": {"type": "string", "description": "Units.", "default": "m"},
             "centre": {"type": "tuple", "items": {"type": "float"}, "description": "Centre (x, y)."},
             "meta": {"type": "any", "description": "Anything."}},
             "required": ["radius"]}},
    ]  # fmt: skip
    out = []
    for i in range(n):
        if i % 2 == 0:
            expected = [{"name": "math.factorial", "arguments": {"number": [i + 3]}}]
            request = f"What is the factorial of {i + 3}?"
        else:
            args = {"radius": [float(i)], "units": ["", "m"], "centre": [""], "meta": [""]}
            expected = [{"name": "geometry.area_circle", "arguments": args}]
            request = f"Area of a circle of radius {i} m?"
        out.append({"id": f"t{i}", "input": {"request": request, "tools": tools}, "expected": expected})
    return out
