"""The LLM judge, single answer: a judge deployment scores one output against the reference and the criteria.

```yaml
- name: judge
  args: {judge: gpt-4o-mini@openai, min_score: 0, max_score: 2, criteria: "..."}
```
The judge is a deployment of the model table, chosen by role in the suite and never hard-coded; it is called
through the runner's own path (retries, rate limits, cache, cost). The pre-screen runs first: an output that
addresses the judge is recorded failed, `flagged: ...`, without a call. The verdict's integer score maps to a
value in [0, 1]; `passed` is the judge's, or `score >= pass_score` when that is set. Several judges
(`judge: [a, b]`) are each asked: the value is their mean, a strict majority must pass, and their agreement is
reported. Simulated judges answer from `sim_proxy`, a deterministic reference check, right with the accuracy of
their profile (`sim.accuracy.judge`): a simulator, labelled simulated, never evidence.
"""

from __future__ import annotations

import asyncio
import hashlib
import inspect
from dataclasses import dataclass
from typing import Any

from harness.errors import GraderError
from harness.graders.base import AsyncGradeFn, BuiltGrader, ModelCaller, Sample, Score, build_grader, grader, lookup
from harness.graders.judging import DEFAULT_PROMPT, JudgePrompt, Verdict, ask, input_items, reference_text, short
from harness.graders.judging import single_verdict as _single_verdict
from harness.graders.screen import screen
from harness.types import SimHint

LABELS = ("CANDIDATE_OUTPUT",)
DEFAULT_PROXY: dict[str, Any] = {"name": "contains", "args": {"word_boundary": True, "parts_separator": " and "}}
PROBE = {"inputs": [{"name": "question", "value": "probe"}], "reference": "probe", "criteria": "", "min_score": 1,
         "max_score": 5, "task_class": "qa"}  # fmt: skip


def judges_of(judge: Any) -> list[str]:
    """`judge: a` or `judge: [a, b]` as a list of deployment ids."""
    names = [judge] if isinstance(judge, str) else judge
    if not isinstance(names, list) or not names or not all(isinstance(n, str) and n for n in names):
        raise ValueError("judge must be a deployment id or a list of them")
    if len(set(names)) != len(names):
        raise ValueError("judge lists the same deployment twice")
    return list(names)


def build_proxy(spec: dict[str, Any] | None) -> BuiltGrader:
    spec = DEFAULT_PROXY if spec is None else spec
    if not isinstance(spec, dict) or set(spec) - {"name", "args"} or not isinstance(spec.get("name"), str):
        raise ValueError("sim_proxy must be {name: <grader>, args: {...}}")
    reg = lookup(spec["name"])
    if "call_model" in inspect.signature(reg.factory).parameters:
        raise ValueError("sim_proxy must be a deterministic grader, not a judge")
    proxy = build_grader(reg, dict(spec.get("args") or {}))
    if proxy.is_async:
        raise ValueError("sim_proxy must be a deterministic grader, not an async one")
    return proxy


def proxy_level(proxy: BuiltGrader, sample: Sample, low: int, high: int) -> tuple[int, bool]:
    """The deterministic stand-in verdict a simulated judge is right about."""
    try:
        s: Score = proxy.fn(sample)  # type: ignore[assignment]
    except GraderError:
        return low, False
    return low + round(max(0.0, min(1.0, s.value)) * (high - low)), s.passed


