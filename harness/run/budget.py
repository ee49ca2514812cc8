"""Spend control: `--max-cost` and a suite's `budget_usd` stop scheduling new calls once reached.

A call is scheduled only if what was spent, plus what the calls in flight are expected to cost, plus this call's
expected cost stays within the budget; the expected cost is the offline input-token estimate plus the
deployment's average output so far (before its first answer: as many output tokens as input, at most a quarter
of `max_tokens`) at list price. When a call does not fit but others are in flight, it waits for them to settle
and asks again; when it does not fit with nothing in flight, the budget is closed for the rest of the run: every
cell not yet started ends `skipped_budget` (a cheaper cell later in the queue does not sneak in), and the summary
says how many.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

from harness.config.models import Deployment


@dataclass
class Budget:
    limit_usd: float | None
    spent_usd: float = 0.0
    reserved_usd: float = 0.0
    closed: bool = False
    skipped: int = 0
    _out: dict[str, tuple[int, int]] = field(default_factory=dict)
    """Per deployment: (answers seen, output tokens) for the running average."""
    _settled: asyncio.Condition | None = field(default=None, repr=False)

    def expected(self, deployment: str, dep: Deployment, input_tokens: int, max_tokens: int) -> float:
        seen, total = self._out.get(deployment, (0, 0))
        out = total / seen if seen else min(input_tokens, max_tokens / 4)
        return (input_tokens * dep.pricing.input_per_mtok + out * dep.pricing.output_per_mtok) / 1e6

    async def admit(self, expected: Callable[[], float]) -> float | None:
        """Reserve the call's expected cost once it fits, waiting for calls in flight to settle (the estimate is
        recomputed each time: it learns from their answers); None closes the budget. Returns the reservation."""
        if self.limit_usd is None:
            return 0.0
        if self._settled is None:
            self._settled = asyncio.Condition()
        async with self._settled:
            while True:
                cost = expected()
                if not self.closed and self.spent_usd + self.reserved_usd + cost <= self.limit_usd + 1e-12:
                    self.reserved_usd += cost
                    return cost
                if self.closed or self.reserved_usd <= 1e-15:
                    self.closed = True
                    self.skipped += 1
                    return None
                await self._settled.wait()

    async def settle(self, deployment: str, reserved_usd: float, cost_usd: float, output_tokens: int | None) -> None:
        """A call ended: swap its reservation for what it really cost, and wake the calls waiting to fit."""
        self.spent_usd += cost_usd
        if output_tokens is not None:
            seen, total = self._out.get(deployment, (0, 0))
            self._out[deployment] = (seen + 1, total + output_tokens)
        if self.limit_usd is None:
            return
        if self._settled is None:
            self._settled = asyncio.Condition()
        async with self._settled:
            self.reserved_usd = max(0.0, self.reserved_usd - reserved_usd)
            self._settled.notify_all()

    def note(self) -> str | None:
        if not self.skipped:
            return None
        return (f"budget of ${self.limit_usd:.4f} reached after ${self.spent_usd:.4f}: {self.skipped} cell(s) not "
                "started, recorded skipped_budget (raise --max-cost / budget_usd and rerun: the cache answers "
                "what was already paid for)")  # fmt: skip
