"""`harness schema` and `harness graders`: what editors and suite authors can use."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from harness.cli.common import cli_errors


@cli_errors
def schema(
    out: Annotated[Path, typer.Option(help="Directory for the JSON schema files.")] = Path("evals/schemas"),
) -> None:
    """Write JSON schemas of models.yaml, routing.yaml, suites and dataset.yaml for editors."""
    from pydantic import BaseModel

    from harness.cli import display
    from harness.config.datasets import Manifest
    from harness.config.models import ModelTable
    from harness.config.routing import RoutingTable
    from harness.config.suite import Suite

    out.mkdir(parents=True, exist_ok=True)
    models: list[tuple[str, type[BaseModel]]] = [
        ("models", ModelTable),
        ("routing", RoutingTable),
        ("suite", Suite),
        ("dataset", Manifest),
    ]
    for name, model in models:
        path = out / f"{name}.schema.json"
        path.write_text(json.dumps(model.model_json_schema(), indent=2) + "\n", encoding="utf-8")
        display.plain(str(path))


@cli_errors
def graders() -> None:
    """List the registered graders."""
    from harness.cli import display
    from harness.graders import REGISTRY

    display.print_table(
        None, ["grader", "version", "what it does"], [(r.name, r.version, r.doc) for r in REGISTRY.values()]
    )
