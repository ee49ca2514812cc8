"""`harness routing`: the routing table's chains, routes and eligibility."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from harness.cli.common import DEFAULT_SUITE, cli_errors
from harness.errors import InputError

routing_app = typer.Typer(help="The routing table: chains, routes, eligibility.", no_args_is_help=True)


@routing_app.command("explain")
@cli_errors
def routing_explain(
    args: Annotated[
        list[str],
        typer.Argument(
            help="[SUITE] TASK: the suite file (default evals/example.yaml), then the task.", show_default=False
        ),
    ],
    case: Annotated[str, typer.Option("--case", help="Case id.")],
    suite: Annotated[Path | None, typer.Option(help="Suite file (or give it before TASK).")] = None,
    variant: Annotated[str, typer.Option(help="Prompt variant.")] = "base",
) -> None:
    """Which chain CASE takes in TASK of SUITE, and why each entry is eligible or dropped.

    `harness routing explain evals/mine.yaml my-task --case c1` or `... my-task --case c1 --suite evals/mine.yaml`."""
    from harness.cli import display
    from harness.config.suite import load_suite
    from harness.run.plan import Selection, build_plan

    suite_path, task = _suite_and_task(args, suite)
    project = load_suite(suite_path)
    plan = build_plan(project, Selection(tasks=[task], variants=[variant], mode="sim"), "explain")
    record = next((r for r in plan.routes if r["case_id"] == case), None)
    if record is None:
        raise InputError(f"no test case {case!r} in task {task!r}", fix="see `harness datasets show`")
    level = record["risk_level"] or "none"
    display.plain(
        f"task {task}, case {case}: ~{record['case_tokens']} tokens, takes {record['route']}, risk level {level}"
    )
    rows = [
        (e["position"], e["deployment"], project.models.deployments[e["deployment"]].provider,
         "eligible" if e["eligible"] else "dropped", e["reason"] or "")
        for e in record["entries"]
    ]  # fmt: skip
    display.print_table(None, ["pos", "deployment", "provider", "verdict", "reason"], rows)


def _suite_and_task(args: list[str], suite: Path | None) -> tuple[Path, str]:
    """`TASK` or `SUITE TASK`, the suite also as `--suite` (not both)."""
    if len(args) == 1:
        return suite or DEFAULT_SUITE, args[0]
    if len(args) == 2:
        if suite is not None:
            raise InputError(f"the suite is given twice ({args[0]} and --suite {suite})", fix="give one of them")
        return Path(args[0]), args[1]
    raise InputError(
        f"expected [SUITE] TASK, got {len(args)} arguments", fix="harness routing explain [SUITE] TASK --case ID"
    )
