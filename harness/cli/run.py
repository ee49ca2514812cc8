"""`harness run`: a suite's cells on every candidate, with progress, a summary and the report."""

from __future__ import annotations

import math
import shlex
from pathlib import Path
from typing import Annotated, Any

import typer

from harness.cli.common import DEFAULT_SUITE, ResultsOpt, StoreDataOpt, StoreOpt, SuiteArg, cli_errors, split
from harness.cli.report import write_reports
from harness.errors import InputError


@cli_errors
def run(
    suite: SuiteArg = DEFAULT_SUITE,
    tasks: Annotated[str | None, typer.Option(help="Comma-separated task ids (default: all).")] = None,
    deployments: Annotated[str | None, typer.Option(help="Comma-separated deployment ids (default: all).")] = None,
    variants: Annotated[str, typer.Option(help="Comma-separated prompt variants; `base` is the unnamed one.")] = "base",
    limit: Annotated[int | None, typer.Option(min=1, help="First N test cases per task.")] = None,
    repeats: Annotated[int | None, typer.Option(min=1, help="Samples per case (overrides the suite).")] = None,
    concurrency: Annotated[int, typer.Option(min=1, help="Cells in flight across all deployments.")] = 32,
    per_deployment: Annotated[int, typer.Option(min=1, help="Default cells in flight per deployment.")] = 8,
    timeout: Annotated[float, typer.Option(help="Seconds per attempt before it counts as a timeout (>= 0.1).")] = 120.0,
    max_attempts: Annotated[
        int | None, typer.Option(min=1, help="Attempts per cell (default: the routing table's retry policy).")
    ] = None,
    max_retry_after: Annotated[
        float | None,
        typer.Option(help="Longest Retry-After to wait; above it the cell ends rate_limited (default: policy)."),
    ] = None,
    mode: Annotated[
        str,
        typer.Option(
            help="auto | live | sim | replay. auto: live where credentials exist, else sim; replay: only the cache."
        ),
    ] = "auto",
    cache: Annotated[
        str, typer.Option(help="Response cache: rw (read and write), ro (read only), off. Errors are never cached.")
    ] = "rw",
    max_cost: Annotated[
        float | None,
        typer.Option(help="Stop starting calls once this many USD are spent; the rest end skipped_budget."),
    ] = None,
    sim_seed: Annotated[int, typer.Option(help="Seed of the simulated fleet (recorded on the run).")] = 0,
    sim_time_scale: Annotated[
        float, typer.Option(help="Real seconds slept per simulated second (0: don't wait).")
    ] = 0.0,
    results_dir: ResultsOpt = Path("results"),
    resume: Annotated[
        str | None, typer.Option(help="Finish run RUN_ID: only cells without a final result, same fingerprint.")
    ] = None,
    scenario: Annotated[str | None, typer.Option(help="Inject the faults of a scenario named in the suite.")] = None,
    routed: Annotated[
        bool, typer.Option("--routed", help="Also walk each case through its chain as production would.")
    ] = False,
    portability: Annotated[
        bool, typer.Option("--portability", help="Also run every deployment with every family's template.")
    ] = False,
    report_dir: Annotated[
        Path | None, typer.Option(help="Write <run-id>.html and latest.html here at the end (--no-report: don't).")
    ] = Path("reports"),
    no_report: Annotated[bool, typer.Option("--no-report", help="Don't write the HTML report.")] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print cells, cache hits and estimated cost per deployment; send nothing.")
    ] = False,
    fault: Annotated[
        list[str] | None,
        typer.Option(help="Inject DEPLOYMENT:FAILURE:RATE (or DEPLOYMENT:+MS:RATE for latency); repeatable."),
    ] = None,
    store: StoreOpt = None,
    store_data: StoreDataOpt = None,
    shard: Annotated[
        str | None, typer.Option(help="K/N: only the cases of shard K of N (all deployments of a case together).")
    ] = None,
    run_id: Annotated[str | None, typer.Option(help="Name the run (the N shards of one run share it).")] = None,
    executor: Annotated[
        str, typer.Option(help="local | ray: run the shards as Ray tasks across a cluster (pip install harness[ray]).")
    ] = "local",
    ray_address: Annotated[
        str | None, typer.Option(help="With --executor ray: auto | ray://HEAD:10001 (default: Ray on this machine).")
    ] = None,
    shards: Annotated[
        int | None, typer.Option(min=1, help="With --executor ray: shards (Ray tasks); default one per cluster CPU.")
    ] = None,
) -> None:
    """Run a suite: every task's cases on every candidate deployment, graded, journaled, loaded into DuckDB."""
    # Longer than 60 lines because Typer reads the command's 33 options from this signature.
    from harness.cli import display
    from harness.run.plan import Selection, parse_shard
    from harness.run.runner import RunOptions

    if no_report:
        report_dir = None
    if mode not in ("auto", "live", "sim", "replay"):
        raise InputError(f"--mode must be auto, live, sim or replay, not {mode!r}")
    if cache not in ("rw", "ro", "off"):
        raise InputError(f"--cache must be rw, ro or off, not {cache!r}")
    _check_numbers({"--timeout": (timeout, 0.1), "--sim-time-scale": (sim_time_scale, 0.0),
                    "--max-cost": (max_cost, 0.0), "--max-retry-after": (max_retry_after, 0.0)})  # fmt: skip
    if shard and not run_id:
        raise InputError("--shard needs --run-id: the shards of one run share its id", fix="e.g. --run-id nightly-42")
    selection = Selection(
        tasks=split(tasks), deployments=split(deployments), variants=split(variants) or ["base"],
        limit=limit, repeats=repeats, mode=mode, scenario=scenario, faults=fault or [],  # type: ignore[arg-type]
        routed=routed, shard=parse_shard(shard) if shard else None, portability=portability,
    )  # fmt: skip
    options = RunOptions(
        concurrency=concurrency, per_deployment=per_deployment, sim_time_scale=sim_time_scale, timeout_s=timeout,
        max_attempts=max_attempts, max_retry_after_s=max_retry_after, cache=cache,  # type: ignore[arg-type]
        max_cost_usd=max_cost,
    )  # fmt: skip
    if dry_run:
        _dry_run(suite, selection, results_dir, sim_seed)
        return
    if executor not in ("local", "ray"):
        raise InputError(f"--executor must be local or ray, not {executor!r}")
    if executor == "local" and (shards or ray_address):
        raise InputError("--shards and --ray-address go with --executor ray", fix="add --executor ray")
    source: Any = results_dir
    if executor == "ray":
        from harness.cli.run_ray import execute_ray

        result, source = execute_ray(suite, selection, options, results_dir, sim_seed, resume, run_id,
                                     (store, store_data, ray_address, shards))  # fmt: skip
        _summary(result)
    else:
        result = _execute(suite, selection, options, results_dir, sim_seed, resume, run_id)
        _summary(result)
        _push(result, suite, results_dir, store, store_data)
    if result.loaded and report_dir is not None:
        written = write_reports(source, result.run_id, None, "html", report_dir / f"{result.run_id}.html")
        display.note(f"report: {written[0]}")
    if result.status == "cancelled":
        display.note(f"resume with: {resume_command(suite, result.run_id, results_dir)}", style="bold")
        raise typer.Exit(130)


