"""Credentials per infrastructure: what makes a deployment live, which credential wins, what is refused and how."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from harness.config.models import Deployment
from harness.config.suite import load_suite
from harness.errors import InputError
from harness.providers.cloud import (
    aws_auth,
    azure_auth,
    credentials_hint,
    has_credentials,
    quiet_signing_logs,
    vertex_auth,
)
from harness.run.plan import Selection, build_plan

BEDROCK = Deployment(provider="anthropic", client="bedrock", model="anthropic.claude", region="eu-central-1")
VERTEX = Deployment(provider="google", client="vertex", model="gemini", region="us-central1", project="p1",
                    credentials_env="HX_TOKEN")  # fmt: skip
CLAUDE_VERTEX = Deployment(provider="anthropic", client="vertex", model="claude", region="us-east5")
AZURE = Deployment(provider="openai", client="azure", model="gpt4o-prod", base_url="https://r.openai.azure.com",
                   api_version="2024-10-21", credentials_env="HX_AZURE")  # fmt: skip
DIRECT = Deployment(provider="openai", model="gpt", credentials_env="HX_KEY")
NO_ADC = {"CLOUDSDK_CONFIG": "/nonexistent-gcloud"}


@pytest.mark.parametrize(
    ("dep", "env", "live"),
    [
        (BEDROCK, {"AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "s"}, True),
        (BEDROCK, {"AWS_ACCESS_KEY_ID": "a"}, False),  # half a key pair is no credential
        (BEDROCK, {"AWS_BEARER_TOKEN_BEDROCK": "t"}, True),
        (BEDROCK, {"AWS_PROFILE": "dev"}, True),
        (BEDROCK, {"HX_KEY": "k"}, False),
        (VERTEX, {"HX_TOKEN": "t", **NO_ADC}, True),
        (VERTEX, {"GOOGLE_APPLICATION_CREDENTIALS": "/k.json", **NO_ADC}, True),
        (VERTEX, NO_ADC, False),
        (AZURE, {"HX_AZURE": "k"}, True),
        (AZURE, {"AZURE_OPENAI_AD_TOKEN": "t"}, True),
        (AZURE, {"AZURE_OPENAI_API_KEY": "k"}, False),  # the SDK's default var is not the one the table names
        (DIRECT, {"HX_KEY": " "}, False),
        (DIRECT, {"HX_KEY": "k"}, True),
    ],
)
def test_has_credentials_per_client(dep: Deployment, env: dict[str, str], live: bool) -> None:
    assert has_credentials(dep, env) is live


def test_gcloud_adc_file_counts_as_credentials(tmp_path: Path) -> None:
    env = {"CLOUDSDK_CONFIG": str(tmp_path)}
    assert not has_credentials(VERTEX, env)
    (tmp_path / "application_default_credentials.json").write_text("{}")
    assert has_credentials(VERTEX, env)


def test_hints_name_the_variables() -> None:
    assert (
        credentials_hint(BEDROCK)
        == "AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY, AWS_BEARER_TOKEN_BEDROCK or AWS_PROFILE"
    )
    assert credentials_hint(VERTEX) == "HX_TOKEN or GOOGLE_APPLICATION_CREDENTIALS"
    assert credentials_hint(AZURE) == "HX_AZURE or AZURE_OPENAI_AD_TOKEN"
    assert credentials_hint(DIRECT) == "HX_KEY"


def test_aws_credentials_precedence_and_region() -> None:
    keys = {"AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "SECRET", "AWS_SESSION_TOKEN": "TOKEN"}
    auth = aws_auth("b", BEDROCK, {**keys, "AWS_PROFILE": "dev", "AWS_REGION": "us-west-2"})
    assert (auth.region, auth.access_key, auth.secret_key, auth.session_token, auth.profile) == (
        "eu-central-1", "AKID", "SECRET", "TOKEN", None)  # fmt: skip
    assert auth.secrets == ("AKID", "SECRET", "TOKEN") and "SECRET" not in repr(auth)
    bearer = aws_auth("b", BEDROCK, {**keys, "AWS_BEARER_TOKEN_BEDROCK": "BEARER"})
    assert (bearer.bearer, bearer.access_key) == ("BEARER", None)  # the SDK refuses both at once
    profile = aws_auth("b", BEDROCK.model_copy(update={"region": None}), {"AWS_PROFILE": "dev", "AWS_REGION": "x"})
    assert (profile.profile, profile.region, profile.secrets) == ("dev", "x", ())
    with pytest.raises(InputError, match="no AWS credentials .* export AWS_ACCESS_KEY_ID"):
        aws_auth("b", BEDROCK, {"AWS_ACCESS_KEY_ID": "AKID"})
    with pytest.raises(InputError, match="needs a region"):
        aws_auth("b", BEDROCK.model_copy(update={"region": None}), keys)


def test_vertex_project_token_and_adc() -> None:
    auth = vertex_auth("v", VERTEX, {"HX_TOKEN": "TOK", "GOOGLE_CLOUD_PROJECT": "env-project"})
    assert (auth.project, auth.region, auth.access_token, auth.secrets) == ("p1", "us-central1", "TOK", ("TOK",))
    adc = vertex_auth(
        "v", CLAUDE_VERTEX, {"ANTHROPIC_VERTEX_PROJECT_ID": "claude-p", "GOOGLE_APPLICATION_CREDENTIALS": "/k"}
    )
    assert (adc.project, adc.access_token) == ("claude-p", None)  # the SDK loads and refreshes ADC itself
    gemini = VERTEX.model_copy(update={"project": None})
    with pytest.raises(InputError, match="needs a Google Cloud project .*GOOGLE_CLOUD_PROJECT"):
        vertex_auth("v", gemini, {"ANTHROPIC_VERTEX_PROJECT_ID": "only-for-claude", "HX_TOKEN": "t"})
    with pytest.raises(InputError, match="no Google Cloud credentials"):
        vertex_auth("v", VERTEX, NO_ADC)


def test_azure_key_then_entra_token() -> None:
    assert azure_auth("a", AZURE, {"HX_AZURE": "K", "AZURE_OPENAI_AD_TOKEN": "T"}).api_key == "K"
    token = azure_auth("a", AZURE, {"AZURE_OPENAI_AD_TOKEN": "T"})
    assert (token.api_key, token.ad_token, token.secrets) == (None, "T", ("T",))
    with pytest.raises(InputError, match="no Azure OpenAI credentials .*HX_AZURE or AZURE_OPENAI_AD_TOKEN"):
        azure_auth("a", AZURE, {})


def test_signing_details_stay_out_of_debug_logs(caplog: pytest.LogCaptureFixture) -> None:
    quiet_signing_logs()
    quiet_signing_logs()  # once is enough, twice is harmless
    logger = logging.getLogger("botocore.auth")
    assert len(logger.filters) == 1
    with caplog.at_level(logging.DEBUG):
        logger.debug("CanonicalRequest: x-amz-security-token:SECRET")
        logger.warning("clock skew")
    assert [r.getMessage() for r in caplog.records if r.name == "botocore.auth"] == ["clock skew"]


CLOUD_MODELS = """
  claude-bedrock:
    provider: anthropic
    client: bedrock
    model: anthropic.claude-sonnet-4-20250514-v1:0
    region: eu-central-1
  gemini-vertex:
    provider: google
    client: vertex
    model: gemini-2.5-pro
    region: europe-west4
    project: p1
  gpt-azure:
    provider: openai
    client: azure
    model: gpt4o-prod
    base_url: https://r.openai.azure.com
    api_version: 2024-10-21
    credentials_env: HX_AZURE
