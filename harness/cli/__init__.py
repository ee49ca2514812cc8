"""The `harness` command. Commands are thin: parse, call one library function, map errors to exit codes.

One module per command group (`run`, `report` with `show`, `datasets`, `prompts`, `db` with `runs`, `gate` with
`baseline`, `routing`, `judges`, `new`, `cache`, `sql`, `schema` with `graders`, `view`); `display` is the only module
that imports Rich. Imports are lazy: `harness --help` and a sim-only run never import a vendor SDK, scikit-learn or
pandas. Exit codes: 0 ok, 1 failure, 2 invalid input, 3 gate inconclusive, 130 interrupted.
"""

from __future__ import annotations

import sys
from typing import Any

import typer
from typer.core import TyperGroup

from harness.cli import (
    cache,
    datasets,
    db,
    display,
    gate,
    judges,
    new,
    prompts,
    report,
    routing,
    run,
    schema,
    sql,
    view,
)


class OneLineErrors(TyperGroup):
    """Click's usage errors (a flag value out of range, an unknown option, a missing argument) as one `error:` line
    and exit 2, like every other bad input, instead of Click's usage box."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        standalone = kwargs.pop("standalone_mode", True)  # Click and CliRunner pass it by name
        if not standalone:
            return super().main(*args, standalone_mode=False, **kwargs)  # type: ignore[misc]
        try:
            code = super().main(*args, standalone_mode=False, **kwargs)  # type: ignore[misc]
        except Exception as e:  # Click's exceptions, duck-typed: typer vendors Click in some versions, not others
            if type(e).__name__ == "Abort":
                display.error("aborted")
                sys.exit(1)
            message, exit_code = getattr(e, "format_message", None), getattr(e, "exit_code", None)
            if message is None or not isinstance(exit_code, int):
                raise
            ctx = getattr(e, "ctx", None)
            hint = f" (fix: see `{ctx.command_path} --help`)" if ctx is not None else ""
            display.error(f"{message()}{hint}")
            sys.exit(exit_code)
        sys.exit(code if isinstance(code, int) else 0)


app = typer.Typer(
    cls=OneLineErrors,
    name="harness",
    help="Continuous cross-model evaluation: every deployment in your routing table, every prompt, every change.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
for command in (
    run.run,
    report.report,
    report.show,
    schema.schema,
    schema.graders,
    sql.sql,
    gate.gate,
    db.push,
    view.view,
):
    app.command()(command)
for group, name in (
    (datasets.datasets_app, "datasets"),
    (prompts.prompts_app, "prompts"),
    (db.db_app, "db"),
    (db.runs_app, "runs"),
    (routing.routing_app, "routing"),
    (gate.baseline_app, "baseline"),
    (cache.cache_app, "cache"),
    (judges.judges_app, "judges"),
    (new.new_app, "new"),
):
    app.add_typer(group, name=name)


def main() -> None:
    app()
