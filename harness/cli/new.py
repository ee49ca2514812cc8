"""`harness new suite`: a suite, its routing entry and a default prompt for a recorded dataset, ready to run."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from harness.cli.common import cli_errors, split

new_app = typer.Typer(help="Start a suite of your own.", no_args_is_help=True)


@new_app.command("suite")
@cli_errors
def new_suite(
    name: str,
    dataset: Annotated[str, typer.Option(help="The dataset, `name` (its latest version) or `name@version`.")],
    task: Annotated[str | None, typer.Option(help="The task id (default: the dataset's name).")] = None,
    chain: Annotated[
        str | None, typer.Option(help="Deployments in routing order, comma-separated (default: two that fit).")
    ] = None,
    evals: Annotated[Path, typer.Option("--evals-dir", help="Where suites, models.yaml and routing.yaml live.")] = Path(
        "evals"
    ),
) -> None:
    """Write evals/NAME.yaml, the task's entry in evals/routing.yaml and prompts/TASK/default.j2; then
    `harness run evals/NAME.yaml` runs it."""
    from harness.cli import display
    from harness.config.scaffold import new_suite as write

    suite_path, written = write(evals, name, dataset, task, split(chain))
    for path in written:
        display.plain(f"wrote {path}")
    display.plain(f"next: harness run {suite_path}")
