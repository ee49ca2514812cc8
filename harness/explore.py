"""The notebook API: pandas DataFrames over the results database, one short connection per call.

```python
import harness
db = harness.open("results")
db.runs()
db.cells(run=db.latest(), task="ticket-routing")
db.sql("SELECT deployment, avg(score) FROM results GROUP BY 1")
```
No connection is kept between calls (open, query, close), so a notebook never blocks a run's loader; a call that
meets the loader's lock retries briefly. New journal records are loaded first unless `load=False`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.errors import DatabaseLockedError, InputError
from harness.store import db as store

if TYPE_CHECKING:
    import pandas as pd

CATEGORICAL = (
    "suite", "task", "task_class", "dataset", "dataset_version", "deployment", "provider", "model", "family", "role",
    "variant", "status", "error_class", "mode", "grader_id", "grader_version", "route",
)  # fmt: skip


def _frame(rel: Any) -> pd.DataFrame:
    df = rel.df()
    for col in CATEGORICAL:
        if col in df.columns:
            df[col] = df[col].astype("category")
    return df


@dataclass(frozen=True)
class Results:
    """A results directory (journals + harness.duckdb)."""

    path: Path
    wait: float = 10.0

    def load(self) -> None:
        """Bring the database up to date with the journals (skipped quietly while another loader works)."""
        try:
            store.load(self.path, wait=1.0)
        except DatabaseLockedError:
            pass

    def sql(self, query: str, params: list[Any] | None = None) -> pd.DataFrame:
        """Any read-only SQL over the tables and views (`results`, `case_results`, `eligibility`, ...)."""
        path = store.db_path(self.path)
        if not path.exists():
            raise InputError(f"no database in {self.path}", fix="run `harness run` (or `harness db load`) first")
        con = store.connect(path, read_only=True, wait=self.wait)
        try:
            return _frame(con.execute(query, params or []))
        finally:
            con.close()

    def runs(self) -> pd.DataFrame:
        """One row per run: id, suite, status, mode, simulated, started/ended, git commit, planned cells."""
        self.load()
        return self.sql(
            "SELECT run_id, suite, status, mode, simulated, started_at, ended_at, git_commit, git_dirty, "
            "sim_seed, planned_cells, routing_table_version FROM runs ORDER BY started_at"
        )

    def latest(self) -> str:
        """The id of the most recent run."""
        df = self.runs()
        if df.empty:
            raise InputError(f"no runs in {self.path}")
        return str(df["run_id"].iloc[-1])

    def cells(self, run: str | None = None, task: str | None = None, deployment: str | None = None,
              variant: str | None = None) -> pd.DataFrame:  # fmt: skip
        """Rows of the `results` view (one per cell: output, score, passed, tokens, cost, latency, ...)."""
        where, params = _filters(run=run, task=task, deployment=deployment, variant=variant)
        return self.sql(f"SELECT * FROM results {where} ORDER BY task, deployment, variant, case_id, sample", params)

    def grades(self, run: str | None = None, task: str | None = None, deployment: str | None = None) -> pd.DataFrame:
        """One row per grade, with the cell's task, deployment, variant and case."""
        where, params = _filters(prefix="c.", run=run, task=task, deployment=deployment)
        return self.sql(
            "SELECT c.run_id, c.task, c.deployment, c.variant, c.case_id, c.sample, g.grader_id, g.grader_version, "
            f"g.value, g.passed, g.reason, g.error, g.weight FROM grades g JOIN cells c USING (cell_key) {where} "
            "ORDER BY c.task, c.deployment, c.case_id, g.grader_id",
            params,
        )


def _filters(prefix: str = "", **values: str | None) -> tuple[str, list[Any]]:
    clauses, params = [], []
    for col, value in values.items():
        if value is not None:
            clauses.append(f"{prefix}{col if col != 'run' else 'run_id'} = ?")
            params.append(value)
    return ("WHERE " + " AND ".join(clauses)) if clauses else "", params


def open(path: str | Path = "results", *, load: bool = True) -> Results:  # noqa: A001 (the public name)
    """Open a results directory for exploration."""
    results = Results(Path(path))
    if not results.path.is_dir():
        raise InputError(f"no results directory {results.path}", fix="pass the --results-dir your runs used")
    if load:
        results.load()
    return results
