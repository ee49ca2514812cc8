"""The pages' data as plain dicts (what `/api/...` returns, what the templates render).

Each call opens a locked-down read-only connection (`store.lake.open_read`: the local database or the lake), runs its
reads (each through `store.db.check_read`), and closes it, so a run in progress keeps loading between requests.
Statistics are the report's: `report.data.overview` for the matrix, `report.compare.drift` for a comparison,
`report.show.detail` for one cell.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from harness.errors import HarnessError, InputError
from harness.report import cases
from harness.store.db import check_read
from harness.store.lake import Lake, open_read
from harness.view.filters import PAGE_ROWS, CellFilter


class NotFound(InputError):
    """A run or a cell the database does not hold (HTTP 404)."""


RUNS_SQL = """
SELECT r.run_id, r.suite, r.status, r.mode, coalesce(r.simulated, false) AS simulated,
       strftime(r.started_at, '%Y-%m-%d %H:%M:%S') AS started, r.planned_cells, r.pid, r.host,
       count(c.cell_key) AS cells, count(c.cell_key) FILTER (WHERE c.status = 'error') AS errors,
       sum(c.cost_usd) AS cost_usd,
       avg(CASE WHEN c.passed THEN 1.0 WHEN c.passed = false THEN 0.0 END) AS pass_rate
FROM runs r LEFT JOIN results c USING (run_id)
GROUP BY ALL ORDER BY started DESC, r.run_id DESC
"""
#: What `report.data.overview` reads of a cell (no output: the matrix never shows one).
MATRIX_COLS = ("task", "deployment", "variant", "role", "chain_position", "provider", "family", "case_id", "cluster",
               "status", "error_class", "score", "passed", "cost_usd", "latency_ms", "simulated")  # fmt: skip
#: What `report.compare.drift` reads of a cell (outputs stay in the cell pages the flips link to).
DRIFT_COLS = ("task", "deployment", "variant", "case_id", "sample", "cluster", "score", "passed", "cell_key")
LIST_COLS = ("cell_key", "run_id", "task", "deployment", "variant", "case_id", "sample", "status", "error_class",
             "score", "passed", "latency_ms", "cost_usd", "simulated", "left(output, 300) AS output",
             "left(tool_calls, 300) AS tool_calls")  # fmt: skip
FLIPS_SHOWN = 500
"""Flipped cases listed on a comparison (pass → fail first); `n_flips` counts them all."""
RUN_COLS = ("run_id", "suite", "suite_path", "status", "mode", "simulated", "sim_seed", "started_at", "ended_at",
            "git_commit", "git_dirty", "harness_version", "planned_cells", "pid", "host")  # fmt: skip


def rows(con: Any, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    check_read(con, sql)
    return cases.fetch(con, sql, params or [])


class Reader:
    """Where the app reads (a results directory or the lake), with what it may keep between requests: each run's
    datasets directory and loaded dataset versions (versions are immutable, named by hash in the run)."""

    def __init__(self, source: Path | Lake) -> None:
        self.source = source
        self.results_dir = source if isinstance(source, Path) else None
        self._roots: dict[str, Path | None] = {}
        self._datasets: dict[tuple[str, str, str], list[Any]] = {}

    @contextmanager
    def connect(self) -> Iterator[Any]:
        con = open_read(self.source)
        try:
            yield con
        finally:
            con.close()

    def check(self) -> None:
        """Open and close once: a missing or unreadable database is the user's one-line error before serving."""
        with self.connect():
            pass

    def datasets_root(self, run: dict[str, Any]) -> Path | None:
        from harness.report.data import suite_context

        if run["run_id"] not in self._roots:
            self._roots[run["run_id"]] = cases.datasets_dir(run, suite_context(run, self.results_dir).datasets_dir)
        return self._roots[run["run_id"]]

    def dataset_cases(self, root: Path | None, name: str, version: str) -> list[Any]:
        key = (str(root), name, version)
        if key not in self._datasets:
            found, _ = cases.case_lookup(root, [(name, version)])
            self._datasets[key] = list(found.values())
        return self._datasets[key]


def _run(con: Any, run_id: str) -> dict[str, Any]:
    found = rows(con, "SELECT * FROM runs WHERE run_id = ?", [run_id])
    if not found:
        raise NotFound(f"no run {run_id!r} in the database", fix="the runs page lists every run")
    return found[0]


def _status(run: dict[str, Any], here: str) -> str:
    from harness.store.runs import process_alive

    if run["status"] == "running" and run["host"] == here and not process_alive(run["pid"]):
        return "crashed"
    return str(run["status"])


def runs(reader: Reader) -> list[dict[str, Any]]:
    """Every run, newest first: status (a dead local run's `running` shown as `crashed`), mode, simulated, cells,
    errors, cost, pass rate over graded cells."""
    with reader.connect() as con:
        found = rows(con, RUNS_SQL)
    here = socket.gethostname()
    return [{**{k: v for k, v in r.items() if k not in ("pid", "host")}, "status": _status(r, here)} for r in found]


