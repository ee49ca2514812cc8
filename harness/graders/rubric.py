"""The rubric: weighted criteria, each a registered grader (with its arguments) or assessed by the LLM judge.

```yaml
- name: rubric
  args:
    judge: gpt-4o-mini@openai          # for the `assess` criteria
    threshold: 0.7                     # optional: the rubric passes only at this weighted score
    criteria:
      - {id: answer, grader: contains, args: {word_boundary: true}, weight: 2, required: true}
      - {id: grounded, assess: "Every fact in the answer comes from the context.", weight: 1}
```
Score = weighted mean of the criteria's values; the rubric passes when every `required` criterion passes and,
with `threshold`, the score reaches it (the task's `pass_threshold` then applies to the cell as usual). The reason
lists every criterion's value, verdict and reason. A criterion that cannot decide makes the rubric a grade error,
never a partial score. With judge criteria the pre-screen runs once, first: a flagged output fails the rubric.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, ValidationError, model_validator

from harness.config.base import Strict
from harness.errors import GraderError
from harness.graders.base import AnyGradeFn, BuiltGrader, ModelCaller, Sample, Score, build_grader, grader
from harness.graders.judge import flagged_score, judges_of
from harness.graders.judging import DEFAULT_PROMPT, short
from harness.graders.screen import screen


class Criterion(Strict):
    id: str | None = None
    """Name in the reason (default: the grader's name, or `criterion N`)."""
    grader: str | None = None
    """A registered grader..."""
    args: dict[str, Any] = {}
    """...and its arguments."""
    assess: str | None = None
    """Or: what the judge assesses (needs the rubric's `judge`)."""
    weight: float = Field(1.0, gt=0)
    required: bool = False
    """The rubric fails when this criterion fails, whatever the score."""

    @model_validator(mode="after")
    def _one(self) -> Criterion:
        if (self.grader is None) == (self.assess is None):
            raise ValueError("give each criterion either `grader` (with `args`) or `assess`")
        if self.assess is not None and self.args:
            raise ValueError("`args` go with `grader`, not with `assess`")
        return self


def _criteria(raw: Any) -> list[Criterion]:
    if not isinstance(raw, list) or not raw:
        raise ValueError("criteria must be a non-empty list")
    out = []
    for i, item in enumerate(raw):
        try:
            out.append(Criterion.model_validate(item))
        except ValidationError as e:
            err = e.errors()[0]
            key = ".".join(map(str, err["loc"]))
            raise ValueError(f"criteria[{i}]{'.' + key if key else ''}: {err['msg']}") from None
    ids = [c.id or c.grader or f"criterion {i + 1}" for i, c in enumerate(out)]
    if len(set(ids)) != len(ids):
        raise ValueError("two criteria have the same id: give them distinct `id`s")
    return out


Built = list[tuple[str, Criterion, BuiltGrader]]


def _build(items: list[Criterion], judge_args: dict[str, Any], inject: dict[str, Any]) -> Built:
    """(id, criterion, grader) per criterion: a registered grader with its args, or the judge for `assess` text."""
    built: Built = []
    for i, c in enumerate(items):
        cid = c.id or c.grader or f"criterion {i + 1}"
        if c.assess is not None:
            if not judge_args["judge"]:
                raise ValueError(f"criterion {cid!r} is judge-assessed: give the rubric a `judge`")
            built.append((cid, c, build_grader("judge", {**judge_args, "criteria": c.assess}, inject=inject)))
        else:
            assert c.grader is not None
            built.append((cid, c, build_grader(c.grader, c.args, inject=inject)))
    return built


def _total(built: Built, scores: list[Score], threshold: float | None, judges: list[str]) -> Score:
    """The weighted mean; passed when every required criterion passed (and the mean reaches the threshold)."""
    weights = sum(c.weight for _, c, _ in built)
    value = sum(s.value * c.weight for (_, c, _), s in zip(built, scores, strict=True)) / weights
    passed = all(s.passed for (_, c, _), s in zip(built, scores, strict=True) if c.required)
    if threshold is not None:
        passed = passed and value >= threshold - 1e-9
    reason = "; ".join(f"{cid} {s.value:.2f} {'pass' if s.passed else 'fail'}: {short(s.reason, 160)}"
                       for (cid, _, _), s in zip(built, scores, strict=True))  # fmt: skip
    judged = [s for s in scores if s.judge]
    simulated = any(s.simulated for s in judged) if judged else None
    return Score(round(value, 6), passed, reason, ",".join(judges) or None,
                 judged[0].judge_prompt_hash if judged else None, simulated, False)  # fmt: skip


@grader("rubric", version="1")
def rubric(
    *,
    criteria: list[dict[str, Any]],
    judge: str | list[str] | None = None,
    threshold: float | None = None,
    prompt: str = DEFAULT_PROMPT,
    min_score: int = 1,
    max_score: int = 5,
    input_fields: list[str] | None = None,
    max_tokens: int = 400,
    prescreen: bool = True,
    sim_proxy: dict[str, Any] | None = None,
    call_model: ModelCaller,
    prompt_library: Any = None,
) -> AnyGradeFn:
    """Weighted criteria (registered graders or judge-assessed text): weighted mean, reasons per criterion.

    Arguments: `criteria` ({id, grader + args | assess, weight, required}), `judge` (for `assess` criteria),
    `threshold`, and for the judge: `prompt`, `min_score`, `max_score`, `input_fields`, `max_tokens`,
    `prescreen`, `sim_proxy`."""
    items = _criteria(criteria)
    if threshold is not None and (isinstance(threshold, bool) or not 0 <= threshold <= 1):
        raise ValueError("threshold must be a number between 0 and 1")
    judges = judges_of(judge) if judge is not None else []
    judge_args = {"judge": judges, "prompt": prompt, "min_score": min_score, "max_score": max_score,
                  "input_fields": input_fields, "max_tokens": max_tokens, "prescreen": False,
                  "sim_proxy": sim_proxy}  # fmt: skip
    built = _build(items, judge_args, {"call_model": call_model, "prompt_library": prompt_library})
    assessed = any(c.assess is not None for c in items)
    prompt_hash = prompt_library.load(prompt).hash if assessed and prompt_library is not None else None
    screened = prescreen and assessed

    async def one(b: BuiltGrader, sample: Sample) -> Score:
        if b.is_async:
            return await b.fn(sample)  # type: ignore[no-any-return, misc]
        return b.fn(sample)  # type: ignore[return-value]

    def total(scores: list[Score]) -> Score:
        return _total(built, scores, threshold, judges)

    if not any(b.is_async for _, _, b in built):

        def grade(sample: Sample) -> Score:
            return total([b.fn(sample) for _, _, b in built])  # type: ignore[misc]

        return grade

    async def grade_async(sample: Sample) -> Score:
        why = screen(sample.output) if screened else None
        if why:
            return flagged_score(why, judges, prompt_hash)
        scores: list[Score] = []
        for cid, _, b in built:  # in order: a failing deterministic criterion still lets the others report
            try:
                scores.append(await one(b, sample))
            except GraderError as e:
                raise GraderError(f"rubric criterion {cid}: {e}") from None
        return total(scores)

    return grade_async
