"""The model table (`evals/models.yaml`): one entry per deployment, i.e. one callable endpoint.

The same model on two infrastructures (Anthropic's API and Bedrock, say) is two deployments. Each carries its
prices, limits, capabilities, compliance tags, the env var holding its credentials, its family (which drives
prompt resolution) and the profile of its simulated twin.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, ValidationInfo, field_validator, model_validator

from harness.config.base import ID_PATTERN, Strict
from harness.config.yamlfile import load_model

Provider = Literal["anthropic", "openai", "google", "sim", "sklearn", "canned"]
Client = Literal["direct", "bedrock", "vertex", "azure", "openai-compatible"]
Capability = Literal["tools", "json_schema", "vision", "long_context"]
BuiltinTool = Literal["google_search"]
#: The vendor-run tools each provider can send (`tools:` of a deployment).
BUILTIN_TOOLS: dict[str, tuple[str, ...]] = {"google": ("google_search",)}
DeploymentId = Annotated[str, StringConstraints(pattern=ID_PATTERN)]

#: Providers that always run for real, even in sim mode: they cost nothing and need no keys.
LOCAL_PROVIDERS: frozenset[str] = frozenset({"sim", "sklearn", "canned"})
#: Providers whose answer does not depend on the rendered prompt (a fixed response; a classifier of an input field).
PROMPT_FREE: frozenset[str] = frozenset({"canned", "sklearn"})
#: The infrastructures each provider's SDK reaches.
CLIENTS: dict[str, tuple[str, ...]] = {
    "anthropic": ("direct", "bedrock", "vertex"),
    "openai": ("direct", "azure", "openai-compatible"),
    "google": ("direct", "vertex"),
}


class Pricing(Strict):
    input_per_mtok: float = Field(0.0, ge=0)
    """USD per million input tokens."""
    output_per_mtok: float = Field(0.0, ge=0)
    """USD per million output tokens."""


class Compliance(Strict):
    region: str = "unspecified"
    """Where requests are processed, e.g. `us`, `eu-central-1`, `swedencentral`, `local`."""
    data_retention: Literal["zero", "30d", "provider_default", "none"] = "provider_default"
    """How long the provider keeps prompts and outputs (`none`: nothing leaves the machine)."""
    certifications: list[str] = []
    """E.g. `soc2`, `hipaa-baa`, `iso27001`."""


class RateLimits(Strict):
    rpm: int | None = Field(None, gt=0)
    """Requests per minute."""
    tpm: int | None = Field(None, gt=0)
    """Tokens per minute."""


class SimProfile(Strict):
    """How the simulated twin of this deployment behaves. A simulator, never evidence of quality."""

    accuracy: dict[str, float] = {}
    """Probability of a right answer per task class (`classification`, `extraction`, ...)."""
    default_accuracy: float = Field(0.75, ge=0, le=1)
    """Used for task classes not listed in `accuracy`."""
    latency_ms_p50: float = Field(600.0, gt=0)
    latency_ms_p95: float = Field(1800.0, gt=0)
    ttft_ms_p50: float | None = Field(None, gt=0)
    """Streaming: median time to the first token (default: a quarter of `latency_ms_p50`)."""
    ttft_ms_p95: float | None = Field(None, gt=0)
    """Streaming: p95 time to the first token (default: `ttft_ms_p50` × latency_ms_p95 / latency_ms_p50)."""
    tokens_per_s: float | None = Field(None, gt=0)
    """Streaming: output tokens per second after the first (default: drawn so the whole answer takes the drawn
    latency)."""
    rate_limited: float = Field(0.0, ge=0, le=1)
    """Share of attempts answered with a 429."""
    server_error: float = Field(0.0, ge=0, le=1)
    """Share of attempts answered with a 5xx."""
    timeout: float = Field(0.0, ge=0, le=1)
    """Share of attempts that time out."""
    prompt_sensitivity: float = Field(1.0, ge=0, le=1)
    """Share of cases whose right-or-wrong draw changes when the rendered prompt changes. 1.0 (the default): any
    edit redraws every case. Real models at temperature 0 answer most cases the same after a harmless edit; 0.1 is
    closer to that, and lets the gate tell a harmless edit from a harmful one on a few hundred cases."""

    @model_validator(mode="after")
    def _check(self) -> SimProfile:
        for k, v in self.accuracy.items():
            if not 0 <= v <= 1:
                raise ValueError(f"accuracy.{k} must be between 0 and 1, got {v}")
        if self.latency_ms_p95 < self.latency_ms_p50:
            raise ValueError("latency_ms_p95 must be at least latency_ms_p50")
        if self.ttft_ms_p50 and self.ttft_ms_p95 and self.ttft_ms_p95 < self.ttft_ms_p50:
            raise ValueError("ttft_ms_p95 must be at least ttft_ms_p50")
        return self


class Family(Strict):
    bytes_per_token: float = Field(4.0, gt=0)
    """Average UTF-8 bytes per token of this family's tokenizer on English text (the offline estimator)."""


