"""The one retry layer (the SDKs' own retries are off): which failures get another attempt, after how long,
and when a cell, or a whole deployment, stops trying.

```
RetryPolicy   per task, from routing.yaml `retry` (+ run overrides): attempts, backoff, the longest Retry-After
              we wait, which classes, a total time budget per cell
decide()      one failed (or rejected) attempt -> Decision(class, retryable, retry_after, wait_s | stop reason)
flag()        the semantic verdict on a completion: empty, truncated by max tokens, filtered, refused
AuthBreaker   per deployment: one request at a time until the key is proven; after N auth failures the lane
              closes and its remaining cells end skipped_auth without a call
```
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from dataclasses import dataclass, field

from harness.config import routing
from harness.config.routing import expand_classes
from harness.errors import RETRYABLE, FailureClass, ProviderError
from harness.types import Completion

F = FailureClass


@dataclass(frozen=True)
class RetryPolicy:
    """The effective policy for one task: routing.yaml's `retry` block, with the run's overrides applied."""

    max_attempts: int = 3
    """Attempts per cell, the first included."""
    backoff_initial_s: float = 0.5
    backoff_multiplier: float = 2.0
    backoff_max_s: float = 8.0
    full_jitter: bool = True
    """wait ~ U(0, cap) with cap = min(max, initial × multiplier^(n-1)); without jitter, wait = cap."""
    respect_retry_after: bool = True
    max_retry_after_s: float = 120.0
    """A longer Retry-After ends the cell `rate_limited` with the reason, instead of a silent short retry."""
    max_total_s: float = 300.0
    """No retry starts if it would begin more than this long after the cell's first attempt."""
    retry_on: frozenset[FailureClass] = RETRYABLE
    """Classes worth another attempt (routing.yaml's `retry_on`, groups expanded)."""

    @classmethod
    def from_routing(
        cls,
        spec: routing.RetryPolicy,
        *,
        max_total_s: float,
        max_attempts: int | None = None,
        backoff_initial_s: float | None = None,
        backoff_max_s: float | None = None,
        max_retry_after_s: float | None = None,
    ) -> RetryPolicy:
        """Build from a routing.yaml `retry` block; overrides that are not None win (run options, tests)."""
        return cls(
            max_attempts=max_attempts or spec.max_attempts,
            backoff_initial_s=spec.backoff.initial_ms / 1000 if backoff_initial_s is None else backoff_initial_s,
            backoff_multiplier=spec.backoff.multiplier,
            backoff_max_s=spec.backoff.max_ms / 1000 if backoff_max_s is None else backoff_max_s,
            full_jitter=spec.backoff.jitter == "full",
            respect_retry_after=spec.respect_retry_after,
            max_retry_after_s=spec.max_retry_after_s if max_retry_after_s is None else max_retry_after_s,
            max_total_s=max_total_s,
            retry_on=expand_classes(spec.retry_on),
        )


@dataclass(frozen=True)
class Decision:
    """What to do after one attempt that failed or whose completion was rejected."""

    failure_class: FailureClass
    retryable: bool
    """The class is one the policy retries (whether or not this attempt is retried)."""
    retry_after: float | None = None
    wait_s: float | None = None
    """Seconds to wait before the next attempt; None: stop here."""
    reason: str | None = None
    """Why a retryable failure stops here (recorded with the cell)."""

    @property
    def retry(self) -> bool:
        return self.wait_s is not None


def backoff(policy: RetryPolicy, attempt: int, rng: random.Random | None = None) -> float:
    cap = min(policy.backoff_max_s, policy.backoff_initial_s * policy.backoff_multiplier ** (attempt - 1))
    return (rng or random).uniform(0, cap) if policy.full_jitter else cap


