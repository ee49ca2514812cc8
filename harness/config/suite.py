"""A suite (`evals/<suite>.yaml`): tasks binding a dataset version, a prompt directory, graders and quality bars.

Paths in a suite are relative to the suite file. `load_suite` returns a `Project`: the suite with its model
table and routing table loaded and cross-checked, plus the content hashes every run records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, ValidationError, field_validator, model_validator

from harness.config.base import ID_PATTERN, Strict, TaskClass
from harness.config.models import ModelTable, load_models
from harness.config.routing import RoutingTable, load_routing
from harness.config.scenarios import Scenario
from harness.config.yamlfile import file_sha256, load_yaml, validation_error
from harness.errors import ConfigError, Where
from harness.graders.base import Registered

#: Names of tasks, the suite and its scenarios: they become file names (`baselines/<suite>.jsonl`) and reach the
#: Markdown summaries, so newlines, `|`, `/` and markup are refused at load time.
Name = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
TaskId = Name


class GraderSpec(Strict):
    name: str | None = None
    """A registered grader name (`harness graders` lists them), built-in or from a package's entry point."""
    python: str | None = None
    """Or your own: `path/to/file.py:function`, relative to the project root (see README, Your own graders)."""
    args: dict[str, Any] = {}
    """Keyword arguments of the grader."""
    weight: float = Field(1.0, gt=0)
    """Weight in the cell's score (weighted mean over graders)."""
    id: str | None = None
    """Distinguishes two uses of the same grader in one task (default: the name, or the function's name)."""

    @model_validator(mode="after")
    def _one(self) -> GraderSpec:
        if (self.name is None) == (self.python is None):
            raise ValueError("give a grader either `name` or `python`")
        return self

    @property
    def ref(self) -> str:
        """How the grader is looked up: its name, or `python:<path>:<function>`."""
        return self.name if self.name is not None else f"python:{self.python}"

    @property
    def grader_id(self) -> str:
        if self.id:
            return self.id
        return self.name if self.name is not None else str(self.python).rpartition(":")[2]


class PairwiseSpec(Strict):
    """Pairwise judging after the cells of a run: each candidate against `against`, both orders asked."""

    judge: str
    """The judge deployment (a model-table id)."""
    against: str = "primary"
    """`primary` (position 0 of the chain each case takes) or a deployment id."""
    prompt: str = "judges/pairwise.j2"
    """The judge prompt, under the prompts root."""
    criteria: str = ""
    """What makes one answer better (default: the prompt's own)."""
    input_fields: list[str] | None = None
    """Case input fields the judge sees (default: all)."""
    max_tokens: int = Field(300, gt=0)
    prescreen: bool = True
    """Flagged outputs lose without a judge call (both flagged: a tie)."""


class QualityBars(Strict):
    """Thresholds for reports and the CI gate (all scores and rates are fractions in [0, 1])."""

    alpha: float = Field(0.05, gt=0, lt=1)
    """Significance level for every test."""
    non_inferiority_margin: float = Field(0.05, ge=0, le=1)
    """How far a fallback may trail its primary."""
    equivalence_margin: float = Field(0.02, ge=0, le=1)
    """Same model on other infrastructure: the band within which they count as equivalent."""
    regression_margin: float = Field(0.03, ge=0, le=1)
    """A drop vs baseline larger than this (significantly) fails the gate."""
    max_error_rate_increase: float = Field(0.02, ge=0, le=1)
    min_detectable_effect: float = Field(0.05, gt=0, le=1)
    """Comparisons that cannot detect an effect this large are reported as inconclusive."""


class Options(Strict):
    """Generation options sent with every request of the task."""

    temperature: float | None = Field(0.0, ge=0, le=2)
    max_tokens: int = Field(1024, gt=0)
    stop: list[str] = []
    seed: int | None = None
    json_mode: bool = False


