"""`harness db` and `harness runs`: the DuckDB index and the runs it knows."""

from __future__ import annotations

from pathlib import Path

import typer

from harness.cli.common import ResultsOpt, cli_errors

db_app = typer.Typer(help="The DuckDB index under the results directory.", no_args_is_help=True)
runs_app = typer.Typer(help="Runs recorded in the results directory.", no_args_is_help=True)


@db_app.command("load")
@cli_errors
def db_load(results_dir: ResultsOpt = Path("results")) -> None:
    """Load every journal's new records into harness.duckdb."""
    from harness.cli import display
    from harness.store import db

    stats = db.load(results_dir)
    display.plain(f"loaded {stats.records} records ({stats.cells} cells) from {stats.journals} journal(s)")
    if stats.note:
        display.note(stats.note)


@db_app.command("rebuild")
@cli_errors
def db_rebuild(results_dir: ResultsOpt = Path("results")) -> None:
    """Rebuild harness.duckdb from the journals (the old file is replaced only when the new one is complete)."""
    from harness.cli import display
    from harness.store import db

    stats = db.rebuild(results_dir)
    display.plain(f"rebuilt {db.db_path(results_dir)}: {stats.cells} cells from {stats.journals} journal(s)")


@runs_app.command("list")
@cli_errors
def runs_list(results_dir: ResultsOpt = Path("results")) -> None:
    """Runs with their status (running, complete, cancelled, crashed), mode and cell counts."""
    from harness.cli import display
    from harness.store.runs import list_runs

    rows, note = list_runs(results_dir)
    if note:
        display.note(note)
    display.print_table(None, ["run", "suite", "status", "mode", "planned", "done", "errors", "started"], rows)