def _push(result: Any, suite: Path, results_dir: Path, store: str | None, store_data: str | None) -> None:
    """Push the run to the lake (`--store`, else the suite's `store:`). A push that fails loses nothing: the run is
    complete here, and the note says how to push it again."""
    from harness.cli import display
    from harness.store import lake

    spec_suite = result.plan.project.suite
    url, data = (store, store_data) if store else (spec_suite.store, store_data or spec_suite.store_data)
    spec = lake.parse(url, data)
    if spec is None:
        return
    again = f"harness push {result.run_id} --store {shlex.quote(spec.catalog)}" + (
        f" --store-data {shlex.quote(spec.data)}" if spec.data else "") + (
        f" --results-dir {shlex.quote(str(results_dir))}" if results_dir != Path("results") else "")  # fmt: skip
    if not result.loaded:
        display.note(f"push skipped: the database was busy at the end of the run; push later with: {again}", "bold")
        return
    try:
        pushed = lake.push(results_dir, spec, [result.run_id])
    except Exception as e:  # noqa: BLE001 (the run is complete here: nothing it has is lost)
        display.note(f"push failed ({str(e).splitlines()[0]}); the run is complete here: push it with: {again}", "bold")
        return
    display.note(f"pushed run {result.run_id} to {spec.label} ({pushed.rows} rows)")


def _check_numbers(numbers: dict[str, tuple[float | None, float]]) -> None:
    """Each flag's value is finite and at least its lowest (`inf` would wait forever; Click's `min=` reads `nan` as
    out of range with a message that does not say why)."""
    for flag, (value, lowest) in numbers.items():
        if value is not None and not (math.isfinite(value) and value >= lowest):
            raise InputError(f"{flag} must be a finite number of at least {lowest:g}, not {value}")


