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
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from harness.errors import ConfigError, Where
from harness.types import ToolCall


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


def build_grader(name: str, args: dict[str, Any], where: Where | None = None) -> BuiltGrader:
    """Instantiate a registered grader, turning bad names and arguments into one-line ConfigErrors."""
    reg = REGISTRY.get(name)
    if reg is None:
        known = ", ".join(sorted(REGISTRY))
        raise ConfigError(f"unknown grader {name!r}", where, f"use one of: {known}")
    try:
        inspect.signature(reg.factory).bind(**args)
    except TypeError as e:
        params = ", ".join(p for p in inspect.signature(reg.factory).parameters)
        raise ConfigError(f"grader {name!r}: {e}", where, f"its arguments are: {params or 'none'}") from None
    try:
        fn = reg.factory(**args)
    except (TypeError, ValueError) as e:
        raise ConfigError(f"grader {name!r}: {e}", where) from None
    return BuiltGrader(name, reg.version, fn)
