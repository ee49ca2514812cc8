"""The pages' data as plain dicts (what `/api/...` returns, what the templates render).

Each call reads through the `Reader`'s locked-down read-only connection (`store.lake.open_read`: the local database
or the lake; every query through `store.db.check_read`). Statistics are the report's, on the runs' cases reduced in
SQL (`paired`): the matrix's intervals from `stats.case_intervals` (what `report.data.overview` gets through
`stats.summarise`), the ladder from `report.compare.ladders_of`, a comparison from `report.compare.drift_of`, one
cell from `report.show.detail`.
"""

from __future__ import annotations

import bisect
import socket
from typing import Any

from harness import stats
from harness.errors import HarnessError, InputError
from harness.report import cases
from harness.view import ladder, paired, routed, spend, sql
from harness.view.filters import PAGE_ROWS, CellFilter
from harness.view.reader import Reader, rows


class NotFound(InputError):
    """A run or a cell the database does not hold (HTTP 404)."""


RUNS_SQL = f"""
SELECT r.run_id, r.suite, r.status, r.mode, coalesce(r.simulated, false) AS simulated,
       strftime(r.started_at, '%Y-%m-%d %H:%M:%S') AS started, r.planned_cells, r.pid, r.host,
       count(c.cell_key) AS cells, count(c.cell_key) FILTER (WHERE c.status = 'error') AS errors,
       sum(c.cost_usd) AS cost_usd,
       avg(CASE WHEN c.passed THEN 1.0 WHEN c.passed = false THEN 0.0 END) AS pass_rate
FROM runs r LEFT JOIN ({sql.scored("true", "all", "run_id, status, cost_usd")}) c USING (run_id)
GROUP BY ALL ORDER BY started DESC, r.run_id DESC
"""
LIST_COLS = ("run_id", "task", "deployment", "variant", "case_id", "sample", "status", "error_class",
             "latency_ms", "cost_usd", "simulated", "left(output, 300) AS output",
             "left(tool_calls, 300) AS tool_calls")  # fmt: skip
#: The same case in the same run, every deployment, variant and sample: the cell page shows them side by side.
SIDE_WHERE = "run_id = ? AND task = ? AND case_id = ?"
SIDE_COLS = "deployment, variant, sample, chain_position, status, error_class, simulated, output, tool_calls"
FLIPS_SHOWN = 500
"""Flipped cases listed on a comparison (pass → fail first); `n_flips` counts them all."""
RUN_COLS = ("run_id", "suite", "suite_path", "status", "mode", "simulated", "sim_seed", "started_at", "ended_at",
            "git_commit", "git_dirty", "harness_version", "planned_cells", "pid", "host")  # fmt: skip


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
        found = reader.memo(con, "runs", None, lambda: rows(con, RUNS_SQL))
    here = socket.gethostname()
    return [{**{k: v for k, v in r.items() if k not in ("pid", "host")}, "status": _status(r, here)} for r in found]


def _matrix_cell(g: paired.Group) -> dict[str, Any]:
    """One (task, deployment, variant) as `report.data.overview` gives it, from its cases (`paired.CASES`: a case's
    mean and pass fraction over its usable samples); the intervals from `stats.case_intervals` (what
    `stats.summarise` uses), with the report's 2,000 resamples."""
    info, c = g.info, g.cols
    used = [i for i, u in enumerate(c["usable"]) if u > 0]
    means, passes = [c["m"][i] for i in used], [c["p"][i] for i in used]
    clusters = None
    if any(c["cluster"][i] is not None for i in used):
        clusters = [c["cluster"][i] or f"\x00{c['case_id'][i]}" for i in used]
    mean_ci, pass_ci = (None, None)
    if means:
        single = max(c["usable"]) == 1
        mean_ci, pass_ci = stats.case_intervals(means, passes, clusters, single, resamples=2000)
    counted, scored, all_cases = sum(c["counted"]), sum(c["usable"]), len(c["case_id"])
    return {
        "task": info["task"], "deployment": info["deployment"], "variant": info["variant"], "role": info["role"],
        "position": info["position"], "provider": info["provider"], "cases": len(means), "samples": info["samples"],
        "mean": stats.mean(means) if means else None, "mean_ci": [mean_ci.low, mean_ci.high] if mean_ci else None,
        "pass_rate": stats.mean(passes) if passes else None,
        "pass_ci": [pass_ci.low, pass_ci.high] if pass_ci else None,
        "errors": dict(sorted((info["errors"] or {}).items(), key=lambda kv: -kv[1])),
        "error_rate": (counted - scored) / counted if counted else 0.0,
        "cost_per_1k": info["cost_usd"] / all_cases * 1000 if all_cases else 0.0,
        "p50_ms": info["p50_ms"], "p95_ms": info["p95_ms"], "simulated": bool(info["simulated"]),
    }  # fmt: skip


