"""The `harness` command. Commands are thin: parse, call one library function, map errors to exit codes.

One module per command group (`run`, `report` with `show`, `datasets`, `prompts`, `db` with `runs`, `gate` with
`baseline`, `routing`, `judges`, `cache`, `sql`, `schema` with `graders`); `display` is the only module that
imports Rich. Imports are lazy: `harness --help` and a sim-only run never import a vendor SDK, scikit-learn or
pandas. Exit codes: 0 ok, 1 failure, 2 invalid input, 3 gate inconclusive, 130 interrupted.
"""

from __future__ import annotations

import typer

from harness.cli import cache, datasets, db, gate, judges, prompts, report, routing, run, schema, sql

app = typer.Typer(
    name="harness",
    help="Continuous cross-model evaluation: every deployment in your routing table, every prompt, every change.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
for command in (run.run, report.report, report.show, schema.schema, schema.graders, sql.sql, gate.gate):
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
):
    app.add_typer(group, name=name)


def main() -> None:
    app()
