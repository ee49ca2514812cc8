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

A factory may return an `async def grade(sample) -> Score` instead (an LLM judge awaits its model call). A
factory that declares a keyword parameter named in `INJECTED` gets it from whoever builds the grader, never from
the suite: `call_model` (a `ModelCaller`, the runner's own call path) and `prompt_library` (the project's
`PromptLibrary`, for judge prompts). Graders never import the runner.

Every grader is negatable: `negate: true` among its arguments (handled here, not by each grader) turns value v
into 1 - v and flips passed; a grade error stays an error. A negated grader reports version `<version>-negated`,
so its grades never compare with the plain grader's.

Graders come from three places (`lookup`): the built-ins registered here with `@grader`, packages exposing an
entry point in the `harness.graders` group, and project files named in a suite (`harness.graders.custom`).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar, overload

from harness.errors import ConfigError, GraderError, Where
from harness.types import Completion, Grounding, Message, RequestOptions, SimHint, ToolCall


@dataclass(frozen=True, slots=True)
class Sample:
    """What a grader sees of one cell."""

    output: str
    expected: Any
    tool_calls: tuple[ToolCall, ...] = ()
    input: dict[str, Any] = field(default_factory=dict)
    task_class: str = ""
    case_id: str = ""
    cell_key: str = ""
    """The cell being graded: a judge's calls are journaled under it."""
    grounding: Grounding | None = None
    """A search-grounded answer's sources and supported segments (`cites_sources`)."""


@dataclass(frozen=True, slots=True)
class Score:
    value: float
    passed: bool
    reason: str = ""
    judge: str | None = None
    """The judge deployment(s) that decided, comma-separated (LLM judges only)."""
    judge_prompt_hash: str | None = None
    """sha256 of the judge prompt template and its includes."""
    simulated: bool | None = None
    """True when a simulated judge decided: never evidence of quality."""
    flagged: bool = False
    """The pre-screen found an output that addresses the judge: recorded failed, never a silent pass."""
    sandbox: str | None = None
    """code_exec: "bwrap" (isolated) or "rlimits" (limits only: bwrap could not run here)."""


GradeFn = Callable[[Sample], Score]
AsyncGradeFn = Callable[[Sample], Awaitable[Score]]
AnyGradeFn = GradeFn | AsyncGradeFn


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


#: Factory parameters the builder supplies (never the suite).
INJECTED = ("call_model", "prompt_library")


async def no_model_caller(deployment: str, messages: tuple[Message, ...], **_: Any) -> Completion:
    """The caller of a grader built outside a run (e.g. while a suite is checked): any call is a grade error."""
    raise GraderError(f"no model caller: judge {deployment!r} can only be asked during a run or a calibration")


@dataclass(frozen=True)
class Registered:
    name: str
    version: str
    factory: Callable[..., AnyGradeFn]
    doc: str
    origin: str = "built-in"
    """built-in, `entry point <dist> <version>`, or the project file it was loaded from."""


REGISTRY: dict[str, Registered] = {}
ENTRY_POINT_GROUP = "harness.graders"

F = TypeVar("F", bound=Callable[..., Any])


def grader(name: str, *, version: str) -> Callable[[F], F]:
    """Register a grader factory under `name`."""

    def register(factory: F) -> F:
        if name in REGISTRY:
            raise RuntimeError(f"grader {name!r} registered twice")
        doc = (inspect.getdoc(factory) or "").split("\n\n")[0]
        REGISTRY[name] = Registered(name, version, factory, doc)
        return factory

    return register


def versioned(version: str) -> Callable[[F], F]:
    """Give your own grader (factory or plain function) a version: `@versioned("2")` sets `fn.version`."""

    def mark(fn: F) -> F:
        fn.version = version  # type: ignore[attr-defined]
        return fn

    return mark


def is_plain(obj: Any) -> bool:
    """A plain grade function `fn(sample) -> Score`, as opposed to a factory `factory(**args) -> grade`."""
    try:
        params = list(inspect.signature(obj).parameters.values())
    except (TypeError, ValueError):
        return False
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return len(params) == 1 and params[0].kind in positional and params[0].default is inspect.Parameter.empty


def as_registered(name: str, obj: Any, default_version: str, origin: str) -> Registered:
    """Wrap a user's factory or plain function; its version is its `version` attribute, else the default."""
    if not callable(obj):
        raise TypeError(f"{name} is not callable")
    version = str(getattr(obj, "version", None) or default_version)
    doc = (inspect.getdoc(obj) or "").split("\n\n")[0]
    if is_plain(obj):

        def factory() -> AnyGradeFn:
            fn: AnyGradeFn = obj
            return fn

        return Registered(name, version, factory, doc, origin)
    return Registered(name, version, obj, doc, origin)