def run_groups(reader: Reader, con: Any, run_id: str) -> list[paired.Group]:
    """The run's cases by (task, deployment, variant) (`paired.groups`), remembered while its rows are unchanged:
    the run page and a comparison share them."""
    return reader.memo(con, "cases", [run_id], lambda: paired.groups(con, run_id))  # type: ignore[no-any-return]


def run(reader: Reader, run_id: str) -> dict[str, Any]:
    """A run and its task × deployment matrix (mean and pass rate with 95% CIs as the report computes them, errors,
    cost per 1,000 cases, latency), deployments in chain order, its degradation ladder (`ladder.ladders`, the
    report's statistics), routed play (`routed.routed`) and spend and latency (`spend.spend`). Matrix and ladder
    come from the run's cases, reduced in SQL (`paired`); the page is remembered while the run's rows are
    unchanged."""
    with reader.connect() as con:
        found = _run(con, run_id)

        def compute() -> dict[str, Any]:
            groups = run_groups(reader, con, run_id)
            view = [_matrix_cell(g) for g in groups]
            view.sort(key=lambda r: (r["task"], r["variant"], r["position"], r["deployment"]))
            return {"view": view, "cells": sum(g.info["samples"] for g in groups),
                    "cost_usd": sum(g.info["cost_usd"] for g in groups),
                    "ladders": ladder.ladders(reader, con, found, groups), "routed": routed.routed(con, run_id),
                    "spend": spend.spend(con, run_id)}  # fmt: skip

        page = reader.memo(con, "run", [run_id], compute)
    view = page["view"]
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
        **{k: page[k] for k in ("cells", "cost_usd", "ladders", "routed", "spend")},
    }


def templates(reader: Reader, run_id: str) -> dict[str, Any]:
    """The prompt templates a run used: per (task, deployment, variant) the template's path and the hash the run
    recorded (`ladder.templates`)."""
    with reader.connect() as con:
        found = _run(con, run_id)
        used = ladder.templates(con, run_id)
    return {"run": {k: found[k] for k in ("run_id", "suite", "simulated")}, "templates": used}


def _input_matches(reader: Reader, con: Any, f: CellFilter, where: str, params: list[Any]) -> list[str]:
    """`dataset\\0version\\0case` of the cases in the filter's scope whose input holds `f.q` (case-insensitive)."""
    from dataclasses import replace

    if f.q is None:
        return []
    scope, scope_params = replace(f, q=None).where()
    needle = f.q.lower()
    out = []
    refs = rows(con, f"SELECT DISTINCT run_id, dataset, dataset_version FROM cells WHERE {scope}", scope_params)
    run_rows = {r["run_id"]: r for r in rows(con, "SELECT * FROM runs")}
    for ref in refs:
        root = reader.datasets_root(run_rows[ref["run_id"]]) if ref["run_id"] in run_rows else None
        for case in reader.dataset_cases(root, ref["dataset"], ref["dataset_version"]):
            if needle in cases.text(case.input, None).lower():
                out.append(f"{ref['dataset']}\x00{ref['dataset_version']}\x00{case.id}")
    return sorted(set(out))


