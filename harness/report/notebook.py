"""The notebook API: pandas DataFrames over the results database, one short connection per call.

```python
import harness
db = harness.open("results")
db.runs()
db.cells(run=db.latest(), task="ticket-routing")
db.compare(run_a, run_b)                # per case: scores, passes, delta, flipped
db.compare(run_a, run_b, summary=True)  # per (task, deployment, variant): the report's drift pairs
db.degradation(run)                     # per chain position: the report's degradation ladder
db.served(run)                          # routed play: per request, who served, path, latency, TTFT, hedging
db.portability(run)                     # deployment x template pass rates; gains=True: own template - default
db.advise(run)                          # per task: today's chain and the cheapest that meets the bars
db.router(run)                          # a semantic router: per held-out case, the task it picked, served scores
db.sql("SELECT deployment, avg(score) FROM results GROUP BY 1")
```
No connection is kept between calls (open, query, close), so a notebook never blocks a run's loader; a call that
meets the loader's lock retries briefly. New journal records are loaded first unless `load=False`. `compare` and
`degradation` run the report's own functions (`harness.report.compare`, on `harness.stats`), so their numbers are
the HTML report's, to the last digit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from harness.errors import DatabaseLockedError, InputError
from harness.report.notebook_schema import (
    ADVICE,
    CATEGORICAL,
    COMPARE_CASES,
    COMPARE_SUMMARY,
    DEGRADATION,
    FLIPS,
    LATENCY,
    PORTABILITY,
    PORTABILITY_GAINS,
    ROUTER,
    ROUTER_TASKS,
    SERVED,
    Dtype,
)
from harness.store import db as store
from harness.store.lake import Lake, open_read, parse

if TYPE_CHECKING:
    import pandas as pd

T = TypeVar("T")
Row = dict[str, Any]


def _frame(rel: Any) -> pd.DataFrame:
    import warnings

    with warnings.catch_warnings():  # DuckDB 1.5's conversion drops columns in place, which pandas 3.1 deprecates
        warnings.filterwarnings("ignore", message="The inplace keyword in DataFrame.drop is deprecated")
        df = rel.df()
    for col in CATEGORICAL:
        if col in df.columns:
            df[col] = df[col].astype("category")
    return df


def _typed(records: list[Row], schema: Mapping[str, Dtype]) -> pd.DataFrame:
    """A frame with exactly the schema's columns, in order, with its dtypes (None becomes NaN / <NA>)."""
    import pandas as pd

    df = pd.DataFrame.from_records(records, columns=list(schema))
    dtypes = {c: pd.CategoricalDtype(list(d)) if isinstance(d, tuple) else d for c, d in schema.items()}
    return df.astype(dtypes)