@functools.cache
def _entry_points() -> dict[str, Any]:
    from importlib.metadata import entry_points

    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}


def lookup(name: str, where: Where | None = None) -> Registered:
    """A built-in grader, else a package's `harness.graders` entry point of that name."""
    reg = REGISTRY.get(name)
    if reg is not None:
        return reg
    ep = _entry_points().get(name)
    if ep is None:
        known = ", ".join(sorted(REGISTRY))
        raise ConfigError(
            f"unknown grader {name!r}", where, f"use one of: {known}; or `python: path.py:function` for your own"
        )
    dist = getattr(ep, "dist", None)
    dist_version = str(getattr(dist, "version", "") or "0")
    origin = f"entry point {getattr(dist, 'name', '?')} {dist_version}"
    try:
        obj = ep.load()
        reg = as_registered(name, obj, dist_version, origin)
    except Exception as e:  # a broken package is the user's to fix: one line, not a traceback
        raise ConfigError(f"grader {name!r} ({origin}) does not load: {type(e).__name__}: {e}", where) from None
    REGISTRY[name] = reg
    return reg


def refresh_entry_points() -> None:
    """Forget the cached entry points (a package installed while the process runs; tests)."""
    _entry_points.cache_clear()


@dataclass(frozen=True)
class BuiltGrader:
    name: str
    version: str
    fn: AnyGradeFn
    is_async: bool = False


def is_async_fn(fn: Any) -> bool:
    call = type(fn).__call__ if callable(fn) and not inspect.isroutine(fn) else None  # an object with async __call__
    return inspect.iscoroutinefunction(fn) or (call is not None and inspect.iscoroutinefunction(call))


@overload
def negated(fn: GradeFn) -> GradeFn: ...
@overload
def negated(fn: AsyncGradeFn) -> AsyncGradeFn: ...
def negated(fn: AnyGradeFn) -> AnyGradeFn:
    """The grader's verdict turned around: value 1 - v, passed flipped, the reason kept after `not: `."""

    def turn(s: Score) -> Score:
        return Score(1.0 - s.value, not s.passed, f"not: {s.reason}", s.judge, s.judge_prompt_hash, s.simulated,
                     s.flagged)  # fmt: skip

    if is_async_fn(fn):

        async def grade_async(sample: Sample) -> Score:
            return turn(await fn(sample))  # type: ignore[misc]

        return grade_async

    def grade(sample: Sample) -> Score:
        return turn(fn(sample))  # type: ignore[arg-type]

    return grade


def build_grader(
    name: str | Registered,
    args: dict[str, Any],
    where: Where | None = None,
    inject: Mapping[str, Any] | None = None,
) -> BuiltGrader:
    """Instantiate a grader, turning bad names and arguments into one-line ConfigErrors.

    `inject` holds what the builder supplies (`INJECTED`); a factory declaring `call_model` without one gets a
    caller that fails every call (a suite being checked, not run)."""
    reg = name if isinstance(name, Registered) else lookup(name, where)
    args = dict(args)
    negate = args.pop("negate", False)
    if not isinstance(negate, bool):
        raise ConfigError(f"grader {reg.name!r}: negate must be true or false, got {negate!r}", where)
    for key in INJECTED:
        if key in args:
            raise ConfigError(f"grader {reg.name!r}: {key!r} is supplied by the harness, not the suite", where)
    params = inspect.signature(reg.factory).parameters
    supplied = {"call_model": no_model_caller, **(inject or {})}
    extra = {k: supplied.get(k) for k in INJECTED if k in params}
    try:
        inspect.signature(reg.factory).bind(**args, **extra)
    except TypeError as e:
        names = ", ".join([*(p for p in params if p not in INJECTED), "negate"])
        raise ConfigError(f"grader {reg.name!r}: {e}", where, f"its arguments are: {names}") from None
    try:
        fn = reg.factory(**args, **extra)
    except (TypeError, ValueError) as e:
        raise ConfigError(f"grader {reg.name!r}: {e}", where) from None
    if not callable(fn):
        raise ConfigError(f"grader {reg.name!r}: its factory returned {type(fn).__name__}, not a grade function", where)
    version = f"{reg.version}-negated" if negate else reg.version
    return BuiltGrader(reg.name, version, negated(fn) if negate else fn, is_async_fn(fn))
