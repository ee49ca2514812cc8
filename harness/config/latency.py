"""Per-attempt deadlines and hedging in the routing table: what a router does when an answer is slow.

```yaml
defaults:                                   # or a task's `policy:`
  attempt_deadline: {ttft_ms: 800, total_ms: 6000}
  hedge: {after: p95_ttft}                  # or {after: 600} (ms)
tasks:
  ticket-routing:
    chain: [claude-haiku@anthropic, gpt-4o-mini@openai]
    deadlines:                              # per chain step; replaces the policy's attempt_deadline for it
      claude-haiku@anthropic: {ttft_ms: 500}
```
**Deadlines** are enforced on every attempt of the fan-out (`run/deadlines.py`): an attempt with no first token by
`ttft_ms`, or unfinished by `total_ms`, is cancelled and recorded as `latency_exceeded` with the text it had
delivered; routed play then moves down the chain as a production router does (`latency_exceeded` is in the
`deployment` failure group: a fallback, never a retry on the same deployment). Simulated answers, whose latency is
drawn, are judged on their drawn TTFT and total.

**Hedging** is played in routed play (`run/hedging.py`): when a position has given no first token `after` its
start (`p95_ttft`: that deployment's p95 TTFT on the task in this run), the next position starts too, and the first
to deliver a token serves; the other is cancelled at that moment and what it cost is the hedge's extra cost.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from harness.config.base import Strict


class Deadline(Strict):
    """One attempt's deadlines, in milliseconds from the call."""

    ttft_ms: float | None = Field(None, gt=0)
    """No first token (text or tool-call chunk) by then: cancelled. A non-streamed answer's first token comes with
    its last, so for it this bounds the whole answer."""
    total_ms: float | None = Field(None, gt=0)
    """Not finished by then: cancelled, the text delivered so far kept with the attempt."""

    @model_validator(mode="after")
    def _something(self) -> Deadline:
        if self.ttft_ms is None and self.total_ms is None:
            raise ValueError("a deadline needs ttft_ms, total_ms or both")
        if self.ttft_ms is not None and self.total_ms is not None and self.ttft_ms > self.total_ms:
            raise ValueError(f"ttft_ms {self.ttft_ms:g} is over total_ms {self.total_ms:g}")
        return self

    def over(self, ttft_ms: float | None, total_ms: float | None) -> Literal["ttft", "total"] | None:
        """Which deadline an answer with these times passed (a non-streamed answer: `ttft_ms` None, its first token
        with its last), or None."""
        first = total_ms if ttft_ms is None else ttft_ms
        if self.ttft_ms is not None and first is not None and first > self.ttft_ms:
            return "ttft"
        if self.total_ms is not None and total_ms is not None and total_ms > self.total_ms:
            return "total"
        return None

    def cut_at(self, which: str) -> float:
        """When an attempt that passed `which` was cancelled (ms from its start)."""
        value = self.ttft_ms if which == "ttft" else self.total_ms
        assert value is not None
        return value


class Hedge(Strict):
    """Start the next chain position when this one has no first token `after` its start; the first token wins."""

    after: Literal["p95_ttft"] | float = "p95_ttft"
    """`p95_ttft`: the deployment's p95 time to first token on the task, as observed in the run; or milliseconds."""

    @model_validator(mode="after")
    def _positive(self) -> Hedge:
        if not isinstance(self.after, str) and self.after <= 0:
            raise ValueError("hedge.after must be p95_ttft or a positive number of milliseconds")
        return self
