"""`harness db` and `harness runs`: the DuckDB index and the runs it knows."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from harness.cli.common import ResultsOpt, StoreDataOpt, StoreOpt, cli_errors
from harness.errors import InputError

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
def runs_list(
    results_dir: ResultsOpt = Path("results"), store: StoreOpt = None, store_data: StoreDataOpt = None
) -> None:
    """Runs with their status (running, complete, cancelled, crashed), mode and cell counts."""
    from harness.cli import display
    from harness.store import lake
    from harness.store.runs import lake_runs, list_runs

    spec = lake.parse(store, store_data)
    rows, note = (lake_runs(spec), "") if spec else list_runs(results_dir)
    if note:
        display.note(note)
    display.print_table(None, ["run", "suite", "status", "mode", "planned", "done", "errors", "started"], rows)


@cli_errors
def push(
    runs: Annotated[list[str] | None, typer.Argument(help="Run ids (default with --all: every run).")] = None,
    all_runs: Annotated[bool, typer.Option("--all", help="Every run of the results directory.")] = False,
    store: StoreOpt = None,
    store_data: StoreDataOpt = None,
    results_dir: ResultsOpt = Path("results"),
) -> None:
    """Push runs from the results directory to the shared lake: each run replaces what the lake had of it."""
    from harness.cli import display
    from harness.store import db, lake

    spec = lake.parse(store, store_data)
    if spec is None:
        raise InputError("harness push needs --store", fix="ducklake:FILE.ducklake or ducklake:postgres:...")
    if not runs and not all_runs:
        raise InputError("name the runs to push, or --all", fix="see `harness runs list`")
    db.load(results_dir)
    pushed = lake.push(results_dir, spec, None if all_runs else runs)
    display.plain(f"pushed {len(pushed.runs)} run(s), {pushed.rows} rows, to {spec.label}")


@runs_app.command("merge")
@cli_errors
def runs_merge(
    run_id: Annotated[str, typer.Argument(help="The run id the shards share.")],
    sources: Annotated[list[Path], typer.Argument(help="Each shard's results directory.")],
    results_dir: ResultsOpt = Path("results"),
) -> None:
    """Join the shards of one run (`harness run --shard K/N --run-id ID`) into one run in the results directory."""
    from harness.cli import display
    from harness.store import db
    from harness.store.merge import merge

    target, cells = merge(run_id, sources, results_dir)
    stats = db.load(results_dir)
    display.plain(f"merged {len(sources)} shard(s) of run {run_id}: {cells} cells in {target}; {stats.records} loaded")
