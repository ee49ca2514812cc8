"""The `harness` command. Commands are thin: parse, call one library function, map errors to exit codes.

Imports are lazy: `harness --help` and a sim-only run never import a vendor SDK, scikit-learn or pandas.
Exit codes: 0 ok, 1 failure, 2 invalid input, 130 interrupted.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from harness.errors import HarnessError, InputError

F = TypeVar("F", bound=Callable[..., Any])

app = typer.Typer(
    name="harness",
    help="Continuous cross-model evaluation: every deployment in your routing table, every prompt, every change.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
datasets_app = typer.Typer(help="Versioned datasets: list, show, verify, add a version.", no_args_is_help=True)
prompts_app = typer.Typer(help="Per-(task, model) prompt templates.", no_args_is_help=True)
db_app = typer.Typer(help="The DuckDB index under the results directory.", no_args_is_help=True)
runs_app = typer.Typer(help="Runs recorded in the results directory.", no_args_is_help=True)
routing_app = typer.Typer(help="The routing table: chains, routes, eligibility.", no_args_is_help=True)
app.add_typer(datasets_app, name="datasets")
app.add_typer(prompts_app, name="prompts")
app.add_typer(db_app, name="db")
app.add_typer(runs_app, name="runs")
app.add_typer(routing_app, name="routing")

SuiteArg = Annotated[Path, typer.Argument(help="Suite file.")]
ResultsOpt = Annotated[Path, typer.Option("--results-dir", help="Journals, cache and harness.duckdb live here.")]
DatasetsOpt = Annotated[Path, typer.Option("--datasets-dir", help="Root of the datasets.")]
DEFAULT_SUITE = Path("evals/example.yaml")


def cli_errors(fn: F) -> F:
    """Our errors become one line on stderr and an exit code; no tracebacks for user mistakes."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from harness import display

        try:
            return fn(*args, **kwargs)
        except InputError as e:
            display.error(e.one_line())
            raise typer.Exit(2) from None
        except HarnessError as e:
            display.error(str(e))
            raise typer.Exit(e.exit_code) from None
        except KeyboardInterrupt:
            display.error("interrupted")
            raise typer.Exit(130) from None

    return wrapper  # type: ignore[return-value]


def _split(value: str | None) -> list[str] | None:
    return [v.strip() for v in value.split(",") if v.strip()] if value else None


