"""Credentials per infrastructure, read from each cloud's standard environment variables when a provider is built;
held in memory only, never stored, logged or recorded.

Credentials per client, first found wins:
- `direct`, `openai-compatible`: the env var `credentials_env` names (the vendor's key header).
- `azure`: the env var `credentials_env` names (an API key, `api-key` header), else `AZURE_OPENAI_AD_TOKEN` (a
  Microsoft Entra ID token, `Authorization: Bearer`).
- `bedrock`: `AWS_BEARER_TOKEN_BEDROCK` (a Bedrock API key, bearer); `AWS_ACCESS_KEY_ID` + `AWS_SECRET_ACCESS_KEY`
  (+ `AWS_SESSION_TOKEN`), SigV4-signed; `AWS_PROFILE` (a named profile boto3 resolves: SSO, assume-role, ...).
- `vertex`: the env var `credentials_env` names (an OAuth access token), else Application Default Credentials
  (`GOOGLE_APPLICATION_CREDENTIALS`, or the file `gcloud auth application-default login` writes); a bearer token.

Regions: the deployment's `region`, else `AWS_REGION` / `AWS_DEFAULT_REGION` (bedrock); vertex needs `region`.
Vertex projects: the deployment's `project`, else `GOOGLE_CLOUD_PROJECT` (or `ANTHROPIC_VERTEX_PROJECT_ID` for
Claude). `has_credentials` is what mode selection asks (no SDK import, no network): a deployment runs live when
its infrastructure's credentials are present. On Google Cloud compute with only a metadata server, name an
access-token variable in `credentials_env` or point `GOOGLE_APPLICATION_CREDENTIALS` at a key file.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from harness.config.models import Deployment
from harness.errors import InputError

AWS_BEARER = "AWS_BEARER_TOKEN_BEDROCK"
AWS_KEY_ID, AWS_SECRET, AWS_TOKEN, AWS_PROFILE = (
    "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE")  # fmt: skip
AWS_REGIONS = ("AWS_REGION", "AWS_DEFAULT_REGION")
AZURE_AD_TOKEN = "AZURE_OPENAI_AD_TOKEN"
GOOGLE_ADC = "GOOGLE_APPLICATION_CREDENTIALS"
GOOGLE_PROJECTS = ("GOOGLE_CLOUD_PROJECT",)
ANTHROPIC_VERTEX_PROJECTS = ("GOOGLE_CLOUD_PROJECT", "ANTHROPIC_VERTEX_PROJECT_ID")


def _get(env: Mapping[str, str], name: str | None) -> str | None:
    value = env.get(name, "").strip() if name else ""
    return value or None


def _first(env: Mapping[str, str], names: tuple[str, ...]) -> str | None:
    return next((v for v in (_get(env, n) for n in names) if v), None)


def gcloud_adc_file(env: Mapping[str, str]) -> Path:
    """Where `gcloud auth application-default login` writes its credentials."""
    config = env.get("CLOUDSDK_CONFIG") or str(Path(env.get("HOME") or Path.home()) / ".config" / "gcloud")
    return Path(config) / "application_default_credentials.json"


def _adc(env: Mapping[str, str]) -> bool:
    """Application Default Credentials are configured (a key file named, or gcloud's file present)."""
    return bool(_get(env, GOOGLE_ADC)) or gcloud_adc_file(env).is_file()


def has_credentials(dep: Deployment, env: Mapping[str, str] | None = None) -> bool:
    """Whether this deployment's infrastructure has credentials in the environment: variables are only tested for
    presence, and gcloud's ADC file for existence."""
    env = os.environ if env is None else env
    if dep.client == "bedrock":
        keys = _get(env, AWS_KEY_ID) and _get(env, AWS_SECRET)
        return bool(_get(env, AWS_BEARER) or keys or _get(env, AWS_PROFILE))
    if dep.client == "vertex":
        return bool(_get(env, dep.credentials_env)) or _adc(env)
    if dep.client == "azure":
        return bool(_get(env, dep.credentials_env) or _get(env, AZURE_AD_TOKEN))
    return bool(_get(env, dep.credentials_env))


def credentials_hint(dep: Deployment) -> str:
    """The variables that would give this deployment credentials, for messages."""
    if dep.client == "bedrock":
        return f"{AWS_KEY_ID} + {AWS_SECRET}, {AWS_BEARER} or {AWS_PROFILE}"
    if dep.client == "vertex":
        return " or ".join([*([dep.credentials_env] if dep.credentials_env else []), GOOGLE_ADC])
    if dep.client == "azure":
        return " or ".join([*([dep.credentials_env] if dep.credentials_env else []), AZURE_AD_TOKEN])
    return dep.credentials_env or "(no credentials_env set)"


class _NoSigningDetail(logging.Filter):
    """Drops botocore.auth's DEBUG records: the canonical request (it holds the session token) and the signature."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno > logging.DEBUG


def quiet_signing_logs() -> None:
    """Keep SigV4 details out of logs even when a user turns on DEBUG logging (once per process)."""
    logger = logging.getLogger("botocore.auth")
    if not any(isinstance(f, _NoSigningDetail) for f in logger.filters):
        logger.addFilter(_NoSigningDetail())


@dataclass(frozen=True)
class AwsAuth:
    """How a Bedrock client signs: a bearer key, a key pair (SigV4), or a named profile boto3 resolves."""

    region: str
    bearer: str | None = field(default=None, repr=False)
    access_key: str | None = field(default=None, repr=False)
    secret_key: str | None = field(default=None, repr=False)
    session_token: str | None = field(default=None, repr=False)
    profile: str | None = None

    @property
    def secrets(self) -> tuple[str, ...]:
        return tuple(s for s in (self.bearer, self.access_key, self.secret_key, self.session_token) if s)


def aws_auth(deployment_id: str, dep: Deployment, env: Mapping[str, str] | None = None) -> AwsAuth:
    env = os.environ if env is None else env
    region = dep.region or _first(env, AWS_REGIONS)
    if not region:
        raise InputError(
            f"deployment {deployment_id!r}: client bedrock needs a region",
            fix="set `region` in models.yaml (e.g. eu-central-1) or export AWS_REGION",
        )
    bearer = _get(env, AWS_BEARER)
    if bearer:
        return AwsAuth(region, bearer=bearer)
    key, secret = _get(env, AWS_KEY_ID), _get(env, AWS_SECRET)
    if key and secret:
        return AwsAuth(region, access_key=key, secret_key=secret, session_token=_get(env, AWS_TOKEN))
    profile = _get(env, AWS_PROFILE)
    if profile:
        return AwsAuth(region, profile=profile)
    raise InputError(
        f"deployment {deployment_id!r}: no AWS credentials (client bedrock)",
        fix=f"export {credentials_hint(dep)}, or run with --mode sim",
    )


@dataclass(frozen=True)
class VertexAuth:
    """A Vertex AI project and region, and either an access token or None (Application Default Credentials)."""

    project: str
    region: str
    access_token: str | None = field(default=None, repr=False)

    @property
    def secrets(self) -> tuple[str, ...]:
        return (self.access_token,) if self.access_token else ()


def vertex_auth(deployment_id: str, dep: Deployment, env: Mapping[str, str] | None = None) -> VertexAuth:
    env = os.environ if env is None else env
    names = ANTHROPIC_VERTEX_PROJECTS if dep.provider == "anthropic" else GOOGLE_PROJECTS
    project = dep.project or _first(env, names)
    if not project:
        raise InputError(
            f"deployment {deployment_id!r}: client vertex needs a Google Cloud project",
            fix=f"set `project` in models.yaml or export {names[0]}",
        )
    if not dep.region:  # models.yaml validation requires it; kept for deployments built in code
        raise InputError(f"deployment {deployment_id!r}: client vertex needs `region`", fix="e.g. us-east5 or global")
    token = _get(env, dep.credentials_env)
    if token is None and not _adc(env):
        raise InputError(
            f"deployment {deployment_id!r}: no Google Cloud credentials (client vertex)",
            fix=f"export {credentials_hint(dep)}, run `gcloud auth application-default login`, or use --mode sim",
        )
    return VertexAuth(project, dep.region, token)


@dataclass(frozen=True)
class AzureAuth:
    """An Azure OpenAI API key or a Microsoft Entra ID token (exactly one)."""

    api_key: str | None = field(default=None, repr=False)
    ad_token: str | None = field(default=None, repr=False)

    @property
    def secrets(self) -> tuple[str, ...]:
        return tuple(s for s in (self.api_key, self.ad_token) if s)


def azure_auth(deployment_id: str, dep: Deployment, env: Mapping[str, str] | None = None) -> AzureAuth:
    env = os.environ if env is None else env
    key = _get(env, dep.credentials_env)
    if key:
        return AzureAuth(api_key=key)
    token = _get(env, AZURE_AD_TOKEN)
    if token:
        return AzureAuth(ad_token=token)
    raise InputError(
        f"deployment {deployment_id!r}: no Azure OpenAI credentials",
        fix=f"export {credentials_hint(dep)}, or run with --mode sim",
    )
