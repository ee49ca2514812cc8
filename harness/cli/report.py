"""`harness report` and `harness show`: a run's report, one cell or the cells a filter matches."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from harness.cli.common import ResultsOpt, StoreDataOpt, StoreOpt, cli_errors, source
from harness.errors import InputError


def write_reports(results_dir: Any, run: str | None, baseline: str | None, fmt: str, out: Path | None) -> list[Path]:
    """Write the report of `run` from a results directory or the lake (`results_dir`: a Path or a `lake.Lake`)."""
    from harness.report.data import build
    from harness.report.render import render, write

    if fmt not in ("html", "md", "json"):
        raise InputError(f"--format must be html, md or json, not {fmt!r}")
    report = build(results_dir, run, baseline)
    run_id = report["provenance"]["run_id"]
    path = out or Path("reports") / f"{run_id}.{fmt}"
    text = render(report, fmt)  # type: ignore[arg-type]
    write(text, path)
    written = [path]
    if fmt == "html" and out is None or (out is not None and out.name == f"{run_id}.html"):
        latest = path.with_name("latest.html")
        write(text, latest)
        written.append(latest)
    return written


@cli_errors
def report(
    run: Annotated[str | None, typer.Option(help="Run id (default: the latest run).")] = None,
    baseline: Annotated[str | None, typer.Option(help="Baseline run id to compare against (drift).")] = None,
    format: Annotated[str, typer.Option("--format", help="html | md | json")] = "html",
    out: Annotated[Path | None, typer.Option(help="Output file (default: reports/<run-id>.<format>).")] = None,
    results_dir: ResultsOpt = Path("results"),
    store: StoreOpt = None,
    store_data: StoreDataOpt = None,
) -> None:
    """Write a drift and degradation report for a run: self-contained HTML, Markdown (PR comments) or JSON."""
    from harness.cli import display

    where = source(results_dir, store, store_data)
    if format == "md" and out is None:
        from harness.report.data import build
        from harness.report.render import render

        display.plain(render(build(where, run, baseline), "md"))
        return
    for path in write_reports(where, run, baseline, format, out):
        display.plain(str(path))


@cli_errors
def show(
    run: Annotated[str, typer.Argument(help="Run id, or `latest`.")] = "latest",
    task: Annotated[str | None, typer.Option(help="Task id.")] = None,
    deployment: Annotated[str | None, typer.Option(help="Deployment id.")] = None,
    case: Annotated[str | None, typer.Option(help="Case id.")] = None,
    variant: Annotated[str | None, typer.Option(help="Prompt variant.")] = None,
    sample: Annotated[int | None, typer.Option(help="Sample index.")] = None,
    status: Annotated[str | None, typer.Option(help="ok | error | skipped | pass | fail")] = None,
    limit: Annotated[int, typer.Option(min=1, help="Rows listed when several cells match.")] = 50,
    full: Annotated[bool, typer.Option("--full", help="Print long inputs whole.")] = False,
    lanes: Annotated[bool, typer.Option("--lanes", help="How each lane's rate and in-flight limit moved.")] = False,
    portability: Annotated[
        bool, typer.Option("--portability", help="Deployment x template pass rates and own-prompt gains.")
    ] = False,
    latency: Annotated[
        bool, typer.Option("--latency", help="TTFT and total latency p50/p95 per task and deployment.")
    ] = False,
    results_dir: ResultsOpt = Path("results"),
    store: StoreOpt = None,
    store_data: StoreDataOpt = None,
) -> None:
    """One cell in full (input, reference, output, tool calls, grades, attempts), or the list of cells that match."""
    from harness.cli import display
    from harness.report.show import Filter
    from harness.report.show import lanes as lane_history
    from harness.report.show import show as find

    if lanes:
        run_row, rows = lane_history(source(results_dir, store, store_data), run)
        display.lane_history(run_row["run_id"], rows)
        return
    if latency:
        from harness.report.show import latency as latency_rows

        run_row, rows = latency_rows(source(results_dir, store, store_data), run, task, deployment)
        display.latency(run_row["run_id"], rows)
        if run_row["simulated"]:
            display.banner(display.SIM_BANNER)
        return
    if portability:
        from harness.report.show import portability as matrix

        run_row, tasks = matrix(source(results_dir, store, store_data), run, task)
        display.portability(run_row["run_id"], tasks)
        if run_row["simulated"]:
            display.banner(display.SIM_BANNER)
        return
    shown = find(
        source(results_dir, store, store_data),
        run,
        Filter(task, deployment, case, variant, sample, status, limit),
        full,
    )
    if shown.detail is not None:
        display.cell_detail(shown.detail)
    else:
        display.cell_list(shown.run["run_id"], shown.rows, shown.total)
    if shown.run["simulated"]:
        display.banner(display.SIM_BANNER)
