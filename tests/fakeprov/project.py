"""A small live project whose deployments point at a fakeprov server: the three vendors' own APIs (`LANES`) and
the same SDKs on Bedrock, Vertex AI and Azure (`INFRA_LANES`)."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import duckdb

from harness.config.models import Deployment
from harness.run.launch import RunResult, start_run
from harness.run.plan import Selection
from harness.run.runner import RunOptions
from tests.conftest import LABELS, intent_cases, write_dataset
from tests.fakeprov.server import Prompt, Reply, Server
from tests.fakeprov.wire import Api, Infra

#: deployment id -> (provider / wire format, env var holding its key)
LANES: dict[str, Api] = {"claude": "anthropic", "gpt": "openai", "gemini": "google"}
KEY_ENVS = {"claude": "HX_ANTHROPIC_KEY", "gpt": "HX_OPENAI_KEY", "gemini": "HX_GEMINI_KEY"}
PRICES = {"claude": (3.0, 15.0), "gpt": (2.5, 10.0), "gemini": (1.25, 5.0)}

#: deployment id -> (provider, client, model, what else its models.yaml entry needs). Credentials: bedrock from
#: AWS_* (see `aws_env`), the vertex lanes' access token from HX_VERTEX_TOKEN, azure's key from HX_AZURE_KEY.
INFRA_LANES: dict[str, tuple[Api, Infra, str, dict[str, str]]] = {
    "claude-bedrock": ("anthropic", "bedrock", "anthropic.claude-sonnet-4-20250514-v1:0", {"region": "eu-central-1"}),
    "claude-vertex": ("anthropic", "vertex", "claude-sonnet-4@20250514",
                      {"region": "us-east5", "project": "hx-project", "credentials_env": "HX_VERTEX_TOKEN"}),
    "gemini-vertex": ("google", "vertex", "gemini-2.5-pro",
                      {"region": "europe-west4", "project": "hx-project", "credentials_env": "HX_VERTEX_TOKEN"}),
    "gpt-azure": ("openai", "azure", "gpt-4o-prod", {"api_version": "2024-10-21", "credentials_env": "HX_AZURE_KEY"}),
}  # fmt: skip

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
    deps = [deployment_yaml(lane, server) for lane in lanes]
    (evals / "models.yaml").write_text("schema_version: 1\ndeployments:\n" + "".join(deps))
    routing = ROUTING.format(retry_on="[" + ", ".join(retry_on) + "]", chain=", ".join(lanes))
    (evals / "routing.yaml").write_text(textwrap.dedent(routing))
    (evals / "live.yaml").write_text(textwrap.dedent(SUITE))
    write_dataset(root / "datasets", "intents", intent_cases(cases, train=0), {"text": "message"}, labels=LABELS)
    prompt = root / "prompts" / "intents" / "default.j2"
    prompt.parent.mkdir(parents=True)
    prompt.write_text(PROMPT)
    return evals / "live.yaml"


def deployment_yaml(lane: str, server: Server) -> str:
    """The models.yaml entry of one lane (a vendor's API, or an infrastructure lane)."""
    if lane in INFRA_LANES:
        api, infra, model, extra = INFRA_LANES[lane]
        fields = {"provider": api, "client": infra, "model": model, "family": lane.split("-")[0],
                  "base_url": server.base_url(lane, api, infra), **extra}  # fmt: skip
        inp, out = PRICES[lane.split("-")[0]]
    else:
        fields = {"provider": LANES[lane], "model": f"{lane}-test", "family": lane,
                  "base_url": server.base_url(lane, LANES[lane]), "credentials_env": KEY_ENVS[lane]}  # fmt: skip
        inp, out = PRICES[lane]
    body = "".join(f"    {k}: {json.dumps(v)}\n" for k, v in fields.items())
    return f"  {lane}:\n{body}    pricing: {{input_per_mtok: {inp}, output_per_mtok: {out}}}\n"


def aws_env(access_key: str, secret_key: str, session_token: str | None = None) -> dict[str, str]:
    """The standard AWS variables for a key pair (and a session token)."""
    env = {"AWS_ACCESS_KEY_ID": access_key, "AWS_SECRET_ACCESS_KEY": secret_key}
    return env | ({"AWS_SESSION_TOKEN": session_token} if session_token else {})


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


def lane_deployment(server: Server, lane: str, **overrides: Any) -> Deployment:
    """The deployment of one of the loopback server's lanes: an API lane (`LANES`, its key from `KEY_ENVS`) or an
    infrastructure lane (`INFRA_LANES`: Bedrock, Vertex, Azure, with their own credentials)."""
    if lane in LANES:
        return Deployment(provider=LANES[lane], model=f"{lane}-test", base_url=server.base_url(lane, LANES[lane]),
                          credentials_env=KEY_ENVS[lane], **overrides)  # fmt: skip
    api, infra, model, extra = INFRA_LANES[lane]
    fields: dict[str, Any] = {"provider": api, "client": infra, "model": model,
                              "base_url": server.base_url(lane, api, infra), **extra, **overrides}  # fmt: skip
    return Deployment(**fields)  # an override may replace one of the lane's extra fields