def _execute(
    suite: Path, selection: Any, options: Any, results_dir: Path, sim_seed: int, resume: str | None, run_id: str | None
) -> Any:
    """Start (or resume) the run with a progress bar fed by the runner's events; the launch's result."""
    from harness.cli import display
    from harness.run.launch import resume_run, start_run
    from harness.run.plan import Plan

    progress: list[display.RunProgress] = []

    def on_plan(plan: Plan, notes: list[str]) -> None:
        (display.banner if plan.simulated else display.note)(plan.mode_note)
        for line in notes:
            (display.banner if line.startswith("WARNING") else display.note)(line)
        display.note(f"run {plan.run_id}: {len(plan.cells)} cells")
        progress.append(display.RunProgress(len(plan.cells), plan.run_id).__enter__())

    def sink(e: Any) -> None:
        progress[0].advance(e.status, e.cost_usd)

    try:
        if resume:
            result = resume_run(suite, resume, results_dir=results_dir, options=options, sink=sink, on_plan=on_plan)
            display.note(f"resumed run {resume}: {result.resumed} cells were already done")
            return result
        return start_run(suite, selection, results_dir=results_dir, options=options, sim_seed=sim_seed, sink=sink,
                         on_plan=on_plan, run_id=run_id)  # fmt: skip
    finally:
        if progress:
            progress[0].__exit__()


def _summary(result: Any) -> None:
    """Per (task, deployment) totals, routed play, spend, the SIMULATED banner and where the journal is."""
    from harness.cli import display

    routing = result.plan.project.routing
    roles = {(t, d): routing.role(t, d) for t in routing.tasks for d in routing.candidates(t)}
    display.show(display.summary_table(result.events, roles))
    if result.served:
        display.show(display.routed_table(result.served))
        _cooldown_note(result.served)
    _spend_notes(result.tally)
    if result.plan.simulated:
        display.banner(display.SIM_BANNER)
    display.note(f"run {result.run_id} {result.status}: journal {result.journal}; {result.load_note}")


def _cooldown_note(served: list[dict[str, Any]]) -> None:
    """With cooldowns in the routing table: how many walks skipped a cooling deployment, and which."""
    from collections import Counter

    from harness.cli import display

    skipped = Counter(p["deployment"] for r in served for p in r["path"] if p["outcome"] == "cooldown")
    walks = sum(any(p["outcome"] == "cooldown" for p in r["path"]) for r in served)
    if walks:
        which = ", ".join(f"{d} × {n}" for d, n in skipped.most_common())
        display.note(f"cooldowns: {walks} of {len(served)} requests skipped a cooling deployment ({which})")


def _spend_notes(t: Any) -> None:
    from harness.cli import display

    if t.cached:
        display.note(f"{t.cached} cell(s) answered from the response cache (no call); ${t.saved_usd:.4f} not re-spent")
    if t.skipped_budget:
        display.note(
            f"budget reached: {t.skipped_budget} cell(s) not started, recorded skipped_budget; spent ${t.cost_usd:.4f}"
            " (raise --max-cost / budget_usd and rerun: the cache answers what was already paid for)",
            style="bold",
        )


def _dry_run(suite: Path, selection: Any, results_dir: Path, sim_seed: int) -> None:
    """Cells, expected cache hits and the cost ceiling per deployment; nothing is sent."""
    from harness.cli import display
    from harness.config.suite import load_suite
    from harness.run.dryrun import estimate
    from harness.run.plan import build_plan

    plan = build_plan(load_suite(suite), selection, "dry-run")
    (display.banner if plan.simulated else display.note)(plan.mode_note)
    estimates = estimate(plan, results_dir, sim_seed)
    rows = [
        (r.deployment, r.mode, r.cells, r.cached, r.input_tokens, f"{r.max_cost_usd:.4f}" if r.mode == "live" else "0")
        for r in estimates
    ]
    display.print_table("Dry run: nothing was sent", ["deployment", "mode", "cells", "cached", "est. input tokens",
                                                      "cost ceiling $"], rows)  # fmt: skip
    total = sum(r.max_cost_usd for r in estimates)
    cached = sum(r.cached for r in estimates)
    display.note(
        f"{len(plan.cells)} cells, {cached} answered by the cache; at most ${total:.4f} for live calls"
        " (outputs at max_tokens)"
    )


def resume_command(suite: Path, run_id: str, results_dir: Path) -> str:
    """The command that finishes the run, with every flag needed to find it, quoted for a POSIX shell."""

    extra = "" if results_dir == Path("results") else f" --results-dir {shlex.quote(str(results_dir))}"
    return f"harness run {shlex.quote(str(suite))} --resume {run_id}{extra}"
