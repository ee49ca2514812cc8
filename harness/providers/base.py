"""The provider seam: one async method, `complete(request) -> Completion`.

A provider translates a `Request` into one API call and the answer into a `Completion`, and maps vendor
errors to `ProviderError(FailureClass, ...)` at its boundary, once. Retries, concurrency, timing and caching
are the runner's. Providers are registered by dotted path so a run imports only the SDKs it uses.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from harness.config.models import Deployment, ModelTable
from harness.errors import InputError
from harness.types import Completion, Request


class Provider(Protocol):
    simulated: bool

    async def complete(self, request: Request) -> Completion: ...


@dataclass(frozen=True)
class ProviderSettings:
    """Run-wide settings providers may need."""

    models: ModelTable
    sim_seed: int = 0
    sim_time_scale: float = 0.0
    """Simulated latency × this = real seconds slept (0: record latency, do not wait)."""
    timeout_s: float = 120.0
    """Per attempt; live SDK clients get it as their own timeout (the runner's per-attempt timeout decides)."""
    datasets_dir: Path | None = None
    cache_dir: Path | None = None
    """`results/cache/`: local models and (later) responses are cached here."""
    notes: list[str] = field(default_factory=list)
    """Lines providers want the user to see (e.g. a local model's training time and held-out accuracy)."""


REGISTRY: dict[str, str] = {
    "sim": "harness.providers.sim:SimProvider",
    "canned": "harness.providers.canned:CannedProvider",
    "sklearn": "harness.providers.sklearn:SklearnProvider",
    "anthropic": "harness.providers.anthropic:AnthropicProvider",
    "openai": "harness.providers.openai:OpenAIProvider",
    "google": "harness.providers.google:GoogleProvider",
}


def make_provider(name: str, deployment_id: str, deployment: Deployment, settings: ProviderSettings) -> Provider:
    """Import and build the provider registered as `name` for one deployment."""
    path = REGISTRY.get(name)
    if path is None:
        raise InputError(f"unknown provider {name!r} for deployment {deployment_id!r}")
    module_name, _, cls_name = path.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as e:
        if e.name != module_name:
            raise
        raise InputError(
            f"the live {name!r} provider is not available in this version of harness",
            fix="run with --mode sim",
        ) from None
    cls = getattr(module, cls_name)
    provider: Provider = cls(deployment_id, deployment, settings)
    return provider