def decide(
    policy: RetryPolicy,
    failure_class: FailureClass,
    attempt: int,
    elapsed_s: float,
    retry_after: float | None = None,
    rng: random.Random | None = None,
) -> Decision:
    """Retry or stop after attempt number `attempt`, `elapsed_s` after the cell's first attempt began.
    `retry_after` is what the server asked for; it is recorded on the decision whether or not it is honoured."""
    if failure_class not in policy.retry_on:
        return Decision(failure_class, False, retry_after)
    if attempt >= policy.max_attempts:
        return Decision(failure_class, True, retry_after, reason=f"gave up after {attempt} attempts")
    asked = retry_after if policy.respect_retry_after else None
    if asked is not None and asked > policy.max_retry_after_s:
        why = f"Retry-After {asked:g} s is longer than the maximum wait of {policy.max_retry_after_s:g} s"
        return Decision(failure_class, True, retry_after, reason=why)
    wait = max(backoff(policy, attempt, rng), asked or 0.0)
    if elapsed_s + wait > policy.max_total_s:
        why = f"a retry in {wait:.1f} s would pass the cell's retry budget of {policy.max_total_s:g} s"
        return Decision(failure_class, True, retry_after, reason=why)
    return Decision(failure_class, True, retry_after, wait_s=wait)


#: How a flagged completion is described in the cell's error_message.
FLAG_REASONS: dict[FailureClass, str] = {
    F.content_policy: "the provider's content filter stopped the output",
    F.refusal: "the model refused",
    F.truncated_output: "the output stopped at the max_tokens limit",
    F.empty_output: "the model returned no text and no tool call",
}


def flag(completion: Completion) -> FailureClass | None:
    """The semantic failure of a well-formed completion, if any. Such a cell still ends `ok` and is graded
    (the output is the model's answer); the class is recorded with it, and `retry_on` may ask again."""
    if completion.finish_reason == "content_filter":
        return F.content_policy
    if completion.finish_reason == "refusal":
        return F.refusal
    if completion.finish_reason == "length":
        return F.truncated_output
    if not completion.text.strip() and not completion.tool_calls:
        return F.empty_output
    return None


_THROUGH: AbstractAsyncContextManager[None] = nullcontext()
"""`AuthBreaker.admit` once the key is proven: no lock, nothing to release."""


@dataclass
class AuthBreaker:
    """Auth failures of one deployment. Until a request comes back with anything but an auth error, requests
    go one at a time, so a bad key costs `threshold` requests, not `threshold` + concurrency."""

    threshold: int = 3
    failures: int = 0
    proven: bool = False
    reason: str | None = None
    """Set once the lane is closed: the message every remaining cell is skipped with."""
    _gate: asyncio.Lock = field(default_factory=asyncio.Lock)

    def admit(self) -> AbstractAsyncContextManager[None]:
        """Hold the lane's single slot while the key is unproven; pass straight through once it is."""
        return _THROUGH if self.proven else self._one_at_a_time()

    @asynccontextmanager
    async def _one_at_a_time(self) -> AsyncIterator[None]:
        await self._gate.acquire()
        if self.proven:  # proven while we queued: no need to keep the others waiting
            self._gate.release()
            yield
            return
        try:
            yield
        finally:
            self._gate.release()

    def record(self, failure_class: FailureClass | None, message: str | None) -> None:
        if failure_class != F.auth_error:
            self.proven = True
            return
        self.failures += 1
        if self.failures >= self.threshold and self.reason is None:
            self.reason = (
                f"skipped: {self.failures} requests to this deployment failed authentication; "
                f"no more calls are made to it in this run (last: {message})"
            )


def outcome(
    completion: Completion | None, err: ProviderError | None, decision: Decision | None, attempts: int
) -> tuple[Completion | None, FailureClass | None, str | None, int]:
    """A completion is kept (flagged or not); an error ends the cell with its message and why it stopped."""
    if completion is not None:
        failure = decision.failure_class if decision else None
        return completion, failure, FLAG_REASONS.get(failure) if failure else None, attempts
    assert err is not None
    reason = f" ({decision.reason})" if decision and decision.reason else ""
    return None, err.failure_class, err.message + reason, attempts