def run(reader: Reader, run_id: str) -> dict[str, Any]:
    """A run and its task × deployment matrix (`report.data.overview`: mean and pass rate with 95% CIs, errors,
    cost per 1,000 cases, latency), deployments in chain order."""
    from harness.report.data import Cells, overview

    with reader.connect() as con:
        found = _run(con, run_id)
        cells = rows(con, f"SELECT {', '.join(MATRIX_COLS)} FROM results WHERE run_id = ?", [run_id])
    view = overview(Cells(cells))
    order = sorted({(r["position"], r["deployment"]) for r in view})
    deployments = list(dict.fromkeys(d for _, d in order))
    matrix: dict[tuple[str, str], dict[str, Any]] = {}
    for r in view:
        matrix.setdefault((r["task"], r["variant"]), {})[r["deployment"]] = r
    info = {k: found[k] for k in RUN_COLS if k in found}
    info["status"] = _status(found, socket.gethostname())
    return {
        "run": {k: str(v) if k.endswith("_at") and v is not None else v for k, v in info.items()},
        "deployments": deployments,
        "rows": [{"task": t, "variant": v, "cells": by_dep} for (t, v), by_dep in sorted(matrix.items())],
        "cells": len(cells),
        "cost_usd": sum(c["cost_usd"] or 0.0 for c in cells),
    }


def _input_matches(reader: Reader, con: Any, f: CellFilter, where: str, params: list[Any]) -> list[str]:
    """`dataset\\0version\\0case` of the cases in the filter's scope whose input holds `f.q` (case-insensitive)."""
    from dataclasses import replace

    if f.q is None:
        return []
    scope, scope_params = replace(f, q=None).where()
    needle = f.q.lower()
    out = []
    refs = rows(con, f"SELECT DISTINCT run_id, dataset, dataset_version FROM results WHERE {scope}", scope_params)
    run_rows = {r["run_id"]: r for r in rows(con, "SELECT * FROM runs")}
    for ref in refs:
        root = reader.datasets_root(run_rows[ref["run_id"]]) if ref["run_id"] in run_rows else None
        for case in reader.dataset_cases(root, ref["dataset"], ref["dataset_version"]):
            if needle in cases.text(case.input, None).lower():
                out.append(f"{ref['dataset']}\x00{ref['dataset_version']}\x00{case.id}")
    return sorted(set(out))


def cells(reader: Reader, f: CellFilter) -> dict[str, Any]:
    """One page (`PAGE_ROWS`) of the cells `f` matches, in a stable order, and how many match in all."""
    with reader.connect() as con:
        if f.run is not None:
            _run(con, f.run)
        where, params = f.where()
        if f.q is not None:
            where, params = f.where(_input_matches(reader, con, f, where, params))
        total = rows(con, f"SELECT count(*) AS n FROM results WHERE {where}", params)[0]["n"]
        page = rows(
            con,
            f"SELECT {', '.join(LIST_COLS)} FROM results WHERE {where} "
            "ORDER BY run_id DESC, task, deployment, variant, case_id, sample LIMIT ? OFFSET ?",
            [*params, PAGE_ROWS, (f.page - 1) * PAGE_ROWS],
        )
    pages = max(1, -(-total // PAGE_ROWS))
    return {"filter": f, "total": total, "page": f.page, "pages": pages, "rows": page}


def cell(reader: Reader, cell_key: str) -> dict[str, Any]:
    """One cell in full, as `harness show` prints it: input, reference, output, tool calls, grades with their
    reasons, attempts with errors and timings."""
    from harness.report.show import DETAIL_COLS, detail

    with reader.connect() as con:
        found = rows(con, f"SELECT {', '.join(DETAIL_COLS)} FROM results WHERE cell_key = ?", [cell_key])
        if not found:
            raise NotFound(f"no cell {cell_key!r} in the database", fix="the cell browser lists every cell")
        the_run = _run(con, found[0]["run_id"])
        out = detail(con, the_run, found[0], True, reader.results_dir)
    attempt_cols = list(out["attempt_rows"][0]) if out["attempt_rows"] else []
    return {**out, "run_simulated": bool(the_run["simulated"]), "attempt_cols": attempt_cols, "rendered_prompt": None}


def compare(reader: Reader, a: str, b: str) -> dict[str, Any]:
    """Run `b` against run `a` (the baseline): per (task, deployment, variant) the paired difference, McNemar and
    the drift verdict (`report.compare.drift`, the gate's own), and every flipped case."""
    from harness.report.compare import drift
    from harness.report.data import suite_context

    with reader.connect() as con:
        base, cur = _run(con, a), _run(con, b)
        sql = f"SELECT {', '.join(DRIFT_COLS)} FROM results WHERE run_id = ?"
        before, after = rows(con, sql, [a]), rows(con, sql, [b])
    bars = suite_context(cur, reader.results_dir).bars
    change = drift(before, after, bars, FLIPS_SHOWN)
    return {
        "a": {"run_id": a, "simulated": bool(base["simulated"]), "status": base["status"]},
        "b": {"run_id": b, "simulated": bool(cur["simulated"]), "status": cur["status"]},
        "pairs": change["pairs"],
        "flips": change["flips"],
        "n_flips": change["n_flips"],
    }


def error_message(e: HarnessError) -> str:
    return e.one_line() if isinstance(e, InputError) else str(e)
