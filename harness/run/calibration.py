"""Judge calibration: a task's judge graders over its dataset's labelled outputs, measured against the labels.

`harness judges calibrate TASK` grades every labelled output (`labels: [{output, passed, score, note}]` on the
dataset's cases) with the task's judge graders, through the runner's call path (no candidate is called), and
reports how far the judge agrees with the humans: pass/fail accuracy, Cohen's kappa, quadratic-weighted kappa on
the ordinal score levels, the confusion matrix (scikit-learn), and the correlation of output length with the
judge's score (a verbosity bias). Each result is journaled under `results/calibrations/` and loaded into the
`judge_calibrations` table with the judge deployment, the judge prompt's hash, the time, and `simulated` for a
simulated judge, whose numbers test the pipeline and say nothing about a real judge.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import inspect
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from harness.config.datasets import Case, load_dataset
from harness.errors import InputError, Where
from harness.graders import Sample, build_grader
from harness.run.grading import TaskGrader, grade, run_sync
from harness.types import Grade


@dataclass
class Calibration:
    calibration_id: str
    calibrated_at: str
    suite: str
    task: str
    dataset: str
    grader_id: str
    grader_version: str
    judge_deployment: str
    judge_prompt_hash: str | None
    simulated: bool
    n: int
    errors: int
    flagged: int
    accuracy: float | None
    kappa: float | None
    weighted_kappa: float | None
    length_score_corr: float | None
    confusion: dict[str, Any] = field(default_factory=dict)

    def record(self) -> dict[str, Any]:
        return {"type": "judge_calibration", **asdict(self)}


@dataclass(frozen=True)
class Labelled:
    case: Case
    index: int
    output: str
    passed: bool
    score: float


def labelled_outputs(cases: Sequence[Case]) -> list[Labelled]:
    """Every label with an output and a verdict; `score` defaults to 1 for passed, 0 for failed."""
    out = []
    for case in cases:
        for i, label in enumerate(case.labels):
            output, passed = label.get("output"), label.get("passed")
            if not isinstance(output, str) or not isinstance(passed, bool):
                continue
            score = label.get("score")
            value = float(score) if isinstance(score, int | float) and not isinstance(score, bool) else float(passed)
            out.append(Labelled(case, i, output, passed, min(1.0, max(0.0, value))))
    return out


def _nearest(levels: list[float], value: float) -> int:
    return min(range(len(levels)), key=lambda i: (abs(levels[i] - value), i))


def metrics(items: Sequence[Labelled], grades: Sequence[Grade]) -> dict[str, Any]:
    """Agreement of judge grades with labels (erred grades left out, counted in `errors`)."""
    import numpy as np
    from sklearn.metrics import cohen_kappa_score, confusion_matrix

    pairs = [(it, g) for it, g in zip(items, grades, strict=True) if g.error is None and g.value is not None]
    out: dict[str, Any] = {"n": len(pairs), "errors": len(items) - len(pairs),
                           "flagged": sum(g.flagged for _, g in pairs), "accuracy": None, "kappa": None,
                           "weighted_kappa": None, "length_score_corr": None}  # fmt: skip
    levels = sorted({it.score for it in items})
    if not pairs:
        out["confusion"] = {"levels": levels, "matrix": [], "passed": []}
        return out
    truth = [it.passed for it, _ in pairs]
    said = [bool(g.passed) for _, g in pairs]
    out["accuracy"] = round(sum(t == s for t, s in zip(truth, said, strict=True)) / len(pairs), 6)
    if len(set(truth) | set(said)) > 1:
        out["kappa"] = _finite(cohen_kappa_score(truth, said))
    t_idx = [levels.index(it.score) for it, _ in pairs]
    s_idx = [_nearest(levels, float(g.value or 0.0)) for _, g in pairs]
    if len(levels) > 1 and len(set(t_idx) | set(s_idx)) > 1:
        out["weighted_kappa"] = _finite(cohen_kappa_score(t_idx, s_idx, labels=list(range(len(levels))),
                                                          weights="quadratic"))  # fmt: skip
    lengths = np.array([len(it.output) for it, _ in pairs], dtype=float)
    values = np.array([float(g.value or 0.0) for _, g in pairs])
    if len(pairs) > 2 and lengths.std() > 0 and values.std() > 0:
        out["length_score_corr"] = _finite(np.corrcoef(lengths, values)[0, 1])
    out["confusion"] = {
        "levels": levels,
        "matrix": confusion_matrix(t_idx, s_idx, labels=list(range(len(levels)))).tolist(),
        "passed": confusion_matrix(truth, said, labels=[False, True]).tolist(),
    }
    return out


def _finite(x: Any) -> float | None:
    v = float(x)
    return round(v, 6) if v == v and abs(v) != float("inf") else None


def _judge_graders(project: Any, task: str, grader_id: str | None) -> list[Any]:
    specs = [g for g in project.suite.tasks[task].graders
             if "call_model" in inspect.signature(project.registered(g).factory).parameters]  # fmt: skip
    if grader_id is not None:
        specs = [g for g in specs if g.grader_id == grader_id]
    if not specs:
        which = f" with id {grader_id!r}" if grader_id else ""
        raise InputError(f"task {task!r} has no judge grader{which}",
                         fix="add one (`name: judge` or a rubric with `assess` criteria) to the suite")  # fmt: skip
    return specs


def calibrate(
    suite_path: Path,
    task: str,
    *,
    judge: str | None = None,
    grader_id: str | None = None,
    results_dir: Path = Path("results"),
    mode: str = "auto",
    sim_seed: int = 0,
    notes: list[str] | None = None,
) -> list[Calibration]:
    """Grade the labelled outputs with the task's judge graders (`judge` replaces their deployment)."""
    from harness.config.prompts import PromptLibrary
    from harness.config.suite import check_judge, load_suite
    from harness.run.launch import make_providers, new_run_id
    from harness.run.modes import decide_modes
    from harness.run.plan import Plan, Selection
    from harness.run.runner import Runner, RunOptions
    from harness.store.journal import JournalWriter

    project = load_suite(suite_path)
    if task not in project.suite.tasks:
        raise InputError(f"unknown task {task!r}", fix=f"choose from: {', '.join(project.suite.tasks)}")
    spec = project.suite.tasks[task]
    specs = _judge_graders(project, task, grader_id)
    if judge is not None:
        check_judge(project, judge, Where(key="--judge"))
    ds = load_dataset(project.datasets_dir, spec.dataset_name, spec.dataset_version)
    items = labelled_outputs(ds.cases)
    if not items:
        raise InputError(f"dataset {ds.ref} has no labelled outputs to calibrate against",
                         fix="add `labels: [{output, passed, score}]` to cases (datasets/README.md)")  # fmt: skip
    argsets = [{**g.args, **({"judge": judge} if judge else {})} for g in specs]
    deps = list(dict.fromkeys(d for a in argsets for d in ([a["judge"]] if isinstance(a.get("judge"), str)
                                                           else a.get("judge") or [])))  # fmt: skip
    modes, note = decide_modes(project, deps, mode)  # type: ignore[arg-type]
    missing = [d for d, m in modes.items() if m == "skipped"]
    if missing:
        raise InputError(f"judge {missing[0]!r} has no credentials", fix="export its key, or use --mode sim")
    cal_id = "calibration-" + new_run_id()
    plan = Plan(cal_id, project, Selection(tasks=[task], mode=mode), [], {spec.dataset: ds}, {}, note)  # type: ignore[arg-type]
    plan.judges = modes
    options = RunOptions(sim_seed=sim_seed, cache="off")
    providers = make_providers(plan, options, sim_seed, results_dir, notes)
    journal = JournalWriter(results_dir / "calibrations" / f"{cal_id}.jsonl")
    runner = Runner(plan, providers, journal, lambda _: None, options)
    inject = {"call_model": runner.call_model, "prompt_library": PromptLibrary(project.prompts_dir)}
    graders = [TaskGrader(build_grader(project.registered(g), a, None, inject), 1.0, g.grader_id)
               for g, a in zip(specs, argsets, strict=True)]  # fmt: skip
    try:
        grades = run_sync(_grade_all(runner, graders, items, spec.task_class))
    finally:
        journal.flush()
    head = (cal_id, dt.datetime.now(dt.UTC).isoformat(), project.suite.name, task, ds.ref)
    out = [_calibration(head, tg, args, [row[k] for row in grades], items, "sim" in (modes.get(d) for d in deps))
           for k, (tg, args) in enumerate(zip(graders, argsets, strict=True))]  # fmt: skip
    for cal in out:
        journal.write(cal.record())
    journal.close()
    return out


