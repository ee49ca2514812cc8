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
    task: str,
    case: Annotated[str, typer.Option("--case", help="Case id.")],
    suite: Annotated[Path, typer.Option(help="Suite file.")] = DEFAULT_SUITE,
    variant: Annotated[str, typer.Option(help="Prompt variant.")] = "base",
) -> None:
    """Which chain CASE takes in TASK, and why each entry is eligible or dropped."""
    from harness.cli import display
    from harness.config.suite import load_suite
    from harness.run.plan import Selection, build_plan

    project = load_suite(suite)
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
