"""`harness gate` and `harness baseline`: the CI gate on prompt changes and the baselines it compares with."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from harness.cli.common import DEFAULT_SUITE, ResultsOpt, StoreDataOpt, StoreOpt, SuiteArg, cli_errors
from harness.cli.report import write_reports
from harness.errors import HarnessError, InputError

baseline_app = typer.Typer(help="Committed baseline snapshots the CI gate compares with.", no_args_is_help=True)


def _gate_output(result: Any, json_out: Path | None, outputs: dict[str, Path | None], results_dir: Path) -> None:
    import os

    from harness.cli import display
    from harness.gate import output as out

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
    sequential: Annotated[
        bool,
        typer.Option(
            "--sequential",
            help="Run the changed pairs in stages (20, 40, ... 100% of the cases) and stop each one as soon as it "
            "is clearly degraded or clearly unchanged; a pair still close to a drop at the end gets one more "
            "sample of some of its cases (the top-up look).",
        ),
    ] = False,
    max_extra_cost: Annotated[
        float | None,
        typer.Option(
            "--max-extra-cost",
            help="With --sequential: dollars the gate may spend on more samples per case for pairs the full "
            "dataset leaves inconclusive (0 allows only free deployments: local and canned).",
            min=0.0,
        ),
    ] = None,
    baseline: Annotated[str | None, typer.Option(help="Baseline path in the repository, read at the base ref.")] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Also write the result as JSON here.")] = None,
    md: Annotated[Path | None, typer.Option("--md", help="Also write the Markdown summary here (PR comment).")] = None,
    junit: Annotated[Path | None, typer.Option("--junit", help="Also write JUnit XML here (a case per pair).")] = None,
    html: Annotated[Path | None, typer.Option("--html", help="Also write the gate run's HTML report here.")] = None,
    results_dir: ResultsOpt = Path("results"),
    store: StoreOpt = None,
    store_data: StoreDataOpt = None,
) -> None:
    """Re-evaluate only what changed since a git ref and compare it with the committed baseline (with --store: the
    latest complete run in the lake made from the base ref's configuration).

    Exit codes: 0 pass, 1 degraded, 2 invalid input, 3 inconclusive or incomplete. Writes $GITHUB_STEP_SUMMARY."""
    # Longer than 60 lines because Typer reads the command's options from this signature.
    from typing import get_args

    from harness.cli import display
    from harness.gate import verdict as gate_lib
    from harness.gate.run import GateOptions, run_gate
    from harness.run.modes import Mode
    from harness.store import lake

    if mode not in get_args(Mode):
        raise InputError(f"--mode must be one of {', '.join(get_args(Mode))}, not {mode!r}")
    if max_extra_cost is not None and not sequential:
        raise InputError("--max-extra-cost extends the sequential gate's inconclusive pairs",
                         fix="add --sequential, or drop --max-extra-cost")  # fmt: skip
    options = GateOptions(base, mode, results_dir, baseline, plan_only, store=lake.parse(store, store_data),  # type: ignore[arg-type]
                          sequential=sequential, max_extra_cost=max_extra_cost)  # fmt: skip
    try:
        result = run_gate(suite, options)
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
    from harness.cli import display
    from harness.gate.run import update_baseline

    _, notes = update_baseline(suite, run, results_dir, out)
    for line in notes:
        display.plain(line)
