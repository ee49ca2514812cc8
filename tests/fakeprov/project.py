"""A small live project whose three deployments (anthropic, openai, google) point at a fakeprov server."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import duckdb

from harness.launch import RunResult, start_run
from harness.plan import Selection
from harness.runner import RunOptions
from tests.conftest import LABELS, intent_cases, write_dataset
from tests.fakeprov.server import Api, Prompt, Reply, Server

#: deployment id -> (provider / wire format, env var holding its key)
LANES: dict[str, Api] = {"claude": "anthropic", "gpt": "openai", "gemini": "google"}
KEY_ENVS = {"claude": "HX_ANTHROPIC_KEY", "gpt": "HX_OPENAI_KEY", "gemini": "HX_GEMINI_KEY"}
PRICES = {"claude": (3.0, 15.0), "gpt": (2.5, 10.0), "gemini": (1.25, 5.0)}

ROUTING = """
schema_version: 1
defaults:
  retry: {{retry_on: {retry_on}}}
tasks:
  intents:
    chain: [{chain}]
"""

SUITE = """
schema_version: 1
name: live
tasks:
  intents:
    task_class: classification
    dataset: intents@1
    graders: [{name: exact, args: {ignore_punctuation: true}}]
"""

PROMPT = "{% block system %}Label the message.{% endblock %}\n{% block user %}{{ text }}{% endblock %}\n"


def route_by_keyword(p: Prompt) -> Reply:
    """A model that is right about intents: the deterministic answer graders can score."""
    text = p.user.lower()
    label = "billing" if "charged" in text else "shipping" if "parcel" in text else "technical"
    return Reply(text=label)


def live_project(
    root: Path,
    server: Server,
    cases: int = 6,
    lanes: tuple[str, ...] = tuple(LANES),
    retry_on: tuple[str, ...] = ("transient",),
) -> Path:
    """evals/{models,routing,live}.yaml, datasets/intents, prompts/intents; returns the suite path."""
    evals = root / "evals"
    evals.mkdir(parents=True)
    deps = []
    for lane in lanes:
        api = LANES[lane]
        inp, out = PRICES[lane]
        deps.append(
            f"  {lane}:\n    provider: {api}\n    model: {lane}-test\n    family: {lane}\n"
            f"    base_url: {server.base_url(lane, api)}\n    credentials_env: {KEY_ENVS[lane]}\n"
            f"    pricing: {{input_per_mtok: {inp}, output_per_mtok: {out}}}\n"
        )
    (evals / "models.yaml").write_text("schema_version: 1\ndeployments:\n" + "".join(deps))
    routing = ROUTING.format(retry_on="[" + ", ".join(retry_on) + "]", chain=", ".join(lanes))
    (evals / "routing.yaml").write_text(textwrap.dedent(routing))
    (evals / "live.yaml").write_text(textwrap.dedent(SUITE))
    write_dataset(root / "datasets", "intents", intent_cases(cases, train=0), {"text": "message"}, labels=LABELS)
    prompt = root / "prompts" / "intents" / "default.j2"
    prompt.parent.mkdir(parents=True)
    prompt.write_text(PROMPT)
    return evals / "live.yaml"


def run_live(suite: Path, results: Path, **options: Any) -> RunResult:
    """`harness run --mode live` as a library call, with fast retries unless a test asks otherwise."""
    opts: dict[str, Any] = {"backoff_initial_s": 0.01, "backoff_max_s": 0.02, "timeout_s": 5.0, **options}
    return start_run(suite, Selection(mode="live"), results_dir=results, options=RunOptions(**opts))


def query(results: Path, sql: str) -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(results / "harness.duckdb"), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()
