"""The routing table (`evals/routing.yaml`): per task, an ordered chain of deployments.

The candidates of a task are every deployment its chain can route to; the runner evaluates all of them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field

from harness.config_base import Strict
from harness.errors import ConfigError, Where
from harness.models import DeploymentId, ModelTable
from harness.yamlfile import load_yaml, validation_error


class TaskRoute(Strict):
    chain: list[DeploymentId] = Field(min_length=1)
    """Primary first, then fallbacks in order; a canned deployment may only come last."""
    description: str = ""


class RoutingTable(Strict):
    """`evals/routing.yaml`."""

    schema_version: Literal[1] = 1
    table_version: str = "unversioned"
    """Your own label for this version of the table; the file's hash is recorded with every run too."""
    tasks: dict[str, TaskRoute]

    def candidates(self, task: str) -> list[str]:
        return list(self.tasks[task].chain)

    def role(self, task: str, deployment: str) -> str:
        chain = self.tasks[task].chain
        pos = chain.index(deployment)
        return "primary" if pos == 0 else f"fallback {pos}"


def load_routing(path: Path, models: ModelTable) -> RoutingTable:
    """Load the table and check every chain entry against the model table."""
    from pydantic import ValidationError

    data, lines = load_yaml(path)
    if data is None:
        raise ConfigError("file is empty", Where(path))
    try:
        table = RoutingTable.model_validate(data)
    except ValidationError as e:
        raise validation_error(e, path, lines) from None
    for task, route in table.tasks.items():
        for i, dep in enumerate(route.chain):
            where = Where(path, lines.get(("tasks", task, "chain", i)), f"tasks.{task}.chain[{i}]")
            if dep not in models.deployments:
                known = ", ".join(sorted(models.deployments))
                raise ConfigError(f"unknown deployment {dep!r}", where, f"use one of: {known}")
            if route.chain.count(dep) > 1:
                raise ConfigError(f"deployment {dep!r} appears twice in the chain", where)
            if models.deployments[dep].provider == "canned" and i != len(route.chain) - 1:
                raise ConfigError("a canned response must be the last entry of a chain", where)
    return table