"""


@pytest.fixture
def cloud_project(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    models = project.parent / "models.yaml"
    models.write_text(models.read_text() + CLOUD_MODELS)
    routing = project.parent / "routing.yaml"
    text = routing.read_text().replace(
        "chain: [alpha, beta]", "chain: [alpha, claude-bedrock, gemini-vertex, gpt-azure]"
    )
    routing.write_text(text)
    monkeypatch.setenv("CLOUDSDK_CONFIG", str(tmp_path / "no-gcloud"))
    return project


def test_modes_are_decided_per_client(cloud_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    modes = build_plan(load_suite(cloud_project), Selection(tasks=["intents"]), "r").modes
    assert set(modes.values()) == {"sim"}  # no credentials at all: the whole run is simulated
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKID")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "SECRET")
    plan = build_plan(load_suite(cloud_project), Selection(tasks=["intents"]), "r")
    assert plan.modes == {"alpha": "skipped", "claude-bedrock": "live", "gemini-vertex": "skipped",
                          "gpt-azure": "skipped"}  # fmt: skip
    assert "LIVE: 1 deployment(s) called for real" in plan.mode_note
    monkeypatch.setenv("AZURE_OPENAI_AD_TOKEN", "T")
    monkeypatch.setenv("TINY_KEY", "k")
    with pytest.raises(InputError, match="'gemini-vertex' has no credentials in GOOGLE_APPLICATION_CREDENTIALS"):
        build_plan(load_suite(cloud_project), Selection(tasks=["intents"], mode="live"), "r")
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", "/k.json")
    live: Any = build_plan(load_suite(cloud_project), Selection(tasks=["intents"], deployments=["claude-bedrock",
                           "gemini-vertex", "gpt-azure"], mode="live"), "r").modes  # fmt: skip
    assert live == {"claude-bedrock": "live", "gemini-vertex": "live", "gpt-azure": "live"}
