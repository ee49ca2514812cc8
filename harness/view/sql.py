"""The viewer's SQL: cells with their scores over a scope, keyset paging, and what tells a run changed.

The `results` view (migration 1) scores every cell of the database before any filter applies (its `cell_scores`
ranks all grades in a window): 250 ms on 200,000 cells here, before a page has done anything. `scored` computes the
same score and pass for the cells of one scope only (a run's grades, or the grades of the filtered cells), with
`arg_max` for the latest grade of each grader; tests/view/test_sql.py holds it equal to the view.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from harness.errors import InputError

#: Score and pass per cell, as the `results` view defines them, over the grades `{scope}` selects.
SCORES = """
SELECT cell_key, sum(g.value * g.weight) / sum(g.weight) AS score, bool_and(g.passed) AS all_passed,
       count(*) FILTER (WHERE g.error IS NOT NULL) AS grade_errors, count(*) AS graders
FROM (SELECT cell_key, arg_max({'value': value, 'passed': passed, 'error': error, 'weight': weight},
                               (graded_at, grader_version)) AS g
      FROM grades WHERE {scope} GROUP BY cell_key, grader_id)
GROUP BY cell_key
"""
SCORE_COLS = """CASE WHEN s.grade_errors > 0 THEN NULL ELSE s.score END AS score,
       CASE WHEN s.grade_errors > 0 OR s.graders IS NULL THEN NULL
            ELSE s.all_passed AND s.score >= c.pass_threshold - 1e-9 END AS passed"""
#: The cell browser's order, unique (the cell key last), NULLs made comparable: a page starts after a row's key.
KEY = ("run_id", "coalesce(task, '')", "coalesce(deployment, '')", "coalesce(variant, '')", "coalesce(case_id, '')",
       "coalesce(sample, -1)", "cell_key")  # fmt: skip
KEY_ROW = "(" + ", ".join(KEY) + ")"
KEY_ORDER = ", ".join(KEY)
KEY_ORDER_DESC = ", ".join(f"{k} DESC" for k in KEY)
KEY_COLS = ", ".join(f"{k} AS k{i}" for i, k in enumerate(KEY))


def scored(where: str, scope: str, cols: str = "*") -> str:
    """A query of the cells `where` selects (their columns `cols`, with `cell_key` and `pass_threshold`), with
    `score` and `passed`, over the grades of `scope`: "run" (the run id is a parameter again after `where`'s),
    "cells" (those cells' grades) or "all"."""
    grades = {"run": "run_id = ?", "cells": "cell_key IN (SELECT cell_key FROM c)", "all": "true"}[scope]
    scores = SCORES.replace("{scope}", grades)
    cols = cols if cols == "*" else f"cell_key, pass_threshold, {cols}"
    return (f"WITH c AS (SELECT {cols} FROM cells WHERE {where}), s AS ({scores}) "
            f"SELECT c.*, {SCORE_COLS} FROM c LEFT JOIN s USING (cell_key)")  # fmt: skip


#: What the cell browser's page query reads of a cell (its key; the page's 50 rows are read in full after).
KEY_SOURCE = "run_id, task, deployment, variant, case_id, sample"


def quantile(col: str, q: float) -> str:
    """The `q` quantile of `col` over a group as the report takes it (`report.data._quantile`: the sorted values'
    element at int(q·n); DuckDB's `quantile_disc` takes another), NULLs left out; NULL for none."""
    values = f"list_sort(list({col}) FILTER (WHERE {col} IS NOT NULL))"
    return f"{values}[least(count({col}) - 1, floor({q} * count({col}))::BIGINT) + 1]"


def scores_of(keys: list[str]) -> str:
    """Score and pass of the cells `keys` (one list parameter)."""
    return (f"WITH c AS (SELECT cell_key, pass_threshold FROM cells WHERE cell_key IN (SELECT unnest(?))), "
            f"s AS ({SCORES.replace('{scope}', 'cell_key IN (SELECT cell_key FROM c)')}) "
            f"SELECT c.cell_key, {SCORE_COLS} FROM c LEFT JOIN s USING (cell_key)")  # fmt: skip


#: What changes when a run's rows change (cells loaded, grades added, the run ended): a memo of its pages is good
#: while this is the same. `{w}`: `run_id = ?` (five parameters) or `true`.
FINGERPRINT = """
SELECT (SELECT count(*) FROM cells WHERE {w}) AS cells, (SELECT max(finished_at) FROM cells WHERE {w}) AS cells_at,
       (SELECT count(*) FROM grades WHERE {w}) AS grades, (SELECT max(graded_at) FROM grades WHERE {w}) AS graded_at,
       (SELECT list((run_id, status, ended_at) ORDER BY run_id) FROM runs WHERE {w}) AS runs
"""


def token(row: dict[str, Any]) -> str:
    """A page's start: the key of the row before it (`k0`..`k6` of `KEY_COLS`), URL-safe."""
    values = [row[f"k{i}"] for i in range(len(KEY))]
    return base64.urlsafe_b64encode(json.dumps(values, ensure_ascii=False).encode()).decode().rstrip("=")


def untoken(text: str) -> list[Any]:
    """The key `token` wrote, checked; a tampered or stale token is the user's error."""
    try:
        values = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
        shape = [str] * 5 + [int, str]
        if not isinstance(values, list) or [type(v) for v in values] != shape:
            raise ValueError
    except ValueError:
        raise InputError(f"after={text[:40]!r} is not a page start this viewer wrote",
                         fix="follow the page links, or drop after= for the first page") from None  # fmt: skip
    return values
