"""The lake's tables and views, kept in step with the local database's (attached as `local`).

Each pushed table is the local one plus `shard` (k of a `--shard k/n` run, 0 for a whole run), so the machines that
ran the shards of one run each push theirs and replace only theirs. Runs are kept per shard in `run_shards` (plus
`shards`, n); the `runs` view gives one row per run as the local table does: planned cells summed, the earliest
start, status `partial` until every shard is in, then the worst shard's status. Every other view is the local
definition, so it reads the lake's tables exactly as it reads the local ones. DuckLake has no keys: the
replace-per-run-and-shard push is what keeps rows unique.
"""

from __future__ import annotations

from typing import Any

from harness.errors import StoreError

#: Tables a push carries, with the column that names the run (calibrations are their own runs).
PUSHED = {
    "runs": "run_id", "cells": "run_id", "attempts": "run_id", "grades": "run_id", "routes": "run_id",
    "served": "run_id", "pairwise": "run_id", "judge_calibrations": "calibration_id", "lanes": "run_id",
}  # fmt: skip
#: The lake table that holds `runs` rows, one per run and shard.
LAKE_TABLE = {"runs": "run_shards"}
#: How the `runs` view folds a run's shards into one row, per column; any other column: the first shard's.
FOLD = {
    "planned_cells": "sum(planned_cells)",
    "started_at": "min(started_at)",
    "ended_at": "CASE WHEN count(*) = max(shards) THEN max(ended_at) END",
    "simulated": "bool_or(simulated)",
    "status": "CASE WHEN count(*) < max(shards) THEN 'partial' WHEN bool_or(status = 'failed') THEN 'failed' "
              "WHEN bool_or(status = 'running') THEN 'running' WHEN bool_or(status = 'cancelled') THEN 'cancelled' "
              "ELSE any_value(status) END",
}  # fmt: skip


def _columns(con: Any, database: str, table: str) -> list[tuple[str, str]]:
    return [(str(n), str(t)) for n, t in con.execute(
        "SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = ? AND table_name = ? "
        "ORDER BY column_index", [database, table],
    ).fetchall()]  # fmt: skip


def _views(con: Any, database: str) -> dict[str, str]:
    return dict(con.execute("SELECT view_name, sql FROM duckdb_views() WHERE database_name = ? AND NOT internal",
                            [database]).fetchall())  # fmt: skip


def sync(con: Any) -> None:
    """Create what the lake lacks: tables (local columns + shard), columns added locally since, the views."""
    for table in PUSHED:
        target = LAKE_TABLE.get(table, table)
        extra = "0 AS shard, 1 AS shards" if table == "runs" else "0 AS shard"
        have = {name for name, _ in _columns(con, "lake", target)}
        if not have:
            con.execute(f"CREATE TABLE IF NOT EXISTS lake.main.{target} AS SELECT *, {extra} FROM local.main.{table} "
                        "LIMIT 0")  # fmt: skip
            continue
        for name, dtype in _columns(con, "local", table):
            if name not in have:
                con.execute(f'ALTER TABLE lake.main.{target} ADD COLUMN "{name}" {dtype}')
    _runs_view(con)
    _other_views(con)


def _runs_view(con: Any) -> None:
    cols = [name for name, _ in _columns(con, "local", "runs")]
    if [name for name, _ in _columns(con, "lake", "runs")] == cols:
        return
    folded = ", ".join(
        "run_id" if c == "run_id" else f"{FOLD.get(c, f'arg_min({c}, shard)')} AS {c}" for c in cols
    )  # fmt: skip
    con.execute(f"CREATE OR REPLACE VIEW lake.main.runs AS SELECT {folded} FROM lake.main.run_shards GROUP BY run_id")


def _other_views(con: Any) -> None:
    """Views the lake lacks are created; a view a local migration redefined (e.g. `results` gaining columns) is
    replaced by the local definition."""
    lake = _views(con, "lake")
    todo = {name: sql for name, sql in _views(con, "local").items() if name not in lake}
    for name, sql in _views(con, "local").items():
        if name in lake and lake[name] != sql:
            con.execute(sql.replace("CREATE VIEW", "CREATE OR REPLACE VIEW", 1))
    while todo:  # a view may read another: create what can be created until nothing is left
        done = []
        for name, sql in todo.items():
            try:
                con.execute(sql)
                done.append(name)
            except Exception:  # noqa: BLE001,S112 (a view it reads comes later, or another machine made it first)
                continue
        done += [name for name in _views(con, "lake") if name in todo and name not in done]
        if not done:
            raise StoreError(f"cannot create the lake's views: {', '.join(todo)}")
        for name in done:
            del todo[name]


def replace_run(con: Any, run_id: str, shard: tuple[int, int] | None) -> int:
    """Inside the caller's transaction: the run's (or the run shard's) rows in the lake replaced by the local ones;
    the rows inserted. A whole run replaces every shard of it; a shard may not join a run pushed whole."""
    k, n = shard or (0, 1)
    if k:
        (whole,) = con.execute("SELECT count(*) FROM lake.main.run_shards WHERE run_id = ? AND shard = 0",
                               [run_id]).fetchone()  # fmt: skip
        if whole:
            raise StoreError(f"run {run_id} is in the lake whole (merged): push the merged run, not shard {k}/{n}")
    rows = 0
    for table, key in PUSHED.items():
        target = LAKE_TABLE.get(table, table)
        scope, params = (f"{key} = ? AND shard = ?", [run_id, k]) if k else (f"{key} = ?", [run_id])
        con.execute(f"DELETE FROM lake.main.{target} WHERE {scope}", params)
        extra = f"{k} AS shard, {n} AS shards" if table == "runs" else f"{k} AS shard"
        (inserted,) = con.execute(
            f"INSERT INTO lake.main.{target} BY NAME SELECT *, {extra} FROM local.main.{table} WHERE {key} = ?",
            [run_id],
        ).fetchone()
        rows += int(inserted)
    return rows
