"""Grading: build a suite's graders, grade one cell (sync or async), combine weighted grades into score and pass.

The runner calls this module and nothing else to grade; calibration and pairwise judging reuse it. Async graders
(LLM judges) are awaited on the event loop; slow sync graders (`SLOW_GRADERS`: code execution) run in a worker
thread; the others run inline. A grader that cannot decide records an error, never a silent 0; a flagged output
(the judge pre-screen) records a failed grade. How judge deployments run is decided with the candidates' modes
(`modes.judge_modes`).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import inspect
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from harness.errors import GraderError
from harness.graders import BuiltGrader, Sample, Score, build_grader
from harness.graders.base import ModelCaller
from harness.types import Grade

if TYPE_CHECKING:
    from harness.config.suite import Project

#: Graders slow enough to run in a worker thread instead of on the event loop.
SLOW_GRADERS = frozenset({"code_exec"})
T = TypeVar("T")


@dataclass(frozen=True)
class TaskGrader:
    built: BuiltGrader
    weight: float
    grader_id: str
    slow: bool = False


def build_graders(project: Project, call_model: ModelCaller | None = None) -> dict[str, list[TaskGrader]]:
    """Every task's graders, judges wired to `call_model` (without one, a judge call is a grade error)."""
    from harness.config.prompts import PromptLibrary

    inject: dict[str, Any] = {"prompt_library": PromptLibrary(project.prompts_dir)}
    if call_model is not None:
        inject["call_model"] = call_model
    return {
        tid: [TaskGrader(build_grader(project.registered(g), g.args, None, inject), g.weight, g.grader_id,
                         g.name in SLOW_GRADERS) for g in task.graders]
        for tid, task in project.suite.tasks.items()
    }  # fmt: skip


def _grade_of(tg: TaskGrader, s: Score) -> Grade:
    return Grade(tg.grader_id, tg.built.version, s.value, s.passed, s.reason, None, tg.weight, s.judge,
                 s.judge_prompt_hash, s.simulated, s.flagged, s.sandbox)  # fmt: skip


def _error_of(tg: TaskGrader, e: Exception) -> Grade:
    message = str(e) if isinstance(e, GraderError) else f"{type(e).__name__}: {e}"
    return Grade(tg.grader_id, tg.built.version, None, None, "", message, tg.weight)


def _checked(s: Any) -> Score:
    if not isinstance(s, Score):
        raise GraderError(f"the grader returned {type(s).__name__}, not a Score")
    if not 0.0 <= s.value <= 1.0:
        raise GraderError(f"the grader returned value {s.value}, outside [0, 1]")
    return s


def _awaited(tg: TaskGrader) -> bool:
    """A judge (async) or a slow sync grader run in a thread; the rest grade inline."""
    return tg.built.is_async or tg.slow


def _quick(tg: TaskGrader, sample: Sample) -> Grade:
    try:
        return _grade_of(tg, _checked(tg.built.fn(sample)))
    except Exception as e:  # a grader bug is recorded as an error on this cell, not a crash
        return _error_of(tg, e)


async def _one(tg: TaskGrader, sample: Sample) -> Grade:
    if not _awaited(tg):
        return _quick(tg, sample)
    try:
        if tg.built.is_async:
            s = await tg.built.fn(sample)  # type: ignore[misc]
        else:  # e.g. code execution: tens of ms per sample, seconds on a timeout; keep the loop free
            s = await asyncio.to_thread(tg.built.fn, sample)
        return _grade_of(tg, _checked(s))
    except Exception as e:
        return _error_of(tg, e)


def grade_inline(graders: Sequence[TaskGrader], sample: Sample) -> list[Grade] | None:
    """Grade now when every grader is quick and sync (exact match, regex, ...); None when one must be awaited.
    The event loop's fast path: no coroutine, no task per cell."""
    if any(_awaited(tg) for tg in graders):
        return None
    return [_quick(tg, sample) for tg in graders]


async def grade(graders: Sequence[TaskGrader], sample: Sample) -> list[Grade]:
    """Grade one sample with every grader of its task, judges concurrently; the order of `graders` is kept."""
    return list(await asyncio.gather(*(_one(tg, sample) for tg in graders)))


def grade_blocking(graders: Sequence[TaskGrader], sample: Sample) -> list[Grade]:
    """`grade` from sync code (a resume's re-grade before the run's loop starts)."""
    return run_sync(grade(graders, sample))


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion from sync code, in a thread of its own when a loop is already running."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def combine(grades: Sequence[Grade], threshold: float) -> tuple[float | None, bool | None]:
    """A cell's weighted score and verdict: None when ungraded or any grader erred; a flagged grade never passes."""
    if not grades or any(g.error is not None for g in grades):
        return None, None
    total = sum(g.weight for g in grades)
    score = sum((g.value or 0.0) * g.weight for g in grades) / total
    passed = all(bool(g.passed) and not g.flagged for g in grades) and score >= threshold - 1e-9
    return score, passed


def grade_record(cell_key: str, run_id: str, g: Grade, graded_at: str) -> dict[str, Any]:
    return {"type": "grade", "cell_key": cell_key, "run_id": run_id, "grader_id": g.grader_id,
            "grader_version": g.grader_version, "value": g.value, "passed": g.passed, "reason": g.reason,
            "error": g.error, "weight": g.weight, "judge_deployment": g.judge_deployment,
            "judge_prompt_hash": g.judge_prompt_hash, "judge_simulated": g.judge_simulated, "flagged": g.flagged,
            "sandbox": g.sandbox, "graded_at": graded_at}  # fmt: skip


# --- Identity: what a resume and the gate compare ------------------------------------------------------------------


def grader_versions(project: Project) -> list[list[str]]:
    """(grader, version) of every grader of the suite, plus each judge prompt's hash: a resume needs them unchanged."""
    out = {(g.ref, project.registered(g).version) for t in project.suite.tasks.values() for g in t.graders}
    for path, digest in judge_prompts(project).items():
        out.add((f"judge prompt {path}", digest[:16]))
    return [list(x) for x in sorted(out)]


def grader_version(project: Project, spec: Any) -> str | None:
    try:
        return project.registered(spec).version
    except Exception:  # a grader the base ref knows and this checkout does not: no version to compare
        return None


def default_args(project: Project, spec: Any) -> dict[str, Any]:
    """A judge grader's factory defaults that are strings (its default prompt path), for change detection."""
    try:
        params = inspect.signature(project.registered(spec).factory).parameters
    except Exception:
        return {}
    if "call_model" not in params:
        return {}
    return {k: p.default for k, p in params.items() if isinstance(p.default, str) and k not in spec.args}


def judge_prompts(project: Project) -> dict[str, str]:
    """Judge prompt files the suite's graders and pairwise judging use, with the hash of each (and includes)."""
    from harness.config.prompts import PromptLibrary
    from harness.errors import InputError

    library = PromptLibrary(project.prompts_dir)
    paths: list[str] = []
    for task in project.suite.tasks.values():
        for g in task.graders:
            if "call_model" not in inspect.signature(project.registered(g).factory).parameters:
                continue
            args = {**default_args(project, g), **g.args}
            paths += [v for k, v in args.items() if k == "prompt" and isinstance(v, str)]
        if task.pairwise is not None:
            paths.append(task.pairwise.prompt)
    out = {}
    for path in sorted(set(paths)):
        try:
            out[path] = library.load(path).hash
        except InputError:
            out[path] = "missing"
    return out
