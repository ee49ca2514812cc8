"""`harness prompts`: per-(task, model) prompt templates as a deployment receives them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from harness.cli.common import DEFAULT_SUITE, cli_errors
from harness.errors import InputError

prompts_app = typer.Typer(help="Per-(task, model) prompt templates.", no_args_is_help=True)


@prompts_app.command("show")
@cli_errors
def prompts_show(
    task: str,
    deployment: str,
    case: Annotated[str, typer.Option("--case", help="Case id.")],
    variant: Annotated[str, typer.Option(help="Prompt variant.")] = "base",
    suite: Annotated[Path, typer.Option(help="Suite file.")] = DEFAULT_SUITE,
) -> None:
    """Render the messages TASK sends to DEPLOYMENT for one case, with the template that was chosen."""
    from harness.cli import display
    from harness.config.suite import load_suite
    from harness.run.plan import Selection, build_plan

    project = load_suite(suite)
    plan = build_plan(
        project, Selection(tasks=[task], deployments=[deployment], variants=[variant], mode="sim"), "show"
    )
    cells = [c for c in plan.cells if c.case.id == case and c.sample == 0]
    if not cells:
        raise InputError(f"no test case {case!r} in task {task!r}", fix="see `harness datasets show`")
    cell = cells[0]
    display.note(
        f"template {cell.template.path} (sha256 {cell.template.hash[:16]}…), prompt {cell.request.prompt_hash[:16]}…"
    )
    for m in cell.request.messages:
        display.plain(f"--- {m.role} ---\n{m.content}")