def digest(*texts: str) -> str:
    return hashlib.sha256("\x1f".join(texts).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Scale:
    low: int
    high: int
    pass_score: int | None

    def value(self, v: Verdict) -> float:
        return (v.score - self.low) / (self.high - self.low)

    def passed(self, v: Verdict) -> bool:
        return v.passed if self.pass_score is None else v.score >= self.pass_score


def check_scale(min_score: int, max_score: int, pass_score: int | None) -> Scale:
    for name, v in (("min_score", min_score), ("max_score", max_score), ("pass_score", pass_score)):
        if v is not None and (isinstance(v, bool) or not isinstance(v, int)):
            raise ValueError(f"{name} must be an integer")
    if min_score >= max_score:
        raise ValueError(f"min_score ({min_score}) must be below max_score ({max_score})")
    if pass_score is not None and not min_score <= pass_score <= max_score:
        raise ValueError(f"pass_score {pass_score} is outside {min_score}..{max_score}")
    return Scale(min_score, max_score, pass_score)


def flagged_score(why: str, judges: list[str], prompt_hash: str | None) -> Score:
    return Score(0.0, False, f"flagged: {why}", ",".join(judges), prompt_hash, None, True)


@grader("judge", version="1")
def llm_judge(
    *,
    judge: str | list[str],
    criteria: str = "",
    prompt: str = DEFAULT_PROMPT,
    min_score: int = 1,
    max_score: int = 5,
    pass_score: int | None = None,
    input_fields: list[str] | None = None,
    max_tokens: int = 400,
    prescreen: bool = True,
    sim_proxy: dict[str, Any] | None = None,
    call_model: ModelCaller,
    prompt_library: Any = None,
) -> AsyncGradeFn:
    """An LLM judge scores the output against the reference and criteria (structured, validated verdict).

    Arguments: `judge` (deployment id or list), `criteria` (what to assess), `prompt` (under the prompts root),
    `min_score`/`max_score` (integer scale), `pass_score`, `input_fields` (case inputs shown; default all),
    `max_tokens`, `prescreen`, `sim_proxy` (the simulated judge's reference check)."""
    judges = judges_of(judge)
    scale = check_scale(min_score, max_score, pass_score)
    if not isinstance(criteria, str) or not isinstance(prompt, str):
        raise ValueError("criteria and prompt must be strings")
    if input_fields is not None and not (
        isinstance(input_fields, list) and all(isinstance(f, str) for f in input_fields)
    ):
        raise ValueError("input_fields must be a list of input field names")
    proxy = build_proxy(sim_proxy)
    template = JudgePrompt.load(prompt_library, prompt, LABELS, PROBE)

    async def grade(sample: Sample) -> Score:
        why = screen(sample.output) if prescreen else None
        if why:
            return flagged_score(why, judges, template.hash)
        level, ok = proxy_level(proxy, sample, scale.low, scale.high)
        hint = SimHint("judge", sample.case_id or sample.cell_key, {
            "kind": "single", "score": level, "passed": ok, "min": scale.low, "max": scale.high,
            "key": digest(sample.output, criteria)})  # fmt: skip
        context = {"inputs": input_items(sample.input, input_fields), "reference": reference_text(sample.expected),
                   "criteria": criteria, "min_score": scale.low, "max_score": scale.high,
                   "task_class": sample.task_class}  # fmt: skip
        # fmt: off
        answers = await asyncio.gather(*(
            ask(call_model, dep, template, context, (sample.output,), LABELS,
                lambda text: _single_verdict(text, scale.low, scale.high), sim=hint, cell_key=sample.cell_key,
                max_tokens=max_tokens)
            for dep in judges))
        # fmt: on
        return combine(judges, [v for v, _ in answers], scale, template.hash, any(c.simulated for _, c in answers))

    return grade


def combine(judges: list[str], verdicts: list[Verdict], scale: Scale, prompt_hash: str, simulated: bool) -> Score:
    """One judge's verdict, or several judges' mean value and majority pass, with their agreement."""
    passes = [scale.passed(v) for v in verdicts]
    value = sum(scale.value(v) for v in verdicts) / len(verdicts)
    passed = sum(passes) * 2 > len(passes)
    parts = [f"{dep} {v.score}/{scale.high} {'pass' if p else 'fail'}: {short(v.reasoning, 200)}"
             for dep, v, p in zip(judges, verdicts, passes, strict=True)]  # fmt: skip
    reason = "; ".join(parts)
    if len(judges) > 1:
        agree = max(sum(passes), len(passes) - sum(passes))
        reason = f"judges agree {agree}/{len(passes)} on pass/fail; " + reason
    if simulated:
        reason = "(simulated judge) " + reason
    return Score(round(value, 6), passed, reason, ",".join(judges), prompt_hash, simulated, False)