def _page_source(reader: Reader, con: Any, f: CellFilter) -> tuple[str, list[Any]]:
    """The query of every cell `f` matches, and its parameters (scored only when `passed` filters)."""
    where, params = f.where()
    if f.q is not None:
        where, params = f.where(_input_matches(reader, con, f, where, params))
    if f.passed is None:
        return f"SELECT * FROM cells WHERE {where}", params
    scope = "run" if f.run is not None else "cells"
    source = f"SELECT * FROM ({sql.scored(where, scope, sql.KEY_SOURCE)}) WHERE {f.passed_sql()}"
    return source, params + ([f.run] if f.run is not None else [])


Page = tuple[int, list[dict[str, Any]], int, "str | None", "str | None"]
"""(matches, the page's key rows, matches before it, the next page's `after` token, the previous page's `before`)."""


def _key(row: dict[str, Any]) -> list[Any]:
    return [row[f"k{i}"] for i in range(len(sql.KEY))]


def _keyset_page(con: Any, source: str, params: list[Any], start: list[Any] | None, end: list[Any] | None) -> Page:
    """A page of `source` by keyset queries: after the key `start`, before the key `end`, or the first."""
    marks = ", ".join("?" * len(sql.KEY))
    if end is not None:
        found = rows(con, f"SELECT {sql.KEY_COLS} FROM ({source}) WHERE {sql.KEY_ROW} < ({marks}) "
                          f"ORDER BY {sql.KEY_ORDER_DESC} LIMIT ?", [*params, *end, PAGE_ROWS + 1])  # fmt: skip
        page, earlier = found[:PAGE_ROWS][::-1], len(found) > PAGE_ROWS
    else:
        after = f"WHERE {sql.KEY_ROW} > ({marks})" if start else ""
        found = rows(con, f"SELECT {sql.KEY_COLS} FROM ({source}) {after} ORDER BY {sql.KEY_ORDER} LIMIT ?",
                     [*params, *(start or []), PAGE_ROWS + 1])  # fmt: skip
        page, earlier = found[:PAGE_ROWS], start is not None
    first = _key(page[0]) if page else start or end or [None] * len(sql.KEY)
    counts = rows(con, f"SELECT count(*) AS n, count(*) FILTER (WHERE {sql.KEY_ROW} < ({marks})) AS before "
                       f"FROM ({source})", [*first, *params])[0]  # fmt: skip
    more = len(found) > PAGE_ROWS if end is None else True
    earlier = earlier and counts["before"] > 0
    return (counts["n"], page, counts["before"] or 0, sql.token(page[-1]) if more and page else None,
            sql.token(page[0]) if earlier and page else None)  # fmt: skip


def _listed_page(keys: list[tuple[Any, ...]], start: list[Any] | None, end: list[Any] | None) -> Page:
    """`_keyset_page` over every match's key, sorted (a scored scope, remembered: paging it costs no query)."""
    if end is not None:
        stop = bisect.bisect_left(keys, tuple(end))
        i = max(0, stop - PAGE_ROWS)
    else:
        i = bisect.bisect_right(keys, tuple(start)) if start else 0
        stop = i + PAGE_ROWS
    page = [{f"k{n}": v for n, v in enumerate(k)} for k in keys[i:stop]]
    return (len(keys), page, i, sql.token(page[-1]) if page and stop < len(keys) else None,
            sql.token(page[0]) if page and i > 0 else None)  # fmt: skip


