"""A suite (`evals/<suite>.yaml`): tasks binding a dataset version, a prompt directory, graders and quality bars.

Paths in a suite are relative to the suite file. `load_suite` returns a `Project`: the suite with its model
table and routing table loaded and cross-checked, plus the content hashes every run records.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, ValidationError, field_validator

from harness.config_base import ID_PATTERN, Strict
from harness.errors import ConfigError, Where
from harness.faults import Scenario
from harness.models import ModelTable, load_models
from harness.routing import RoutingTable, load_routing
from harness.yamlfile import file_sha256, load_yaml, validation_error

TaskClass = Literal["classification", "extraction", "function-calling", "qa", "code", "long-document", "generation"]
TaskId = Annotated[str, StringConstraints(pattern=ID_PATTERN)]


class GraderSpec(Strict):
    name: str
    """A registered grader name (`harness graders` lists them)."""
    args: dict[str, Any] = {}
    """Keyword arguments of the grader."""
    weight: float = Field(1.0, gt=0)
    """Weight in the cell's score (weighted mean over graders)."""
    id: str | None = None
    """Distinguishes two uses of the same grader in one task (default: the name)."""

    @property
    def grader_id(self) -> str:
        return self.id or self.name


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
    name: str
    description: str = ""
    models: str = "models.yaml"
    """The model table, relative to this file."""
    routing: str = "routing.yaml"
    """The routing table, relative to this file."""
    datasets: str = "../datasets"
    prompts: str = "../prompts"
    tasks: dict[TaskId, TaskSpec] = Field(min_length=1)
    scenarios: dict[str, Scenario] = {}
    """Named fault-injection scenarios (`--scenario NAME`)."""


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

    def prompt_dir(self, task: str) -> str:
        return self.suite.tasks[task].prompts or task


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
    _check_graders(suite, path, lines)
    for name, scenario in suite.scenarios.items():
        for i, fault in enumerate(scenario.faults):
            if fault.deployment not in models.deployments:
                raise ConfigError(
                    f"unknown deployment {fault.deployment!r}",
                    Where(path, lines.get(("scenarios", name, "faults", i)), f"scenarios.{name}.faults[{i}]"),
                )
    hashes = {
        "suite": file_sha256(path),
        "models": file_sha256(models_path),
        "routing": file_sha256(routing_path),
    }
    return Project(path, suite, models, routing, base / suite.datasets, base / suite.prompts, hashes)


def _check_graders(suite: Suite, path: Path, lines: dict[Any, int]) -> None:
    from harness.graders import build_grader

    for task_id, task in suite.tasks.items():
        seen: set[str] = set()
        for i, spec in enumerate(task.graders):
            where = Where(path, lines.get(("tasks", task_id, "graders", i)), f"tasks.{task_id}.graders[{i}]")
            if spec.grader_id in seen:
                raise ConfigError(f"grader id {spec.grader_id!r} used twice", where, "give one an `id`")
            seen.add(spec.grader_id)
            build_grader(spec.name, spec.args, where)