@app.command()
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
    timeout: Annotated[float, typer.Option(min=0.1, help="Seconds per attempt before it counts as a timeout.")] = 120.0,
    max_attempts: Annotated[
        int | None, typer.Option(min=1, help="Attempts per cell (default: the routing table's retry policy).")
    ] = None,
    max_retry_after: Annotated[
        float | None,
        typer.Option(min=0, help="Longest Retry-After to wait; above it the cell ends rate_limited (default: policy)."),
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
        typer.Option(min=0.0, help="Stop starting calls once this many USD are spent; the rest end skipped_budget."),
    ] = None,
    sim_seed: Annotated[int, typer.Option(help="Seed of the simulated fleet (recorded on the run).")] = 0,
    sim_time_scale: Annotated[
        float, typer.Option(min=0.0, help="Real seconds slept per simulated second (0: don't wait).")
    ] = 0.0,
    results_dir: ResultsOpt = Path("results"),
    resume: Annotated[
        str | None, typer.Option(help="Finish run RUN_ID: only cells without a final result, same fingerprint.")
    ] = None,
    scenario: Annotated[str | None, typer.Option(help="Inject the faults of a scenario named in the suite.")] = None,
    routed: Annotated[
        bool, typer.Option("--routed", help="Also walk each case through its chain as production would.")
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
) -> None:
    """Run a suite: every task's cases on every candidate deployment, graded, journaled, loaded into DuckDB."""
    from harness import display
    from harness.run.launch import resume_run, start_run
    from harness.run.plan import Plan, Selection
    from harness.run.runner import RunOptions

    if no_report:
        report_dir = None
    if mode not in ("auto", "live", "sim", "replay"):
        raise InputError(f"--mode must be auto, live, sim or replay, not {mode!r}")
    if cache not in ("rw", "ro", "off"):
        raise InputError(f"--cache must be rw, ro or off, not {cache!r}")
    selection = Selection(
        tasks=_split(tasks), deployments=_split(deployments), variants=_split(variants) or ["base"],
        limit=limit, repeats=repeats, mode=mode, scenario=scenario, faults=fault or [],  # type: ignore[arg-type]
        routed=routed,
    )  # fmt: skip
    options = RunOptions(
        concurrency=concurrency, per_deployment=per_deployment, sim_time_scale=sim_time_scale, timeout_s=timeout,
        max_attempts=max_attempts, max_retry_after_s=max_retry_after, cache=cache,  # type: ignore[arg-type]
        max_cost_usd=max_cost,
    )  # fmt: skip
    progress: list[display.RunProgress] = []

    def on_plan(plan: Plan, notes: list[str]) -> None:
        (display.banner if plan.simulated else display.note)(plan.mode_note)
        for line in notes:
            display.note(line)
        display.note(f"run {plan.run_id}: {len(plan.cells)} cells")
        progress.append(display.RunProgress(len(plan.cells), plan.run_id).__enter__())

    def sink(e: Any) -> None:
        progress[0].advance(e.status, e.cost_usd)

    if dry_run:
        _dry_run(suite, selection, results_dir, sim_seed)
        return

    try:
        if resume:
            result = resume_run(suite, resume, results_dir=results_dir, options=options, sink=sink, on_plan=on_plan)
            display.note(f"resumed run {resume}: {result.resumed} cells were already done")
        else:
            result = start_run(
                suite,
                selection,
                results_dir=results_dir,
                options=options,
                sim_seed=sim_seed,
                sink=sink,
                on_plan=on_plan,
            )
    finally:
        if progress:
            progress[0].__exit__()
    routing = result.plan.project.routing
    roles = {(t, d): routing.role(t, d) for t in routing.tasks for d in routing.candidates(t)}
    display.show(display.summary_table(result.events, roles))
    if result.served:
        display.show(display.routed_table(result.served))
    _spend_notes(result.tally)
    if result.plan.simulated:
        display.banner(display.SIM_BANNER)
    display.note(f"run {result.run_id} {result.status}: journal {result.journal}; {result.load_note}")
    if result.loaded and report_dir is not None:
        written = write_reports(results_dir, result.run_id, None, "html", report_dir / f"{result.run_id}.html")
        display.note(f"report: {written[0]}")
    if result.status == "cancelled":
        display.note(f"resume with: harness run {suite} --resume {result.run_id}", style="bold")
        raise typer.Exit(130)


def _spend_notes(t: Any) -> None:
    from harness import display

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
    from harness import display
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


def write_reports(results_dir: Path, run: str | None, baseline: str | None, fmt: str, out: Path | None) -> list[Path]:
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


@app.command()
@cli_errors
def report(
    run: Annotated[str | None, typer.Option(help="Run id (default: the latest run).")] = None,
    baseline: Annotated[str | None, typer.Option(help="Baseline run id to compare against (drift).")] = None,
    format: Annotated[str, typer.Option("--format", help="html | md | json")] = "html",
    out: Annotated[Path | None, typer.Option(help="Output file (default: reports/<run-id>.<format>).")] = None,
    results_dir: ResultsOpt = Path("results"),
) -> None:
    """Write a drift and degradation report for a run: self-contained HTML, Markdown (PR comments) or JSON."""
    from harness import display

    if format == "md" and out is None:
        from harness.report.data import build
        from harness.report.render import render

        display.plain(render(build(results_dir, run, baseline), "md"))
        return
    for path in write_reports(results_dir, run, baseline, format, out):
        display.plain(str(path))


@app.command()
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
    results_dir: ResultsOpt = Path("results"),
) -> None:
    """One cell in full (input, reference, output, tool calls, grades, attempts), or the list of cells that match."""
    from harness import display
    from harness.report.show import Filter
    from harness.report.show import show as find

    shown = find(results_dir, run, Filter(task, deployment, case, variant, sample, status, limit), full)
    if shown.detail is not None:
        display.cell_detail(shown.detail)
    else:
        display.cell_list(shown.run["run_id"], shown.rows, shown.total)
    if shown.run["simulated"]:
        display.banner(display.SIM_BANNER)


