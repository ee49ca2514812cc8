"""A run reduced to its cases in SQL: what the run page's matrix and degradation ladder and the comparison of two runs
are computed from.

The report reads every cell of a run into Python (`report.data.load_cells`, 29 columns per cell) and groups them
there: on a 50,000-cell run that is seconds. Here DuckDB scores the run's cells once and reduces them to one row per
case (`CASES`: samples, scored samples, passes, cluster, first cell and first-sample output, and the matrix's
per-case mean and pass fraction), fetched by column, and the (task, deployment, variant) groups' cell counts,
cost, latency and errors from the cells alone (`GROUPS`, no grades). The report's own functions then compute every
statistic (`report.compare.ladders_of`, `drift_of`) from the same `Case` values `report.compare.case_scores`
gives: a case's mean is `statistics.fmean` of its samples' scores, so the numbers are the report's to the last bit
(tests/view/test_sql.py holds them equal).
"""

from __future__ import annotations

import bisect
import statistics
from dataclasses import dataclass
from typing import Any

from harness.report.compare import Case, Key, Position, graded
from harness.store.db import check_read
from harness.view import sql

#: A cell's columns `CASES` reads.
CASE_COLS = "task, task_class, deployment, variant, case_id, cluster, sample, status, output, tool_calls"
#: Samples not skipped, with a score and a pass: what the matrix's per-case mean and pass fraction are over, as in
#: `stats.summarise`.
USABLE = "status <> 'skipped' AND score IS NOT NULL AND passed IS NOT NULL"
#: One row per case of a run, in (task, deployment, variant, case) order, without the group's names (`GROUPS` says
#: how many cases each group has: handing strings over is most of the cost). `single`: the score of a one-sample
#: case; `scores`: every sample's of a case with several; the first sample's tool calls where they are graded.
CASES = f"""
WITH r AS ({{scored}})
SELECT case_id, count(*) AS n, count(score) AS scored,
       CASE WHEN count(*) = 1 THEN min(score) END AS single, CASE WHEN count(*) > 1 THEN list(score) END AS scores,
       count(*) FILTER (WHERE passed) AS passes, any_value(cluster) AS cluster, bool_or(sample = 0) AS has_first,
       any_value(output) FILTER (WHERE sample = 0) AS output,
       any_value(tool_calls) FILTER (WHERE sample = 0 AND task_class = 'function-calling') AS tool_calls,
       count(*) FILTER (WHERE status <> 'skipped') AS counted, count(*) FILTER (WHERE {USABLE}) AS usable,
       avg(score) FILTER (WHERE {USABLE}) AS m, avg(passed::DOUBLE) FILTER (WHERE {USABLE}) AS p
FROM r GROUP BY task, deployment, variant, case_id ORDER BY task, deployment, variant, case_id
"""
#: `CASES` for a run of one sample a case (sample 0 only, the common run): each cell is its case, no grouping.
ONE_SAMPLE = f"""
WITH r AS ({{scored}})
SELECT case_id, 1 AS n, (score IS NOT NULL)::INTEGER AS scored, score AS single, NULL AS scores,
       coalesce(passed, false)::INTEGER AS passes, cluster, true AS has_first, output,
       CASE WHEN task_class = 'function-calling' THEN tool_calls END AS tool_calls,
       (status <> 'skipped')::INTEGER AS counted, ({USABLE})::INTEGER AS usable,
       CASE WHEN {USABLE} THEN score END AS m, CASE WHEN {USABLE} THEN passed::DOUBLE END AS p
FROM r ORDER BY task, deployment, variant, case_id
"""
#: Per (task, deployment, variant) of a run, from its cells alone: cells, chain position, role, provider, task
#: class, simulated, cost, latency quantiles (the report's) and error classes.
GROUPS = f"""
SELECT task, deployment, variant, count(DISTINCT case_id) + max((case_id IS NULL)::INT) AS cases,
       count(*) AS samples, coalesce(max(sample), 0) = 0 AND count(*) = count(sample) AS one_sample,
       min(coalesce(chain_position, 0)) AS position,
       any_value(role) AS role, any_value(provider) AS provider, any_value(task_class) AS task_class,
       coalesce(bool_or(simulated), false) AS simulated, sum(coalesce(cost_usd, 0)) AS cost_usd,
       {sql.quantile("latency_ms", 0.5)} AS p50_ms, {sql.quantile("latency_ms", 0.95)} AS p95_ms,
       histogram(error_class) FILTER (WHERE error_class IS NOT NULL) AS errors
FROM cells WHERE run_id = ? GROUP BY task, deployment, variant ORDER BY task, deployment, variant
"""


@dataclass(frozen=True)
class Group:
    """One (task, deployment, variant) of a run: its `GROUPS` row and its cases' `CASES` columns (lists, in case
    order)."""

    info: dict[str, Any]
    cols: dict[str, list[Any]]

    @property
    def key(self) -> Key:
        return (self.info["task"], self.info["deployment"], self.info["variant"])