class TaskSpec(Strict):
    task_class: TaskClass
    dataset: str
    """`name@version`, e.g. `support-intents@1`: runs are pinned to a recorded version."""
    prompts: str | None = None
    """Directory under the prompts root holding this task's templates (default: the task id)."""
    graders: list[GraderSpec] = Field(min_length=1)
    repeats: int = Field(1, ge=1, le=100)
    """Samples per case; a case's score is the mean over its samples."""
    pass_threshold: float = Field(1.0, ge=0, le=1)
    """A cell passes when every grader passes and its weighted score reaches this."""
    examples: int = Field(3, ge=0, le=20)
    """How many train cases templates get as `examples` (few-shot variants)."""
    options: Options = Options()
    quality: QualityBars = QualityBars()
    pairwise: PairwiseSpec | None = None
    """Judge each candidate against the primary on the same case, both orders (a post-pass of the run)."""
    description: str = ""

    @field_validator("dataset")
    @classmethod
    def _dataset_ref(cls, v: str) -> str:
        name, sep, version = v.partition("@")
        if not sep or not name or not version:
            raise ValueError(f"dataset must be `name@version`, got {v!r}")
        return v

    @property
    def dataset_name(self) -> str:
        return self.dataset.partition("@")[0]

    @property
    def dataset_version(self) -> str:
        return self.dataset.partition("@")[2]


class Suite(Strict):
    """`evals/<suite>.yaml`."""

    schema_version: Literal[1] = 1
    name: Name
    """Letters, digits and `_ . @ : + -`: it names the suite's baseline file and heads its reports."""
    description: str = ""
    models: str = "models.yaml"
    """The model table, relative to this file."""
    routing: str = "routing.yaml"
    """The routing table, relative to this file."""
    datasets: str = "../datasets"
    prompts: str = "../prompts"
    tasks: dict[TaskId, TaskSpec] = Field(min_length=1)
    scenarios: dict[Name, Scenario] = {}
    """Named fault-injection scenarios (`--scenario NAME`)."""
    portability: bool = False
    """Run every deployment also with every family's template of each task (`prompt:<family>` variants), as
    `harness run --portability` does: the report's portability matrix."""
    store: str | None = None
    """The shared results lake every run of this suite is pushed to: `ducklake:FILE.ducklake` or
    `ducklake:postgres:host=... dbname=...` (credentials from PG* variables). `--store` overrides it."""
    store_data: str | None = None
    """The lake's data folder or `s3://bucket/prefix` (a new lake's; a file catalog defaults to one beside it)."""
    budget_usd: float | None = Field(None, gt=0)
    """Stop scheduling new calls once a run has spent this much (USD); the rest end `skipped_budget`."""


@dataclass(frozen=True)
class Project:
    """A loaded suite with everything it refers to, cross-checked."""

    suite_path: Path
    suite: Suite
    models: ModelTable
    routing: RoutingTable
    datasets_dir: Path
    prompts_dir: Path
    hashes: dict[str, str]
    custom: dict[str, Registered] = field(default_factory=dict)
    """`python:` graders of the suite, loaded from their files."""

    def prompt_dir(self, task: str) -> str:
        return self.suite.tasks[task].prompts or task

    @property
    def root(self) -> Path:
        """The project root: `python:` grader paths are relative to it (the suite directory's parent)."""
        return self.suite_path.parent.parent

    def registered(self, spec: GraderSpec, where: Where | None = None) -> Registered:
        from harness.graders.base import lookup
        from harness.graders.custom import load_file_grader

        if spec.name is not None:
            return lookup(spec.name, where)
        if spec.ref not in self.custom:
            self.custom[spec.ref] = load_file_grader(str(spec.python), self.root, where)
        return self.custom[spec.ref]

    def judges(self, task: str) -> list[str]:
        """Judge deployments the task's graders and pairwise judging name (`judge:` arguments), in order."""
        spec = self.suite.tasks[task]
        out: list[str] = []
        for g in spec.graders:
            if "call_model" in _params(self.registered(g)):
                out += _judge_names(g.args.get("judge"))
        if spec.pairwise is not None:
            out.append(spec.pairwise.judge)
        return list(dict.fromkeys(out))


def _params(reg: Registered) -> Any:
    import inspect

    return inspect.signature(reg.factory).parameters