@dataclass(frozen=True)
class Results:
    """A results directory (journals + harness.duckdb), or the shared lake (`lake`: then `path` is not read)."""

    path: Path
    lake: Lake | None = None
    wait: float = 10.0
    """Seconds a call retries while another process holds the database."""
    autoload: bool = True
    """Load new journal records before each call."""

    def load(self) -> None:
        """Bring the database up to date with the journals (skipped quietly while another loader works)."""
        try:
            store.load(self.path, wait=1.0)
        except DatabaseLockedError:
            pass

    def _read(self, query: Callable[[Any], T]) -> T:
        """Open read-only, run `query` on the connection, close: nothing stays open between calls."""
        if self.lake is None and self.autoload:
            self.load()
        con = open_read(self.lake or self.path, wait=self.wait)
        try:
            return query(con)
        finally:
            con.close()

    def sql(self, query: str, params: list[Any] | None = None) -> pd.DataFrame:
        """One read (SELECT, WITH, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN) over the tables and views (`results`,
        `case_results`, `eligibility`, ...); anything else raises InputError and nothing can be written or loaded."""

        def run(con: Any) -> pd.DataFrame:
            store.check_read(con, query)
            return _frame(con.execute(query, params or []))

        return self._read(run)

    def runs(self) -> pd.DataFrame:
        """One row per run: id, suite, status, mode, simulated, started/ended, git commit, planned cells."""
        return self.sql(
            "SELECT run_id, suite, status, mode, simulated, started_at, ended_at, git_commit, git_dirty, "
            "sim_seed, planned_cells, routing_table_version FROM runs ORDER BY started_at"
        )

    def latest(self, suite: str | None = None, kind: Literal["run", "gate"] = "run") -> str:
        """The id of the most recent run: of `suite` when given, and of `kind`: ordinary runs (`run`, default) or
        the pairs `harness gate` re-ran (`gate`). Runs recorded before kinds were are ordinary runs."""
        if kind not in ("run", "gate"):
            raise InputError(f"kind must be 'run' or 'gate', got {kind!r}")
        where, params = "WHERE coalesce(json_extract_string(selection, '$.kind'), 'run') = ?", [str(kind)]
        if suite is not None:
            where, params = where + " AND suite = ?", [*params, suite]
        df = self.sql(f"SELECT run_id FROM runs {where} ORDER BY started_at", params)
        if df.empty:
            of = f" of suite {suite!r}" if suite else ""
            raise InputError(
                f"no {'gate ' if kind == 'gate' else ''}runs{of} in {self.lake.label if self.lake else self.path}"
            )
        return str(df["run_id"].iloc[-1])

    def cells(self, run: str | None = None, task: str | None = None, deployment: str | None = None,
              variant: str | None = None) -> pd.DataFrame:  # fmt: skip
        """Rows of the `results` view (one per cell: output, score, passed, tokens, cost, latency, ...)."""
        where, params = _filters(run=run, task=task, deployment=deployment, variant=variant)
        return self.sql(f"SELECT * FROM results {where} ORDER BY task, deployment, variant, case_id, sample", params)

    def served(self, run: str | None = None, task: str | None = None) -> pd.DataFrame:
        """Routed play (`harness run --routed`), one row per request: requested and served deployment, the path
        walked (JSON, in the order tried), end-to-end latency and TTFT, cost, hedging and the served cell's score;
        `simulated` when a simulated answer was on the path. All runs unless `run` is given."""
        where, params = _filters(run=run, task=task)
        return self.sql(f"SELECT {', '.join(SERVED)} FROM served {where} "
                        "ORDER BY run_id, task, case_id, variant, sample", params)  # fmt: skip

    def grades(self, run: str | None = None, task: str | None = None, deployment: str | None = None) -> pd.DataFrame:
        """One row per grade, with the cell's task, deployment, variant and case."""
        where, params = _filters(prefix="c.", run=run, task=task, deployment=deployment)
        return self.sql(
            "SELECT c.run_id, c.task, c.deployment, c.variant, c.case_id, c.sample, g.grader_id, g.grader_version, "
            f"g.value, g.passed, g.reason, g.error, g.weight FROM grades g JOIN cells c USING (cell_key) {where} "
            "ORDER BY c.task, c.deployment, c.case_id, g.grader_id",
            params,
        )

    def compare(self, run_a: str, run_b: str, *, summary: bool = False) -> pd.DataFrame:
        """Run `run_b` against `run_a` (the baseline), paired on the cases both have.

        Per case (default): one row per (task, deployment, variant, case) present in both runs. With `summary=True`:
        one row per (task, deployment, variant) with at least two scored cases in common, exactly the report's drift
        pairs (difference b − a, CI, McNemar, Holm-adjusted one-sided p, MDE, verdict)."""
        from harness.report.compare import drift

        base, cur, margins = self._read(lambda con: _two_runs(con, run_a, run_b, self.path))
        if summary:
            return _typed([_flat(p) for p in drift(base, cur, margins, 0)["pairs"]], COMPARE_SUMMARY)
        return _typed(_case_pairs(base, cur), COMPARE_CASES)

    def degradation(self, run: str | None = None, *, same_model: Mapping[str, str] | None = None) -> pd.DataFrame:
        """Each chain position of a run (default: the latest) against its task's primary: the report's ladder.

        Positions serving the same underlying model as an earlier one (the model table's `base_model`) get a TOST
        equivalence verdict against it, as in the report; `same_model` (deployment id -> model name) replaces the
        model table's `base_model`s. `win_rate` is the pairwise judge's against the primary, where judged."""
        from harness.report.compare import ladders, pairwise_wins

        rows, ctx, pairwise = self._read(lambda con: _one_run(con, run, self.path))
        base_models = dict(same_model) if same_model is not None else ctx.base_models
        steps = ladders(rows, ctx.bars, base_models, pairwise_wins(pairwise))
        return _typed(_ladder_rows(rows, steps), DEGRADATION)

    def portability(self, run: str | None = None, *, gains: bool = False) -> pd.DataFrame:
        """The report's portability matrix of a run (default: the latest): one row per (task, deployment, template)
        with pass rate and 95% CI, `own` marking the deployment's own template; with `gains=True`, one row per
        deployment with a template of its own: own − default, paired per case (`diff` a fraction; x100 for pts).
        Empty for a run without `--portability`."""
        from harness.report.portability import flat, matrix

        rows, _, _ = self._read(lambda con: _one_run(con, run, self.path))
        cells, paid = flat(matrix(rows))
        return _typed(paid, PORTABILITY_GAINS) if gains else _typed(cells, PORTABILITY)

    def latency(self, run: str | None = None) -> pd.DataFrame:
        """Per (task, deployment, variant) of a run (default: the latest): quality and cost beside total latency and
        time to first token p50/p95 (ms) and median output tokens per second, the report's overview. `streamed`:
        cells with a TTFT (a deployment with `stream: false`, or a cached non-streamed answer, has none)."""
        from harness.report.data import Cells, overview

        rows, _, _ = self._read(lambda con: _one_run(con, run, self.path))
        return _typed([{k: r.get(k) for k in LATENCY} for r in overview(Cells(rows))], LATENCY)

    def advise(self, run: str | None = None, *, suite: str | Path | None = None) -> pd.DataFrame:
        """Routing advice for a run (default: the latest) against today's suite (default: the run's): one row per
        task, today's chain and the proposed one side by side, `harness routing advise`'s numbers."""
        from harness.report.advice import flat_row
        from harness.report.data import advice_on

        where = None if self.lake else self.path
        advice, _ = self._read(lambda con: advice_on(con, run, where, Path(suite) if suite else None))
        return _typed([flat_row(t) for t in advice["tasks"]], ADVICE)

    def router(self, run: str | None = None, *, suite: str | Path | None = None, holdout: float | None = None,
               seed: int | None = None, summary: bool = False) -> pd.DataFrame:  # fmt: skip
        """A semantic router (TF-IDF + logistic regression on the request text) evaluated on a run: one row per
        held-out case (the task it picked, its confidence, the case's served score on the oracle route and with
        the router in the loop); `summary=True`: one row per task, `harness routing router`'s table."""
        from harness.report.router_eval import semantic_router_eval, semantic_router_inputs

        where = None if self.lake else self.path
        found = self._read(lambda con: semantic_router_inputs(con, run, where, Path(suite) if suite else None))
        result = semantic_router_eval(*found, holdout, seed)
        sim = bool(result.get("simulated"))
        if summary:
            rows = [{**{k: v for k, v in t.items() if k != "recall_ci"}, "recall_ci_low": t["recall_ci"][0],
                     "recall_ci_high": t["recall_ci"][1], "simulated": sim} for t in result["tasks"]]  # fmt: skip
            return _typed(rows, ROUTER_TASKS)
        return _typed([{**r, "simulated": sim} for r in result["cases"]], ROUTER)


