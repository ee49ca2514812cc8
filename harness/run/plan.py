"""The plan: tasks × cases × deployments × variants × samples, every prompt rendered before the first call.

Rendering everything up front means a missing variable or a broken template fails the run before any money is
spent. Each cell gets its identity here: a key hashed from (run, task, dataset version, case id, deployment,
variant, template hash, request options hash, sample index), never from prompt text.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

from harness.config.base import ID_PATTERN
from harness.config.datasets import Case, Dataset, load_dataset
from harness.config.eligibility import drop_reason, prompt_tokens, route_case, route_record
from harness.config.models import PROMPT_FREE, Deployment
from harness.config.prompts import BASE_VARIANT, PORTABLE, PromptLibrary, Template, prompt_hash
from harness.config.scenarios import Fault, parse_fault
from harness.config.suite import Project, TaskSpec
from harness.errors import InputError, Where
from harness.providers.tool_schema import Translation, translate
from harness.run.cache import request_key
from harness.run.modes import DeploymentMode, Mode, decide_modes, judge_modes
from harness.types import Image, Message, Request, RequestOptions, SimHint


def short_hash(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class Cell:
    key: str
    task: str
    task_class: str
    dataset: Dataset
    case: Case
    deployment: str
    variant: str
    sample: int
    template: Template
    request: Request
    options_hash: str
    request_hash: str
    role: str
    position: int = 0
    """Position of the deployment in the chain this case takes (0: primary)."""
    est_input_tokens: int = 0
    """Offline estimate (family factor + safety margin), reconciled with reported usage in the store."""
    tools_sent: Translation | None = None
    """Function calling: the case's tools as the vendor was sent them, and the names to map its calls back with."""


@dataclass
class Selection:
    """What the user asked to run (CLI flags)."""

    tasks: list[str] | None = None
    deployments: list[str] | None = None
    variants: list[str] = field(default_factory=lambda: [BASE_VARIANT])
    limit: int | None = None
    repeats: int | None = None
    mode: Mode = "auto"
    scenario: str | None = None
    """A fault-injection scenario named in the suite."""
    faults: list[str] = field(default_factory=list)
    """Extra `DEPLOYMENT:FAILURE:RATE` faults from the command line."""
    routed: bool = False
    """Also walk every case through its chain as production would (served records)."""
    shard: tuple[int, int] | None = None
    """(k, n): only the cases of shard k of n (`--shard K/N`); every deployment of a case is in its case's shard."""
    portability: bool = False
    """Also run every deployment with every family's template of each task (`prompt:<name>` variants), as the
    suite's `portability: true` does: the portability matrix."""
    kind: Literal["run", "gate"] = "run"
    """`gate`: the pairs `harness gate` re-ran (recorded, so `latest()` can tell them from ordinary runs)."""


