"""The grader seam: a grader is a small registered factory whose config is its keyword arguments.

```python
@grader("exact", version="1")
def exact(*, ignore_case: bool = True) -> GradeFn:
    def grade(sample: Sample) -> Score: ...
    return grade
```
A grade function returns a `Score` (value in [0, 1], passed, reason) or raises `GraderError` when it cannot
decide: the runner records that as a grade error, never as a silent 0. Bump `version` whenever a change could
move a score: older grades are then marked not comparable.

Every grader is negatable: `negate: true` among its arguments (handled here, not by each grader) turns value v
into 1 - v and flips passed; a grade error stays an error. A negated grader reports version `<version>-negated`,
so its grades never compare with the plain grader's.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from harness.errors import ConfigError, Where
from harness.types import Completion, Message, RequestOptions, SimHint, ToolCall


@dataclass(frozen=True, slots=True)
class Sample:
    """What a grader sees of one cell."""

    output: str
    expected: Any
    tool_calls: tuple[ToolCall, ...] = ()
    input: dict[str, Any] = field(default_factory=dict)
    task_class: str = ""


@dataclass(frozen=True, slots=True)
class Score:
    value: float
    passed: bool
    reason: str = ""


GradeFn = Callable[[Sample], Score]


class ModelCaller(Protocol):
    """How a grader asks a model (an LLM judge): the runner's own call path, injected as a function.

    It goes through the same cache, rate limits, retry policy and cost accounting as candidate calls and
    journals its attempts under `cell_key`. It returns the judge's Completion or raises `ProviderError` once
    the retry policy gives up. Graders never import the runner.
    """

    async def __call__(
        self,
        deployment: str,
        messages: tuple[Message, ...],
        *,
        options: RequestOptions | None = None,
        sim: SimHint | None = None,
        cell_key: str = "",
        purpose: str = "judge",
    ) -> Completion: ...


@dataclass(frozen=True)
class Registered:
    name: str
    version: str
    factory: Callable[..., GradeFn]
    doc: str


REGISTRY: dict[str, Registered] = {}


def grader(name: str, *, version: str) -> Callable[[Callable[..., GradeFn]], Callable[..., GradeFn]]:
    """Register a grader factory under `name`."""

    def register(factory: Callable[..., GradeFn]) -> Callable[..., GradeFn]:
        if name in REGISTRY:
            raise RuntimeError(f"grader {name!r} registered twice")
        doc = (inspect.getdoc(factory) or "").split("\n\n")[0]
        REGISTRY[name] = Registered(name, version, factory, doc)
        return factory

    return register


@dataclass(frozen=True)
class BuiltGrader:
    name: str
    version: str
    fn: GradeFn


def negated(fn: GradeFn) -> GradeFn:
    """The grader's verdict turned around: value 1 - v, passed flipped, the reason kept after `not: `."""

    def grade(sample: Sample) -> Score:
        s = fn(sample)
        return Score(1.0 - s.value, not s.passed, f"not: {s.reason}")

    return grade


def build_grader(name: str, args: dict[str, Any], where: Where | None = None) -> BuiltGrader:
    """Instantiate a registered grader, turning bad names and arguments into one-line ConfigErrors."""
    reg = REGISTRY.get(name)
    if reg is None:
        known = ", ".join(sorted(REGISTRY))
        raise ConfigError(f"unknown grader {name!r}", where, f"use one of: {known}")
    args = dict(args)
    negate = args.pop("negate", False)
    if not isinstance(negate, bool):
        raise ConfigError(f"grader {name!r}: negate must be true or false, got {negate!r}", where)
    try:
        inspect.signature(reg.factory).bind(**args)
    except TypeError as e:
        params = ", ".join([*inspect.signature(reg.factory).parameters, "negate"])
        raise ConfigError(f"grader {name!r}: {e}", where, f"its arguments are: {params}") from None
    try:
        fn = reg.factory(**args)
    except (TypeError, ValueError) as e:
        raise ConfigError(f"grader {name!r}: {e}", where) from None
    if negate:
        return BuiltGrader(name, f"{reg.version}-negated", negated(fn))
    return BuiltGrader(name, reg.version, fn)