@app.command()
@cli_errors
def schema(
    out: Annotated[Path, typer.Option(help="Directory for the JSON schema files.")] = Path("evals/schemas"),
) -> None:
    """Write JSON schemas of models.yaml, routing.yaml, suites and dataset.yaml for editors."""
    from pydantic import BaseModel

    from harness import display
    from harness.config.datasets import Manifest
    from harness.config.models import ModelTable
    from harness.config.routing import RoutingTable
    from harness.config.suite import Suite

    out.mkdir(parents=True, exist_ok=True)
    models: list[tuple[str, type[BaseModel]]] = [
        ("models", ModelTable),
        ("routing", RoutingTable),
        ("suite", Suite),
        ("dataset", Manifest),
    ]
    for name, model in models:
        path = out / f"{name}.schema.json"
        path.write_text(json.dumps(model.model_json_schema(), indent=2) + "\n", encoding="utf-8")
        display.plain(str(path))


@app.command()
@cli_errors
def graders() -> None:
    """List the registered graders."""
    from harness import display
    from harness.graders import REGISTRY

    display.print_table(
        None, ["grader", "version", "what it does"], [(r.name, r.version, r.doc) for r in REGISTRY.values()]
    )


@datasets_app.command("list")
@cli_errors
def datasets_list(root: DatasetsOpt = Path("datasets")) -> None:
    """Datasets with their versions and case counts."""
    from harness import display
    from harness.config.datasets import list_datasets, load_manifest

    rows = []
    for name in list_datasets(root):
        m = load_manifest(root, name)
        versions = ", ".join(f"{v} ({s.cases} cases)" for v, s in m.versions.items())
        rows.append((name, m.task_class or "", versions, m.licence))
    display.print_table(None, ["dataset", "class", "versions", "licence"], rows)


@datasets_app.command("show")
@cli_errors
def datasets_show(
    name: str,
    version: Annotated[str | None, typer.Option(help="Version (default: the latest).")] = None,
    root: DatasetsOpt = Path("datasets"),
    cases: Annotated[int, typer.Option(help="How many cases to print.")] = 3,
) -> None:
    """A dataset's manifest, split sizes and first cases."""
    from collections import Counter

    from harness import display
    from harness.config.datasets import load_dataset, load_manifest

    m = load_manifest(root, name)
    v = version or list(m.versions)[-1]
    ds = load_dataset(root, name, v)
    splits = Counter(c.split for c in ds.cases)
    display.plain(f"{m.name}@{v}: {m.description}\nsource: {m.source}\nlicence: {m.licence}")
    display.plain(f"sha256 {ds.sha256}; {len(ds.cases)} cases ({', '.join(f'{k} {n}' for k, n in splits.items())})")
    for c in ds.cases[:cases]:
        display.plain(json.dumps({"id": c.id, "input": c.input, "expected": c.expected}, ensure_ascii=False)[:400])


@datasets_app.command("verify")
@cli_errors
def datasets_verify(name: Annotated[str | None, typer.Argument()] = None, root: DatasetsOpt = Path("datasets")) -> None:
    """Check every recorded version's sha256, case count and case format."""
    from harness import display
    from harness.config.datasets import list_datasets, load_dataset, load_manifest

    names = [name] if name else list_datasets(root)
    for n in names:
        for v in load_manifest(root, n).versions:
            ds = load_dataset(root, n, v)
            display.plain(f"ok  {n}@{v}  {len(ds.cases)} cases  sha256 {ds.sha256[:16]}…")


@datasets_app.command("add-version")
@cli_errors
def datasets_add_version(
    name: str,
    file: Path,
    notes: Annotated[str, typer.Option(help="What changed.")] = "",
    root: DatasetsOpt = Path("datasets"),
) -> None:
    """Record FILE as the next version of dataset NAME (validated, copied, hashed, counted)."""
    from harness import display
    from harness.config.datasets import add_version

    version = add_version(root, name, file, notes)
    display.plain(f"recorded {name}@{version}")


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
    from harness import display
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