def in_shard(task: str, case_id: str, shard: tuple[int, int] | None) -> bool:
    """Whether a case belongs to shard k of n: a stable hash of (task, case), the same on every machine."""
    if shard is None:
        return True
    k, n = shard
    digest = hashlib.blake2b(f"{task}\x1f{case_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % n == k - 1


def parse_shard(spec: str) -> tuple[int, int]:
    """`K/N` with 1 <= K <= N."""
    k, sep, n = spec.partition("/")
    if not (sep and k.isdigit() and n.isdigit() and 1 <= int(k) <= int(n)):
        raise InputError(f"--shard {spec!r}: expected K/N with 1 <= K <= N, e.g. 2/4")
    return int(k), int(n)


@dataclass
class Plan:
    run_id: str
    project: Project
    selection: Selection
    cells: list[Cell]
    datasets: dict[str, Dataset]
    modes: dict[str, DeploymentMode]
    mode_note: str
    routes: list[dict[str, Any]] = field(default_factory=list)
    """One routing decision per (task, case): chain, route taken, every entry eligible or dropped with why."""

    replayed_simulated: bool = False
    """`--mode replay`: some cached answers being replayed were simulated when recorded."""
    judges: dict[str, DeploymentMode] = field(default_factory=dict)
    """Judge deployments the selected tasks' graders name, and how each runs (`modes.judge_modes`)."""

    @property
    def simulated(self) -> bool:
        return self.replayed_simulated or any(m == "sim" for m in self.modes.values())

    def faults(self) -> list[Fault]:
        """The faults this run injects: the selected scenario's, then the command line's."""
        out = list(self.project.suite.scenarios[self.selection.scenario].faults) if self.selection.scenario else []
        return out + [parse_fault(s) for s in self.selection.faults]

    def fingerprint(self) -> dict[str, Any]:
        """Everything a resume must find unchanged."""
        from harness.run.grading import grader_versions

        templates = sorted({(c.template.path, c.template.hash) for c in self.cells})
        graders = grader_versions(self.project)
        return {
            "hashes": self.project.hashes,
            "datasets": {ref: d.sha256 for ref, d in sorted(self.datasets.items())},
            "templates": [list(t) for t in templates],
            "graders": [list(g) for g in graders],
            "routing_table": self.project.routing.table_version,
            "cells": len(self.cells),
        }


def options_for(task: TaskSpec, deployment: Deployment, case: Case) -> tuple[RequestOptions, Translation | None]:
    """The request's options; a function-calling case's tools as the deployment's vendor takes them, with the
    translation (None when the case has no tools)."""
    tools = case.input.get("tools") if task.task_class == "function-calling" else None
    sent = translate(deployment.provider, tools) if isinstance(tools, list) and tools else None
    o = task.options
    options = RequestOptions(
        temperature=o.temperature,
        max_tokens=min(o.max_tokens, deployment.max_output_tokens),
        stop=tuple(o.stop),
        seed=o.seed,
        json_mode=o.json_mode,
        tools=sent.tools if sent else (),
        builtin_tools=tuple(deployment.tools),
    )
    return options, sent


def options_key(options: RequestOptions) -> str:
    """The options' hash (cell key, request hash). `builtin_tools` counts only when set, so the cells and cached
    answers of deployments without it keep the keys they had before it existed."""
    fields = asdict(options)
    if not fields["builtin_tools"]:
        del fields["builtin_tools"]
    return short_hash(json.dumps(fields, sort_keys=True, default=str))


def train_examples(ds: Dataset, count: int) -> list[dict[str, Any]]:
    """The few-shot examples a task's templates see: the first `count` cases of the dataset's train split."""
    return [{"id": c.id, "input": c.input, "expected": c.expected} for c in ds.split("train")[:count]]


def prompt_context(task_id: str, dataset: Dataset, case: Case, examples: list[dict[str, Any]]) -> dict[str, Any]:
    """What a template renders with: the case's input fields, and `input`, `case_id`, `examples`, `labels`, `task`."""
    ctx = dict(case.input)
    ctx.update(
        input=case.input,
        case_id=case.id,
        examples=examples,
        labels=list(dataset.manifest.labels),
        task=task_id,
    )
    return ctx


def attach_images(messages: tuple[Message, ...], images: tuple[Image, ...]) -> tuple[Message, ...]:
    """The case's images go with the last user message (templates render text only)."""
    if not images:
        return messages
    last = max(i for i, m in enumerate(messages) if m.role == "user")
    return (*messages[:last], replace(messages[last], images=images), *messages[last + 1 :])


def _pick(requested: list[str] | None, known: list[str], what: str) -> list[str]:
    if not requested:
        return known
    for name in requested:
        if name not in known:
            raise InputError(f"unknown {what} {name!r}", fix=f"choose from: {', '.join(known)}")
    return [k for k in known if k in requested]


def build_plan(project: Project, selection: Selection, run_id: str) -> Plan:
    suite = project.suite
    if selection.scenario is not None and selection.scenario not in suite.scenarios:
        known = ", ".join(suite.scenarios) or "none defined"
        raise InputError(f"unknown scenario {selection.scenario!r}", fix=f"scenarios in the suite: {known}")
    for spec in selection.faults:
        fault = parse_fault(spec)
        if fault.deployment not in project.models.deployments:
            raise InputError(f"--fault {spec!r}: unknown deployment {fault.deployment!r}")
    for variant in selection.variants:
        if not re.match(ID_PATTERN, variant):
            raise InputError(f"--variants: {variant!r} is not a variant name",
                             fix="use letters, digits and `_ . @ : + -` (a variant names a template file)")  # fmt: skip
    tasks = _pick(selection.tasks, list(suite.tasks), "task")
    all_deps = sorted({d for t in tasks for d in project.routing.candidates(t)})
    if selection.deployments:
        for d in selection.deployments:
            if d not in project.models.deployments:
                raise InputError(f"unknown deployment {d!r}", fix=f"choose from: {', '.join(all_deps)}")
        all_deps = [d for d in all_deps if d in selection.deployments]
        if not all_deps:
            raise InputError("none of the selected deployments is a candidate of the selected tasks")
    modes, note = decide_modes(project, all_deps, selection.mode)
    library = PromptLibrary(project.prompts_dir)
    datasets: dict[str, Dataset] = {}
    cells: list[Cell] = []
    routes: list[dict[str, Any]] = []
    for task_id in tasks:
        task = suite.tasks[task_id]
        ds = datasets.get(task.dataset) or load_dataset(project.datasets_dir, task.dataset_name, task.dataset_version)
        datasets[task.dataset] = ds
        if not ds.split("test"):
            raise InputError(f"task {task_id!r}: dataset {ds.ref} has no test cases", Where(ds.path),
                             "give cases `split: test` (the default), or use another version")  # fmt: skip
        cells += _task_cells(project, library, selection, run_id, task_id, ds, all_deps, routes)
    plan = Plan(run_id, project, selection, cells, datasets, modes, note, routes)

    plan.judges = judge_modes(project, tasks, selection.mode, modes)
    return plan


def _variants(project: Project, library: PromptLibrary, sel: Selection, task_id: str) -> list[str]:
    """The selected variants, plus the task's portability variants when the run or the suite asks for them (the
    suite's flag not in a gate run: the gate re-runs what its baseline holds)."""
    if not (sel.portability or (project.suite.portability and sel.kind == "run")):
        return sel.variants
    families = {d.family for d in project.models.deployments.values()}
    extra = library.portable(project.prompt_dir(task_id), families)
    return sel.variants + [v for v in extra if v not in sel.variants]


def _is_base(templates: dict[tuple[str, str], Template], dep_id: str, tmpl: Template) -> bool:
    base = templates.get((dep_id, BASE_VARIANT))
    return base is not None and base.path == tmpl.path


def _needs(task_class: str) -> tuple[str, ...]:
    """Capabilities a remote deployment needs for every case of this task class."""
    return ("tools",) if task_class == "function-calling" else ()


def _task_cells(
    project: Project,
    library: PromptLibrary,
    sel: Selection,
    run_id: str,
    task_id: str,
    ds: Dataset,
    deployments: list[str],
    routes: list[dict[str, Any]],
) -> list[Cell]:
    """Cells of one task: each case goes to every eligible entry of the chain its route selects."""
    # Longer than 60 lines because this is the planner's hot loop (case x chain entry x variant x sample) with its
    # memo tables local: split into calls per cell it costs start-up time (`make bench`, start-up row).
    task = project.suite.tasks[task_id]
    models, table = project.models, project.routing
    cases = ds.split("test")[: sel.limit] if sel.limit else ds.split("test")
    cases = [c for c in cases if in_shard(task_id, c.id, sel.shard)] if sel.shard else cases
    examples = train_examples(ds, task.examples)
    repeats = sel.repeats or task.repeats
    variants = _variants(project, library, sel, task_id)
    rendered: dict[tuple[str, str], tuple[tuple[Message, ...], str]] = {}
    templates: dict[tuple[str, str], Template] = {}
    option_hashes: dict[RequestOptions, str] = {}
    cells = []
    for case in cases:
        route = route_case(table, task_id, case)
        entries: list[dict[str, Any]] = []
        hint = SimHint(task.task_class, case.id, case.expected, tuple(ds.manifest.labels))
        for position, dep_id in enumerate(route.chain):
            if dep_id not in deployments:
                continue
            dep = models.deployments[dep_id]
            role = ("primary" if position == 0 else f"fallback {position}") + (
                "" if route.route == "chain" else f" ({route.route})"
            )
            options, sent = options_for(task, dep, case)
            ohash = option_hashes.get(options) if not options.tools else None  # tools hold dicts: unhashable
            if ohash is None:
                ohash = options_key(options)
                if not options.tools:
                    option_hashes[options] = ohash
            for variant in variants:
                if (dep_id, variant) not in templates:
                    templates[(dep_id, variant)] = library.resolve(
                        project.prompt_dir(task_id), dep_id, dep.family, variant
                    )
                tmpl = templates[(dep_id, variant)]
                if variant.startswith(PORTABLE) and (dep.provider in PROMPT_FREE or _is_base(templates, dep_id, tmpl)):
                    continue  # the same answers again: its own template runs as `base`, or it reads no prompt
                key = (tmpl.path, case.id)
                if key not in rendered:
                    msgs = attach_images(library.render(tmpl, prompt_context(task_id, ds, case, examples)), case.images)
                    rendered[key] = (msgs, prompt_hash(msgs))
                messages, phash = rendered[key]
                why = drop_reason(table, models, route, dep_id, messages, options.max_tokens, _needs(task.task_class))
                entries.append({"deployment": dep_id, "position": position, "variant": variant, "eligible": why is None,
                                "reason": why})  # fmt: skip
                if why is not None:
                    continue
                for sample in range(repeats):
                    ckey = short_hash(run_id, task_id, ds.ref, case.id, dep_id, variant, tmpl.hash, ohash, sample)
                    req = Request(dep_id, dep.model, messages, options, phash, sample, 1, hint, case.input)
                    rhash = request_key(dep.provider, dep.client, dep.base_url or dep.region, dep.model, phash,
                                        ohash, sample)  # fmt: skip
                    cells.append(
                        Cell(ckey, task_id, task.task_class, ds, case, dep_id, variant, sample, tmpl, req, ohash,
                             rhash, role, position, prompt_tokens(messages, dep, models), sent)
                    )  # fmt: skip
        routes.append(route_record(run_id, route, entries))
    return cells
