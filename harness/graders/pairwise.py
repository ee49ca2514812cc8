"""Pairwise judging of two outputs for the same case: both orders asked, a verdict that flips with order is a tie.

Position bias is the pairwise judge's best-known failure: asked "A or B?", judges favour one slot. Each pair is
therefore judged twice, a first then b first; the two verdicts, mapped back to a and b, must agree to count
(`consistent`); otherwise the pair is a tie. The swap-consistency rate is reported per judge and task. Both
outputs go into their own nonce-delimited data blocks; a side the pre-screen flags loses without a call.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, Literal

from harness.errors import GraderError
from harness.graders.base import BuiltGrader, ModelCaller, Sample
from harness.graders.judge import build_proxy, digest
from harness.graders.judging import JudgePrompt, PairVerdict, ask, input_items, parse_verdict, reference_text, short
from harness.graders.screen import screen
from harness.types import SimHint

LABELS = ("RESPONSE_A", "RESPONSE_B")
PROBE = {"inputs": [{"name": "question", "value": "probe"}], "reference": "probe", "criteria": "", "task_class": "qa"}
Side = Literal["a", "b", "tie"]


@dataclass(frozen=True)
class PairOutcome:
    winner: Side | None
    """None when the judge erred."""
    consistent: bool | None
    first_order: Side | None = None
    second_order: Side | None = None
    flagged: str | None = None
    """a, b or both: sides the pre-screen flagged."""
    reason: str = ""
    error: str | None = None
    simulated: bool | None = None


def _proxy_winner(proxy: BuiltGrader, first: Sample, second: Sample) -> str:
    def value(s: Sample) -> float:
        try:
            return float(proxy.fn(s).value)  # type: ignore[union-attr]
        except GraderError:
            return 0.0

    va, vb = value(first), value(second)
    return "A" if va > vb else "B" if vb > va else "tie"


@dataclass(frozen=True)
class PairJudge:
    judge: str
    prompt: JudgePrompt
    criteria: str
    input_fields: list[str] | None
    max_tokens: int
    prescreen: bool
    proxy: BuiltGrader

    @classmethod
    def build(cls, spec: Any, library: Any) -> PairJudge:
        """From a suite's `pairwise:` block (`suite.PairwiseSpec`)."""
        prompt = JudgePrompt.load(library, spec.prompt, LABELS, PROBE)
        return cls(spec.judge, prompt, spec.criteria, spec.input_fields, spec.max_tokens, spec.prescreen,
                   build_proxy(None))  # fmt: skip

    async def compare(self, call_model: ModelCaller, a: Sample, b: Sample, cell_key: str) -> PairOutcome:
        flags = [side for side, s in (("a", a), ("b", b)) if self.prescreen and screen(s.output)]
        if flags:
            winner: Side = "tie" if len(flags) == 2 else ("b" if flags == ["a"] else "a")
            why = "; ".join(f"{side}: {screen(s.output)}" for side, s in (("a", a), ("b", b)) if side in flags)
            return PairOutcome(winner, True, winner, winner, "both" if len(flags) == 2 else flags[0],
                               f"flagged: {why}")  # fmt: skip
        context = {"inputs": input_items(a.input, self.input_fields), "reference": reference_text(a.expected),
                   "criteria": self.criteria, "task_class": a.task_class}  # fmt: skip
        try:
            (v1, c1), (v2, c2) = await asyncio.gather(
                self._ask(call_model, context, a, b, cell_key), self._ask(call_model, context, b, a, cell_key)
            )
        except GraderError as e:
            return PairOutcome(None, None, error=str(e))
        first = _side(v1.winner, ("a", "b"))
        second = _side(v2.winner, ("b", "a"))
        consistent = first == second
        reason = f"a first: {first} ({short(v1.reasoning, 150)}); b first: {second} ({short(v2.reasoning, 150)})"
        simulated = c1.simulated or c2.simulated
        if simulated:
            reason = "(simulated judge) " + reason
        return PairOutcome(first if consistent else "tie", consistent, first, second, None, reason, None, simulated)

    async def _ask(self, call_model: ModelCaller, context: dict[str, Any], first: Sample, second: Sample,
                   cell_key: str) -> tuple[PairVerdict, Any]:  # fmt: skip
        hint = SimHint("judge", cell_key, {"kind": "pairwise", "winner": _proxy_winner(self.proxy, first, second),
                                           "key": digest(first.output, second.output)})  # fmt: skip
        return await ask(call_model, self.judge, self.prompt, context, (first.output, second.output), LABELS,
                         lambda text: parse_verdict(text, PairVerdict), sim=hint, cell_key=cell_key,
                         max_tokens=self.max_tokens, purpose="pairwise")  # fmt: skip


def _side(winner: str, shown: tuple[Side, Side]) -> Side:
    """The verdict's A / B / tie mapped back to the sides shown as A and B."""
    return shown[0] if winner == "A" else shown[1] if winner == "B" else "tie"
