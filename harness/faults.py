"""Fault injection: make a deployment fail or slow down on purpose, in sim and live modes alike.

A scenario names faults per deployment; a fault hits a share of calls, deterministically (seeded by the
request, sample and attempt), adds latency and/or fails them with a failure class, as the real provider
would. Wrapping happens around the provider, so retries, fallbacks and accounting see real failures.

```yaml
scenarios:                              # in the suite
  primary-down:
    description: Anthropic's API is failing 30% of calls and slow on the rest.
    faults:
      - {deployment: claude-sonnet@anthropic, rate: 0.3, failure: overloaded}
      - {deployment: claude-sonnet@anthropic, rate: 1.0, latency_ms: 2000}
```
or on the command line: `--fault claude-sonnet@anthropic:overloaded:0.3` (repeatable).
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import replace
from typing import Literal

from pydantic import Field

from harness.config_base import Strict
from harness.errors import FailureClass, InputError, ProviderError
from harness.providers.base import Provider
from harness.types import Completion, Request

SEMANTIC = ("empty_output", "truncated_output")
STATUS = {"rate_limited": 429, "overloaded": 529, "server_error": 500, "auth_error": 401, "not_found": 404,
          "bad_request": 400, "context_overflow": 400, "content_policy": 400, "quota_exhausted": 429}  # fmt: skip
Injectable = Literal[
    "rate_limited", "overloaded", "server_error", "timeout", "connection_error", "auth_error", "not_found",
    "quota_exhausted", "context_overflow", "content_policy", "bad_request", "empty_output", "truncated_output",
]  # fmt: skip


class Fault(Strict):
    deployment: str
    rate: float = Field(ge=0, le=1)
    """Share of calls hit."""
    failure: Injectable | None = None
    """How a hit call fails (semantic ones return an empty or cut-off answer). None: only latency."""
    latency_ms: float = Field(0.0, ge=0)
    """Extra latency on hit calls (scaled like simulated latency for simulated deployments)."""
    retry_after: float | None = Field(None, ge=0)
    """Seconds, for rate_limited / overloaded."""


class Scenario(Strict):
    description: str = ""
    faults: list[Fault] = Field(min_length=1)


def parse_fault(spec: str) -> Fault:
    """`deployment:failure:rate` or `deployment:+latency_ms:rate`."""
    parts = spec.rsplit(":", 2)
    if len(parts) != 3:
        raise InputError(f"--fault {spec!r}: expected DEPLOYMENT:FAILURE:RATE, e.g. gpt-4o@azure:server_error:0.3")
    dep, what, rate_s = parts
    try:
        rate = float(rate_s)
        if what.startswith("+"):
            return Fault(deployment=dep, rate=rate, latency_ms=float(what[1:]))
        return Fault.model_validate({"deployment": dep, "rate": rate, "failure": what})
    except ValueError as e:
        raise InputError(f"--fault {spec!r}: {str(e).splitlines()[0]}") from None


def _draw(*parts: object) -> float:
    digest = hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


class FaultyProvider:
    """Wraps a provider with the faults aimed at its deployment."""

    def __init__(self, inner: Provider, faults: list[Fault], seed: int = 0, time_scale: float = 1.0) -> None:
        self.inner = inner
        self.faults = faults
        self.seed = seed
        self.time_scale = time_scale
        self.simulated = inner.simulated
        self.injected = 0

    async def aclose(self) -> None:
        close = getattr(self.inner, "aclose", None)
        if close is not None:
            await close()

    async def complete(self, request: Request) -> Completion:
        case = request.sim.case_id if request.sim else ""
        extra_ms = 0.0
        for i, fault in enumerate(self.faults):
            if _draw(self.seed, i, request.deployment, request.prompt_hash, case, request.sample,
                     request.attempt) >= fault.rate:  # fmt: skip
                continue
            self.injected += 1
            if fault.latency_ms:
                extra_ms += fault.latency_ms
                await asyncio.sleep(fault.latency_ms / 1000 * self.time_scale)
            if fault.failure in SEMANTIC:
                answer = await self.inner.complete(request)
                if fault.failure == "empty_output":
                    return replace(answer, text="", tool_calls=(), finish_reason="stop")
                return replace(answer, text=answer.text[: len(answer.text) // 2], finish_reason="length")
            if fault.failure is not None:
                raise ProviderError(
                    FailureClass(fault.failure), f"injected {fault.failure}", status=STATUS.get(fault.failure),
                    retry_after=fault.retry_after,
                )  # fmt: skip
        answer = await self.inner.complete(request)
        if extra_ms and answer.latency_ms:  # providers that report their own latency (simulators) include it
            answer = replace(answer, latency_ms=answer.latency_ms + extra_ms)
        return answer