def _filters(prefix: str = "", **values: str | None) -> tuple[str, list[Any]]:
    clauses, params = [], []
    for col, value in values.items():
        if value is not None:
            clauses.append(f"{prefix}{col if col != 'run' else 'run_id'} = ?")
            params.append(value)
    return ("WHERE " + " AND ".join(clauses)) if clauses else "", params


# --- what the report reads, read the report's way -----------------------------------------------------------------


def _one_run(con: Any, run_id: str | None, results_dir: Path) -> tuple[list[Row], Any, list[Row]]:
    """The run's cells, its suite context (quality bars, base models, ...) and its pairwise verdicts."""
    from harness.report.data import load_cells, resolve_run, suite_context
    from harness.report.history import pairwise_rows

    run = resolve_run(con, run_id)
    return load_cells(con, run["run_id"]).rows, suite_context(run, results_dir), pairwise_rows(con, run["run_id"])


def _two_runs(
    con: Any, run_a: str, run_b: str, results_dir: Path
) -> tuple[list[Row], list[Row], dict[str, dict[str, float]]]:
    """The baseline's cells, the current run's cells and the current run's quality bars (as `report --baseline`)."""
    from harness.report.data import load_cells, resolve_run

    base = load_cells(con, resolve_run(con, run_a)["run_id"]).rows
    cur, ctx, _ = _one_run(con, run_b, results_dir)
    return base, cur, ctx.bars