def _calibration(head: tuple[str, str, str, str, str], tg: TaskGrader, args: dict[str, Any], mine: list[Grade],
                 items: list[Labelled], sim_judges: bool) -> Calibration:  # fmt: skip
    """One judge grader's agreement with the labels; `head`: calibration id, time, suite, task, dataset."""
    judged = [g for g in mine if g.judge_deployment]
    simulated = any(g.judge_simulated for g in judged) or sim_judges
    judges = args["judge"] if isinstance(args["judge"], str) else ",".join(args["judge"])
    return Calibration(*head, tg.grader_id, tg.built.version, judges,
                       next((g.judge_prompt_hash for g in judged if g.judge_prompt_hash), None), simulated,
                       **metrics(items, mine))  # fmt: skip


async def _grade_all(runner: Any, graders: list[TaskGrader], items: list[Labelled], task_class: str
                     ) -> list[list[Grade]]:  # fmt: skip
    slots = asyncio.Semaphore(max(1, runner.options.concurrency))

    async def one(it: Labelled) -> list[Grade]:
        sample = Sample(it.output, it.case.expected, (), it.case.input, task_class, it.case.id,
                        f"{runner.plan.run_id}:{it.case.id}:{it.index}")  # fmt: skip
        async with slots:
            return await grade(graders, sample)

    try:
        return list(await asyncio.gather(*(one(it) for it in items)))
    finally:
        await runner._close_providers()
