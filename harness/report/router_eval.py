"""The semantic router's evaluation on a stored run (`report.router.semantic`), for `harness routing router` and
`harness.open(...).router()`: read the run and today's suite, close the connection, then fit and score."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from harness.errors import InputError
from harness.report import router
from harness.report.data import load_cells, resolve_run, suite_context
from harness.store.lake import open_read

Row = dict[str, Any]


def semantic_router_of(source: Any, run_id: str | None = None, suite: Path | None = None,
                       holdout: float | None = None, seed: int | None = None) -> Row:  # fmt: skip
    """The semantic router's evaluation on a run (default: the latest) against today's suite (default: the run's):
    `harness routing router` and `harness.open(...).router()`; holdout and seed default to the table's."""
    con = open_read(source)
    try:
        found = semantic_router_inputs(con, run_id, source if isinstance(source, Path) else None, suite)
    finally:
        con.close()
    return semantic_router_eval(*found, holdout, seed)


def semantic_router_inputs(con: Any, run_id: str | None, results_dir: Path | None, suite: Path | None = None
                           ) -> tuple[Row, Any, Any]:  # fmt: skip
    """What the semantic router's evaluation reads from the database (it fits after the connection is closed)."""
    run = resolve_run(con, run_id)
    ctx = suite_context({**run, "suite_path": str(suite)} if suite else run, results_dir)
    if ctx.project is None:
        raise InputError(f"no semantic router: {ctx.note}", fix="pass --suite FILE, or run it where the suite is")
    return run, load_cells(con, run["run_id"]), ctx


def semantic_router_eval(run: Row, cells: Any, ctx: Any, holdout: float | None = None,
                         seed: int | None = None) -> Row:  # fmt: skip
    settings = ctx.project.routing.router
    default = settings.semantic.holdout if settings.semantic else 0.5
    out = router.semantic(
        cells.rows, ctx, default if holdout is None else holdout, settings.seed if seed is None else seed
    )
    return {"run_id": run["run_id"], "suite": run["suite"], **out}