@app.command()
@cli_errors
def sql(
    query: str,
    results_dir: ResultsOpt = Path("results"),
    csv: Annotated[bool, typer.Option("--csv", help="CSV on stdout.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="JSON lines on stdout.")] = False,
) -> None:
    """Run read-only SQL over the results database (tables and views: results, case_results, eligibility, ...)."""
    import csv as csv_module
    import sys

    from harness import display
    from harness.store import db

    path = db.db_path(results_dir)
    if not path.exists():
        raise InputError(f"no database in {results_dir}", fix="run `harness run` or `harness db load` first")
    con = db.connect(path, read_only=True)
    try:
        cur = con.execute(query)
        columns = [d[0] for d in cur.description or []]
        rows = cur.fetchall()
    except Exception as e:  # duckdb's parser and binder errors are the user's to fix
        raise InputError(f"SQL error: {str(e).splitlines()[0]}") from None
    finally:
        con.close()
    if csv:
        writer = csv_module.writer(sys.stdout)
        writer.writerow(columns)
        writer.writerows(rows)
    elif as_json:
        for row in rows:
            display.plain(json.dumps(dict(zip(columns, row, strict=True)), default=str, ensure_ascii=False))
    else:
        display.print_table(None, columns, rows)


@routing_app.command("explain")
@cli_errors
def routing_explain(
    task: str,
    case: Annotated[str, typer.Option("--case", help="Case id.")],
    suite: Annotated[Path, typer.Option(help="Suite file.")] = DEFAULT_SUITE,
    variant: Annotated[str, typer.Option(help="Prompt variant.")] = "base",
) -> None:
    """Which chain CASE takes in TASK, and why each entry is eligible or dropped."""
    from harness import display
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


@db_app.command("load")
@cli_errors
def db_load(results_dir: ResultsOpt = Path("results")) -> None:
    """Load every journal's new records into harness.duckdb."""
    from harness import display
    from harness.store import db

    stats = db.load(results_dir)
    display.plain(f"loaded {stats.records} records ({stats.cells} cells) from {stats.journals} journal(s)")


@db_app.command("rebuild")
@cli_errors
def db_rebuild(results_dir: ResultsOpt = Path("results")) -> None:
    """Rebuild harness.duckdb from the journals (the old file is replaced only when the new one is complete)."""
    from harness import display
    from harness.store import db

    stats = db.rebuild(results_dir)
    display.plain(f"rebuilt {db.db_path(results_dir)}: {stats.cells} cells from {stats.journals} journal(s)")


@runs_app.command("list")
@cli_errors
def runs_list(results_dir: ResultsOpt = Path("results")) -> None:
    """Runs with their status (running, complete, cancelled, crashed), mode and cell counts."""
    from harness import display
    from harness.store.runs import list_runs

    rows = list_runs(results_dir)
    display.print_table(None, ["run", "suite", "status", "mode", "planned", "done", "errors", "started"], rows)


# --- CI gate and baselines (harness/gate/) -------------------------------------------------------------------------
baseline_app = typer.Typer(help="Committed baseline snapshots the CI gate compares with.", no_args_is_help=True)
app.add_typer(baseline_app, name="baseline")


def _gate_output(result: Any, json_out: Path | None, outputs: dict[str, Path | None], results_dir: Path) -> None:
    import os

    from harness import display
    from harness.gate import run as out

    for line in result.notes:
        display.note(line)
    display.print_table(f"Plan against {result.base} ({result.base_commit[:10]})", out.PLAN_COLS, out.plan_rows(result))
    if result.pairs:
        display.print_table("Verdicts against the baseline", out.VERDICT_COLS, out.verdict_rows(result))
    if result.chains:
        display.print_table("Fallbacks against their primary", out.CHAIN_COLS, out.chain_rows(result))
    for problem in result.problems:
        display.note(problem, style="bold")
    if result.simulated:
        display.banner(out.SIM_NOTE)
    display.plain(out.headline(result))
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary and result.verdict != "planned":
        with open(summary, "a", encoding="utf-8") as fh:
            fh.write(out.markdown(result))
    if json_out is not None:
        json_out.write_text(out.to_json(result), encoding="utf-8")
    if outputs.get("md") is not None:
        outputs["md"].write_text(out.markdown(result), encoding="utf-8")  # type: ignore[union-attr]
    if outputs.get("junit") is not None:
        outputs["junit"].write_text(out.junit(result), encoding="utf-8")  # type: ignore[union-attr]
    html = outputs.get("html")
    if html is not None and result.run_id:
        written = write_reports(results_dir, result.run_id, None, "html", html)
        display.note(f"report of the gate run: {written[0]}")
    elif html is not None:
        display.note("no gate run (nothing to re-evaluate): no HTML report written")


@app.command()
@cli_errors
def gate(
    suite: SuiteArg = DEFAULT_SUITE,
    base: Annotated[
        str | None, typer.Option(help="Git ref to compare with (default: the merge base with the default branch).")
    ] = None,
    mode: Annotated[str, typer.Option(help="As for `harness run`; without API keys `auto` simulates.")] = "auto",
    allow_inconclusive: Annotated[
        bool, typer.Option("--allow-inconclusive", help="Exit 0 when comparisons are only underpowered.")
    ] = False,
    plan_only: Annotated[bool, typer.Option("--plan-only", help="Print what would run and why; run nothing.")] = False,
    baseline: Annotated[str | None, typer.Option(help="Baseline path in the repository, read at the base ref.")] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Also write the result as JSON here.")] = None,
    md: Annotated[Path | None, typer.Option("--md", help="Also write the Markdown summary here (PR comment).")] = None,
    junit: Annotated[Path | None, typer.Option("--junit", help="Also write JUnit XML here (a case per pair).")] = None,
    html: Annotated[Path | None, typer.Option("--html", help="Also write the gate run's HTML report here.")] = None,
    results_dir: ResultsOpt = Path("results"),
) -> None:
    """Re-evaluate only what changed since a git ref and compare it with the committed baseline.

    Exit codes: 0 pass, 1 degraded, 2 invalid input, 3 inconclusive or incomplete. Writes $GITHUB_STEP_SUMMARY."""
    from typing import get_args

    from harness import display
    from harness.gate import verdict as gate_lib
    from harness.gate.run import GateOptions, run_gate
    from harness.run.modes import Mode

    if mode not in get_args(Mode):
        raise InputError(f"--mode must be one of {', '.join(get_args(Mode))}, not {mode!r}")
    try:
        result = run_gate(suite, GateOptions(base, mode, results_dir, baseline, plan_only))  # type: ignore[arg-type]
    except InputError:
        raise
    except HarnessError as e:  # the gate could not finish: never a pass, never "degraded"
        display.error(f"gate incomplete: {e}")
        raise typer.Exit(3) from None
    _gate_output(result, json_out, {"md": md, "junit": junit, "html": html}, results_dir)
    code = 0 if plan_only else gate_lib.exit_code(result.verdict, allow_inconclusive)
    if code:
        raise typer.Exit(code)


@baseline_app.command("update")
@cli_errors
def baseline_update(
    suite: SuiteArg = DEFAULT_SUITE,
    run: Annotated[str | None, typer.Option(help="Run id (default: the suite's latest run).")] = None,
    out: Annotated[
        Path | None, typer.Option(help="Baseline file (default: <suite dir>/baselines/<suite>.jsonl).")
    ] = None,
    results_dir: ResultsOpt = Path("results"),
) -> None:
    """Snapshot a complete run as the suite's baseline; a run of some pairs (a gate run) refreshes just those."""
    from harness import display
    from harness.gate.run import update_baseline

    _, notes = update_baseline(suite, run, results_dir, out)
    for line in notes:
        display.plain(line)


def main() -> None:
    app()


from harness.cli_cache import cache_app  # noqa: E402  (registers `harness cache`; imports cli_errors from here)

app.add_typer(cache_app, name="cache")
app.add_typer(__import__("harness.cli_judges", fromlist=["judges_app"]).judges_app, name="judges")  # issue 9
