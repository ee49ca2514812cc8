"""Fault injection: wrap a provider so that the faults a scenario aims at its deployment happen, in sim and live
modes alike. Wrapping happens around the provider, so retries, fallbacks and accounting see real failures.
Scenarios and faults are declared in the suite (`harness.config.scenarios`).
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import replace

from harness.config.scenarios import SEMANTIC, Fault
from harness.errors import FailureClass, ProviderError
from harness.providers.base import Provider
from harness.types import Completion, Request

STATUS = {"rate_limited": 429, "overloaded": 529, "server_error": 500, "auth_error": 401, "not_found": 404,
          "bad_request": 400, "context_overflow": 400, "content_policy": 400, "quota_exhausted": 429}  # fmt: skip


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
        if extra_ms and answer.ttft_ms is not None:  # the delay came before the first token too
            answer = replace(answer, ttft_ms=round(answer.ttft_ms + extra_ms, 3))
        return answer