def cells(reader: Reader, f: CellFilter) -> dict[str, Any]:
    """One page (`PAGE_ROWS`) of the cells `f` matches in a stable order (run, task, deployment, variant, case,
    sample), keyset-paged: a page starts after the row its `after` token names (or ends before `before`'s), so page
    2,000 costs what page 1 does. With how many match in all, where the page starts, and the tokens of the next and
    previous pages. A filter on `passed` scores its whole scope: its sorted keys are remembered while the runs are
    unchanged."""
    start = sql.untoken(f.after) if f.after else None
    end = sql.untoken(f.before) if f.before else None
    with reader.connect() as con:
        if f.run is not None:
            _run(con, f.run)
        source, params = _page_source(reader, con, f)
        if f.passed is None:
            total, page, before, following, previous = _keyset_page(con, source, params, start, end)
        else:
            query = f"SELECT {sql.KEY_COLS} FROM ({source}) ORDER BY {sql.KEY_ORDER}"
            listed = reader.memo(con, "passed?" + f.query(after=None, before=None), [f.run] if f.run else None,
                                 lambda: [tuple(r.values()) for r in rows(con, query, params)])  # fmt: skip
            total, page, before, following, previous = _listed_page(listed, start, end)
        keys = [r["k6"] for r in page]
        found = sql.scored("cell_key IN (SELECT unnest(?))", "cells", ", ".join(LIST_COLS))
        by_key = {r["cell_key"]: r for r in rows(con, found, [keys])} if keys else {}
    out = [{k: v for k, v in by_key[key].items() if k != "pass_threshold"} for key in keys]
    return {"filter": f, "total": total, "first": before + 1 if out else before, "last": before + len(out),
            "rows": out, "next": following, "previous": previous}  # fmt: skip


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
        side = rows(con, f"SELECT * FROM ({sql.scored(SIDE_WHERE, 'cells', SIDE_COLS)}) "
                         "ORDER BY chain_position, deployment, variant, sample", [the_run["run_id"], out["task"],
                                                                                  out["case_id"]])  # fmt: skip
        judged = ladder.pairwise(con, the_run["run_id"], cell_key)
    from harness.view.prompt import rendered

    attempt_cols = list(out["attempt_rows"][0]) if out["attempt_rows"] else []
    return {**out, "run_simulated": bool(the_run["simulated"]), "attempt_cols": attempt_cols,
            "rendered_prompt": rendered(the_run, out, reader.results_dir), "same_case": side,
            "pairwise": judged}  # fmt: skip


def compare(reader: Reader, a: str, b: str) -> dict[str, Any]:
    """Run `b` against run `a` (the baseline): per (task, deployment, variant) the paired difference, McNemar and
    the drift verdict (`report.compare.drift_of`, the gate's own, on each run's cases: `paired.run_cases`), and the
    flipped cases (pass → fail first)."""
    from harness.report.compare import FLIPS, Case, Key, drift_of
    from harness.report.data import suite_context

    with reader.connect() as con:
        base, cur = _run(con, a), _run(con, b)

        def compute() -> dict[str, Any]:
            before, after = paired.run_cases(run_groups(reader, con, a)), paired.run_cases(run_groups(reader, con, b))

            def flip(key: Key, case: str, scores: tuple[Case, Case]) -> dict[str, Any]:
                return {"task": key[0], "deployment": key[1], "variant": key[2], "case_id": case,
                        "direction": FLIPS[0] if scores[0][1] else FLIPS[1], "before": None, "after": None,
                        "before_score": scores[0][0], "after_score": scores[1][0]}  # fmt: skip

            scores = ({k: v[0] for k, v in before.items()}, {k: v[0] for k, v in after.items()})
            change = drift_of(*scores, suite_context(cur, reader.results_dir).bars, FLIPS_SHOWN, flip)
            for f in change["flips"]:  # the ones shown only: a comparison may flip thousands
                key = (f["task"], f["deployment"], f["variant"])
                f["before_passes"] = paired.passes(before[key][1], f["case_id"])
                f["after_passes"] = paired.passes(after[key][1], f["case_id"])
            paired.first_cells(con, (a, b), change["flips"])
            return change

        change = reader.memo(con, "compare", [a, b], compute)
    return {
        "a": {"run_id": a, "simulated": bool(base["simulated"]), "status": base["status"]},
        "b": {"run_id": b, "simulated": bool(cur["simulated"]), "status": cur["status"]},
        "pairs": change["pairs"],
        "flips": change["flips"],
        "n_flips": change["n_flips"],
    }


def error_message(e: HarnessError) -> str:
    return e.one_line() if isinstance(e, InputError) else str(e)