def _columns(con: Any, query: str, params: list[Any]) -> dict[str, list[Any]]:
    """The result by column (DuckDB hands columns over faster than rows; NULLs are None)."""
    check_read(con, query)
    return {name: values.tolist() for name, values in con.execute(query, params).fetchnumpy().items()}


def groups(con: Any, run_id: str) -> list[Group]:
    """The run's groups, each with its cases (two queries: the groups over its cells, then the cases over its scored
    cells, `ONE_SAMPLE` when every case has one cell)."""
    from harness.view.reader import rows

    found = rows(con, GROUPS, [run_id])
    one = all(g["one_sample"] and g["cases"] == g["samples"] for g in found)
    query = (ONE_SAMPLE if one else CASES).replace("{scored}", sql.scored("run_id = ?", "run", CASE_COLS))
    cols = _columns(con, query, [run_id, run_id])
    out, start = [], 0
    for info in found:  # the same order as the cases'
        end = start + info["cases"]
        out.append(Group(info, {name: values[start:end] for name, values in cols.items()}))
        start = end
    assert start == len(cols["case_id"]), "cases and groups disagree"
    return out


def cases(g: Group) -> dict[str, Case]:
    """case id -> `Case` of each case of a group whose samples are all scored, as `case_scores` gives it."""
    c = g.cols
    if g.info["samples"] == g.info["cases"]:  # one cell a case (the common case: a comprehension, no indexing)
        one = zip(c["case_id"], c["single"], c["passes"], c["cluster"], strict=True)
        return {case: (float(score), passes == 1, cluster) for case, score, passes, cluster in one if score is not None}
    out = {}
    for i, (case, n, scored) in enumerate(zip(c["case_id"], c["n"], c["scored"], strict=True)):
        if scored < n:
            continue  # a sample unscored: the case drops out
        score = float(c["single"][i]) if n == 1 else statistics.fmean(c["scores"][i])
        out[case] = (score, 2 * c["passes"][i] > n, c["cluster"][i])
    return out


def _outputs(g: Group, seen: dict[tuple[Any, ...], str]) -> dict[str, str]:
    """case id -> its first sample's graded value; `seen` remembers each distinct output's (labels repeat)."""
    out, task_class, c = {}, g.info["task_class"], g.cols
    for case, has, text, calls in zip(c["case_id"], c["has_first"], c["output"], c["tool_calls"], strict=True):
        if has:
            key = (task_class, text, calls)
            if key not in seen:
                seen[key] = graded({"output": text, "tool_calls": calls}, task_class)
            out[case] = seen[key]
    return out


def positions(found: list[Group]) -> dict[tuple[str, str], dict[str, Position]]:
    """What `report.compare.positions` gives from the run's cells: (task, variant) -> deployment -> `Position`."""
    out: dict[tuple[str, str], dict[str, Position]] = {}
    seen: dict[tuple[Any, ...], str] = {}
    for g in found:
        i = g.info
        out.setdefault((i["task"], i["variant"]), {})[i["deployment"]] = Position(
            i["role"], i["position"], i["task_class"], bool(i["simulated"]), cases(g), _outputs(g, seen)
        )
    return out


def run_cases(found: list[Group]) -> dict[Key, tuple[dict[str, Case], Group]]:
    """Per (task, deployment, variant): case id -> `Case` (`drift_of`'s input), and the group (`passes` reads a
    flipped case's there)."""
    return {g.key: (cases(g), g) for g in found}


def passes(g: Group, case: str) -> str:
    """A case's passes as `k/n`."""
    c = g.cols
    i = bisect.bisect_left(c["case_id"], case)  # in SQL's order: byte order, which is Python's for str
    if i >= len(c["case_id"]) or c["case_id"][i] != case:
        i = c["case_id"].index(case)
    return f"{c['passes'][i]}/{c['n'][i]}"


#: The first cell (lowest sample) of each case named `run\0task\0deployment\0variant\0case` (one list parameter).
FIRST_CELLS = """
WITH k AS (SELECT concat_ws(chr(0), run_id, task, deployment, variant, case_id) AS case_key, cell_key, sample
           FROM cells WHERE run_id IN (?, ?))
SELECT case_key, arg_min(cell_key, sample) AS cell FROM k WHERE case_key IN (SELECT unnest(?)) GROUP BY case_key
"""


def first_cells(con: Any, runs: tuple[str, str], flips: list[dict[str, Any]]) -> None:
    """Set `before_cell` and `after_cell` (each run's first sample of the case) on the flipped cases shown."""
    from harness.view.reader import rows

    names = [(run, f["task"], f["deployment"], f["variant"], f["case_id"]) for f in flips for run in runs]
    found = {r["case_key"]: r["cell"] for r in rows(con, FIRST_CELLS, [*runs, ["\0".join(n) for n in names]])}
    for f in flips:
        f["before_cell"], f["after_cell"] = (found.get("\0".join((run, f["task"], f["deployment"], f["variant"],
                                                                   f["case_id"]))) for run in runs)  # fmt: skip
