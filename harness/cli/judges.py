"""`harness judges`: calibrate a task's judges on labelled outputs; list calibrations; pairwise swap consistency."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from harness.cli.common import DEFAULT_SUITE, ResultsOpt, cli_errors
from harness.errors import InputError

judges_app = typer.Typer(help="LLM judges: calibration against labelled outputs, pairwise consistency.",
                         no_args_is_help=True)  # fmt: skip

CAL_COLS = ["grader", "judge", "prompt", "n", "errors", "flagged", "accuracy", "kappa", "weighted κ", "length~score",
            "mode"]  # fmt: skip
SIM_NOTE = "SIMULATED judge: these numbers exercise the pipeline; they say nothing about a real judge."


def _num(x: float | None) -> str:
    return "–" if x is None else f"{x:.3f}"


@judges_app.command("calibrate")
@cli_errors
def calibrate_cmd(
    task: Annotated[str, typer.Argument(help="Task id whose dataset carries labelled outputs.")],
    suite: Annotated[Path, typer.Option(help="Suite file.")] = DEFAULT_SUITE,
    judge: Annotated[str | None, typer.Option(help="Judge deployment instead of the suite's.")] = None,
    grader: Annotated[str | None, typer.Option(help="Only the judge grader with this id.")] = None,
    mode: Annotated[str, typer.Option(help="auto | live | sim, as for `harness run`.")] = "auto",
    sim_seed: Annotated[int, typer.Option(help="Seed of simulated judges.")] = 0,
    results_dir: ResultsOpt = Path("results"),
) -> None:
    """Grade TASK's labelled outputs with its judge graders; print and store agreement with the labels."""
    from harness.cli import display
    from harness.run.calibration import calibrate
    from harness.run.loop import try_load

    if mode not in ("auto", "live", "sim"):
        raise InputError(f"--mode must be auto, live or sim, not {mode!r}")
    notes: list[str] = []
    results = calibrate(suite, task, judge=judge, grader_id=grader, results_dir=results_dir, mode=mode,
                        sim_seed=sim_seed, notes=notes)  # fmt: skip
    for line in notes:
        display.note(line)
    rows = [(c.grader_id, c.judge_deployment, (c.judge_prompt_hash or "")[:12], c.n, c.errors, c.flagged,
             _num(c.accuracy), _num(c.kappa), _num(c.weighted_kappa), _num(c.length_score_corr),
             "SIM" if c.simulated else "live") for c in results]  # fmt: skip
    display.print_table(f"Judge calibration: {task} on {results[0].dataset}", CAL_COLS, rows)
    for c in results:
        conf = c.confusion
        display.plain(f"{c.grader_id} / {c.judge_deployment}: labels (rows) x judge (columns) on score levels "
                      f"{conf.get('levels')}: {conf.get('matrix')}; pass/fail [[tn, fp], [fn, tp]]: "
                      f"{conf.get('passed')}")  # fmt: skip
    if any(c.simulated for c in results):
        display.banner(SIM_NOTE)
    loaded, note = try_load(results_dir, 30.0)
    display.note(f"calibration {results[0].calibration_id}: {note}")


@judges_app.command("list")
@cli_errors
def list_cmd(
    task: Annotated[str | None, typer.Option(help="Only this task.")] = None,
    results_dir: ResultsOpt = Path("results"),
) -> None:
    """Stored calibrations, newest first."""
    from harness.cli import display

    sql = ("SELECT strftime(calibrated_at, '%Y-%m-%d %H:%M:%S'), task, grader_id, judge_deployment, "
           "left(judge_prompt_hash, 12), n, accuracy, kappa, weighted_kappa, simulated FROM judge_calibrations "
           "WHERE ? IS NULL OR task = ? ORDER BY calibrated_at DESC")  # fmt: skip
    rows = _query(results_dir, sql, [task, task])
    cols = ["calibrated", "task", "grader", "judge", "prompt", "n", "accuracy", "kappa", "weighted κ", "mode"]
    display.print_table(None, cols, [(*r[:6], _num(r[6]), _num(r[7]), _num(r[8]), "SIM" if r[9] else "live")
                                     for r in rows])  # fmt: skip


@judges_app.command("pairwise")
@cli_errors
def pairwise_cmd(
    run: Annotated[str | None, typer.Option(help="Run id (default: the latest run with pairwise verdicts).")] = None,
    results_dir: ResultsOpt = Path("results"),
) -> None:
    """Pairwise verdicts of a run: wins, ties, and how often both orders agreed (swap consistency)."""
    from harness.cli import display

    if run is None:
        latest = _query(results_dir, "SELECT run_id FROM pairwise ORDER BY judged_at DESC LIMIT 1")
        if not latest:
            raise InputError(f"no pairwise verdicts in {results_dir}", fix="add `pairwise:` to a task and run it")
        run = str(latest[0][0])
    rows = _query(results_dir, "SELECT task, a_deployment, b_deployment, judge_deployment, count(*), "
                  "count(*) FILTER (WHERE winner = 'a'), count(*) FILTER (WHERE winner = 'b'), "
                  "count(*) FILTER (WHERE winner = 'tie'), count(*) FILTER (WHERE winner IS NULL), "
                  "avg(CASE WHEN consistent THEN 1.0 WHEN NOT consistent THEN 0.0 END), bool_or(simulated) "
                  "FROM pairwise WHERE run_id = ? GROUP BY ALL ORDER BY ALL", [run])  # fmt: skip
    display.print_table(f"Pairwise verdicts of run {run} (a against b)",
                        ["task", "a", "b", "judge", "pairs", "a wins", "b wins", "ties", "errors",
                         "swap consistency", "mode"],
                        [(*r[:9], _num(r[9]), "SIM" if r[10] else "live") for r in rows])  # fmt: skip
    if any(r[10] for r in rows):
        display.banner(SIM_NOTE)


def _query(results_dir: Path, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    from harness.errors import DatabaseLockedError
    from harness.store import db

    if not db.db_path(results_dir).exists():
        raise InputError(f"no database in {results_dir}", fix="run `harness run` or `harness judges calibrate` first")
    try:
        db.load(results_dir, wait=2.0)
    except DatabaseLockedError:
        pass
    return db.query(results_dir, sql, params)