class SklearnSpec(Strict):
    """A local scikit-learn text classifier trained on a dataset's train split (cached by content hash)."""

    dataset: str
    """`name@version` of the training data (its `train` split)."""
    input_field: str = "text"
    """The case input field holding the text to classify."""
    pipeline: Literal["tfidf-logreg", "tfidf-svm"] = "tfidf-logreg"
    ngram_max: int = Field(2, ge=1, le=3)
    """Word n-grams up to this length."""
    C: float = Field(4.0, gt=0)
    """Inverse regularisation strength."""


class Deployment(Strict):
    provider: Provider
    """Which adapter calls it."""
    model: str = ""
    """The provider's model name, pinned to a version where the provider allows it."""
    family: str = "other"
    """`claude`, `gpt`, `gemini`, `llama`, ...: drives prompt resolution (model id → family → default)."""
    base_model: str | None = None
    """The same underlying model served elsewhere shares this name (e.g. `claude-sonnet-4` on Anthropic's API
    and on Bedrock): such deployments are compared for equivalence (TOST against `equivalence_margin`)."""
    client: Client = "direct"
    """Infrastructure: `direct` (the vendor's API), `bedrock` (anthropic), `vertex` (anthropic, google), `azure`
    (openai), `openai-compatible` (openai). Credentials come from each cloud's standard variables (README)."""
    base_url: str | None = None
    """Endpoint override; for `azure`, the resource endpoint (`https://<resource>.openai.azure.com`)."""
    region: str | None = None
    """Cloud region: Bedrock (default AWS_REGION), Vertex (required, e.g. `us-east5`, `global`)."""
    project: str | None = None
    """Google Cloud project for `vertex` (default: GOOGLE_CLOUD_PROJECT)."""
    api_version: str | None = None
    """Azure OpenAI API version for `azure` (required), e.g. `2024-10-21`. `model` is the Azure deployment name."""
    pricing: Pricing = Pricing()
    context_window: int = Field(128_000, gt=0)
    """Maximum input + output tokens."""
    max_output_tokens: int = Field(4096, gt=0)
    capabilities: list[Capability] = []
    tools: list[BuiltinTool] = []
    """Tools the vendor runs for every request of this deployment: `google_search` (provider google) grounds
    Gemini's answers in Google Search; each cell then records the queries, sources and supported segments."""
    compliance: Compliance = Compliance()
    rate_limits: RateLimits = RateLimits()
    credentials_env: str | None = None
    """Name of the env var holding the API key (`azure`: an API key, else AZURE_OPENAI_AD_TOKEN is used; `vertex`:
    an optional OAuth access token instead of Application Default Credentials; `bedrock`: not used, AWS's own
    variables are). The key itself is never written anywhere."""
    latency_p95_ms: float | None = Field(None, gt=0)
    """Observed p95 latency (to the last token) from your monitoring; routes with a latency budget drop slower
    deployments."""
    ttft_p95_ms: float | None = Field(None, gt=0)
    """Observed p95 time to first token from your monitoring; routes whose latency budget bounds TTFT
    (`latency_budget_on: ttft | both`) drop slower deployments."""
    stream: bool = True
    """Call the live API streaming (each cell records time to first token, tokens per second and chunks); false:
    one non-streaming call, as before. Every live provider and infrastructure streams; local providers ignore it, and
    a simulated twin records a simulated TTFT when it is true."""
    concurrency: int | None = Field(None, gt=0)
    """Maximum calls in flight to this deployment (default: the run's per-provider limit)."""
    sim: SimProfile = SimProfile()
    response: str | dict[str, Any] | list[Any] | None = None
    """`canned` only: the fixed response (text, or JSON written out as text)."""
    sklearn: SklearnSpec | None = None
    """`sklearn` only: what the local classifier is trained on."""
    description: str = ""

    @field_validator("api_version", mode="before")
    @classmethod
    def _version_text(cls, value: Any) -> Any:
        """`api_version: 2024-10-21` unquoted is a YAML date: take it as the text it was."""
        return value.isoformat() if isinstance(value, dt.date) else value

    @field_validator("tools")
    @classmethod
    def _builtin(cls, tools: list[str], info: ValidationInfo) -> list[str]:
        provider = info.data.get("provider")
        for tool in tools:
            if tool not in BUILTIN_TOOLS.get(str(provider), ()):
                raise ValueError(f"{tool} is only for provider google (this deployment's provider is {provider}): "
                                 "remove it, or use a google deployment")  # fmt: skip
        return tools

    @model_validator(mode="after")
    def _check(self) -> Deployment:
        if self.provider == "canned" and self.response is None:
            raise ValueError("a canned deployment needs `response`")
        if self.provider != "canned" and self.response is not None:
            raise ValueError("`response` is only for provider: canned")
        if (self.provider == "sklearn") != (self.sklearn is not None):
            raise ValueError("provider sklearn needs an `sklearn` block, and only it may have one")
        if self.provider not in LOCAL_PROVIDERS and not self.model:
            raise ValueError(f"provider {self.provider} needs `model` (the provider's model name)")
        self._check_client()
        return self

    def _check_client(self) -> None:
        allowed = CLIENTS.get(self.provider, ("direct",))
        if self.client not in allowed:
            raise ValueError(f"client {self.client} is not available for provider {self.provider} "
                             f"(choose from: {', '.join(allowed)})")  # fmt: skip
        if self.client == "azure" and not (self.base_url and self.api_version):
            raise ValueError("client azure needs `base_url` (https://<resource>.openai.azure.com) and `api_version`")
        if self.client == "vertex" and not self.region:
            raise ValueError("client vertex needs `region` (e.g. us-east5, europe-west1, global)")
        if self.client == "bedrock" and self.credentials_env:
            raise ValueError("client bedrock reads AWS's own variables (AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY, "
                             "AWS_BEARER_TOKEN_BEDROCK or AWS_PROFILE): remove `credentials_env`")  # fmt: skip
        if self.api_version and self.client != "azure":
            raise ValueError("`api_version` is only for client azure")
        if self.project and self.client != "vertex":
            raise ValueError("`project` is only for client vertex")

    @property
    def local(self) -> bool:
        return self.provider in LOCAL_PROVIDERS


class ModelTable(Strict):
    """`evals/models.yaml`."""

    schema_version: Literal[1] = 1
    families: dict[str, Family] = {}
    """Per-family tokenizer factors for the offline token estimator."""
    deployments: dict[DeploymentId, Deployment]

    def family(self, name: str) -> Family:
        return self.families.get(name, Family())


def load_models(path: Path) -> ModelTable:
    return load_model(path, ModelTable)