def _judge_names(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def load_suite(path: Path) -> Project:
    data, lines = load_yaml(path)
    if data is None:
        raise ConfigError("file is empty", Where(path))
    try:
        suite = Suite.model_validate(data)
    except ValidationError as e:
        raise validation_error(e, path, lines) from None
    base = path.parent
    models_path, routing_path = base / suite.models, base / suite.routing
    models = load_models(models_path)
    routing = load_routing(routing_path, models)
    for task in suite.tasks:
        if task not in routing.tasks:
            raise ConfigError(
                f"task {task!r} has no entry in the routing table {routing_path}",
                Where(path, lines.get(("tasks", task)), f"tasks.{task}"),
                f"add `{task}: {{chain: [...]}}` under `tasks:` in {routing_path.name}",
            )
    project = Project(path, suite, models, routing, base / suite.datasets, base / suite.prompts, {})
    _check_datasets(project, lines)
    _check_graders(project, lines)
    for name, scenario in suite.scenarios.items():
        for i, fault in enumerate(scenario.faults):
            if fault.deployment not in models.deployments:
                raise ConfigError(
                    f"unknown deployment {fault.deployment!r}",
                    Where(path, lines.get(("scenarios", name, "faults", i)), f"scenarios.{name}.faults[{i}]"),
                )
    project.hashes.update(suite=file_sha256(path), models=file_sha256(models_path), routing=file_sha256(routing_path))
    return project


def _check_datasets(project: Project, lines: dict[Any, int]) -> None:
    """Every task's dataset and version are recorded (manifests only: the cases load with the plan). The error
    names the suite line that asks for them; the manifest is in the fix."""
    from harness.config.datasets import dataset_dir, list_datasets, load_manifest

    for task_id, task in project.suite.tasks.items():
        where = Where(project.suite_path, lines.get(("tasks", task_id, "dataset")), f"tasks.{task_id}.dataset")
        manifest_path = dataset_dir(project.datasets_dir, task.dataset_name) / "dataset.yaml"
        if not manifest_path.is_file():
            known = ", ".join(list_datasets(project.datasets_dir)) or "none"
            raise ConfigError(f"unknown dataset {task.dataset_name!r}", where,
                              f"no {manifest_path}; known datasets: {known}")  # fmt: skip
        versions = load_manifest(project.datasets_dir, task.dataset_name).versions
        if task.dataset_version not in versions:
            raise ConfigError(f"dataset {task.dataset_name} has no version {task.dataset_version!r}", where,
                              f"recorded in {manifest_path}: {', '.join(versions)}")  # fmt: skip


def _check_graders(project: Project, lines: dict[Any, int]) -> None:
    """Build every grader once (bad names, arguments, judge prompts fail here) and check the judges it names."""
    from harness.config.prompts import PromptLibrary
    from harness.graders import build_grader

    library = PromptLibrary(project.prompts_dir)
    path = project.suite_path
    for task_id, task in project.suite.tasks.items():
        seen: set[str] = set()
        for i, spec in enumerate(task.graders):
            key = ("tasks", task_id, "graders", i)
            where = Where(path, lines.get(key), f"tasks.{task_id}.graders[{i}]")
            if spec.grader_id in seen:
                raise ConfigError(f"grader id {spec.grader_id!r} used twice", where, "give one an `id`")
            seen.add(spec.grader_id)
            reg = project.registered(spec, where)
            if "call_model" in _params(reg):
                for name in _judge_names(spec.args.get("judge")):
                    line = lines.get((*key, "args", "judge")) or where.line
                    check_judge(project, name, Where(path, line, f"{where.key}.args.judge"))
            build_grader(reg, spec.args, where, {"prompt_library": library})
        if task.pairwise is not None:
            at = ("tasks", task_id, "pairwise")
            check_judge(
                project, task.pairwise.judge, Where(path, lines.get((*at, "judge")), f"tasks.{task_id}.pairwise.judge")
            )
            against, candidates = task.pairwise.against, project.routing.candidates(task_id)
            if against != "primary" and against not in candidates:
                raise ConfigError(f"pairwise.against: {against!r} is not a candidate of task {task_id!r}",
                                  Where(path, lines.get((*at, "against")), f"tasks.{task_id}.pairwise.against"),
                                  "use `primary` or one of: " + ", ".join(candidates))  # fmt: skip
            library.load(task.pairwise.prompt)


def check_judge(project: Project, name: str, where: Where) -> None:
    dep = project.models.deployments.get(name)
    if dep is None:
        known = ", ".join(d for d, v in project.models.deployments.items() if not v.local)
        raise ConfigError(f"unknown judge deployment {name!r}", where, f"use one of the model table's: {known}")
    if dep.provider in ("canned", "sklearn"):
        raise ConfigError(f"judge {name!r} is a {dep.provider} deployment, not a model that can judge", where)