# --- records for the frames ----------------------------------------------------------------------------------------


def _flat(pair: Row) -> Row:
    low, high = pair["ci"]
    return {**pair, "ci_low": low, "ci_high": high}


def _groups(rows: list[Row]) -> dict[tuple[str, str, str], list[Row]]:
    out: dict[tuple[str, str, str], list[Row]] = defaultdict(list)
    for r in rows:
        out[(r["task"], r["deployment"], r["variant"])].append(r)
    return out


def _flip(a: tuple[float, bool, str | None] | None, b: tuple[float, bool, str | None] | None) -> str | None:
    if a is None or b is None or a[1] == b[1]:
        return None
    return FLIPS[0] if a[1] else FLIPS[1]


def _case_pairs(base: list[Row], cur: list[Row]) -> list[Row]:
    """Scores and passes per case as the report pairs them (`case_scores`: mean over samples, most samples passed).

    A case with an unscored sample in either run keeps its row with NaN scores and no flip, as the paired
    statistics leave it out: `delta.mean()` per group is the summary's `diff`."""
    from harness.report.compare import case_scores

    a_groups, b_groups = _groups(base), _groups(cur)
    out: list[Row] = []
    for key in sorted(set(a_groups) & set(b_groups)):
        a_rows, b_rows = a_groups[key], b_groups[key]
        a, b = case_scores(a_rows), case_scores(b_rows)
        a_out = {r["case_id"]: r["output"] for r in a_rows if r["sample"] == 0}
        b_out = {r["case_id"]: r["output"] for r in b_rows if r["sample"] == 0}
        for case in sorted({r["case_id"] for r in a_rows} & {r["case_id"] for r in b_rows}):
            x, y = a.get(case), b.get(case)
            out.append({
                "task": key[0], "deployment": key[1], "variant": key[2], "case_id": case,
                "score_a": x[0] if x else None, "score_b": y[0] if y else None,
                "delta": y[0] - x[0] if x and y else None,
                "passed_a": x[1] if x else None, "passed_b": y[1] if y else None, "flipped": _flip(x, y),
                "output_a": a_out.get(case), "output_b": b_out.get(case),
            })  # fmt: skip
    return out


def _ladder_rows(rows: list[Row], ladders: list[Row]) -> list[Row]:
    """One record per ladder step; `position` is the deployment's chain position (0 = primary), as in the report."""
    position: dict[tuple[str, str, str], int] = {}
    for r in rows:
        key = (r["task"], r["variant"], r["deployment"])
        position[key] = min(position.get(key, r["chain_position"] or 0), r["chain_position"] or 0)
    out: list[Row] = []
    for ladder in ladders:
        for step in ladder["steps"]:
            vs = step.get("vs_primary") or {}
            low, high = vs.get("ci") or (None, None)
            out.append({
                "task": ladder["task"], "variant": ladder["variant"], "deployment": step["deployment"],
                "role": step["role"], "position": position[(ladder["task"], ladder["variant"], step["deployment"])],
                "primary": ladder["primary"], "cases": step["n"], "n": step["n"], "mean": step["mean"],
                "n_paired": vs.get("n"),
                "mean_primary": vs.get("mean_a"), "diff": vs.get("diff"), "se": vs.get("se"), "ci_low": low,
                "ci_high": high, "p": vs.get("p"), "mde": vs.get("mde"), "margin": ladder["margin"],
                "non_inferiority": step.get("non_inferiority"), "equivalence": step.get("equivalence"),
                "equivalence_vs": step.get("equivalence_vs"), "win_rate": (step.get("pairwise") or {}).get("win_rate"),
                "agreement": step.get("agreement"), "agreement_on": ladder.get("agreement_on"),
                "kappa": step.get("kappa"), "simulated": step["simulated"],
            })  # fmt: skip
    return out


def open(path: str | Path = "results", *, load: bool = True, data: str | None = None) -> Results:  # noqa: A001
    """Open a results directory for exploration (`load=False` reads the database as it is, without loading), or the
    shared lake: `harness.open("ducklake:...", data=...)`."""
    spec = parse(str(path), data) if str(path).startswith("ducklake:") else None
    if spec is not None:
        return Results(Path("."), spec, autoload=False)
    results = Results(Path(path), autoload=load)
    if not results.path.is_dir():
        raise InputError(f"no results directory {results.path}", fix="pass the --results-dir your runs used")
    return results
