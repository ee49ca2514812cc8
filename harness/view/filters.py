"""The cell browser's filter: parsed from a URL's query string (so a link can be shared), turned into a WHERE clause
over `cells`, and written back into links (the matrix's numbers, the next page)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from typing import Any
from urllib.parse import urlencode

from harness.errors import InputError

PAGE_ROWS = 50
STATUSES = ("ok", "error", "skipped")
PASSED = ("true", "false", "none")
#: A routed run's walks (the `served` table): every cell a walk tried, the cells that served one, the ones a walk
#: tried and left (with `outcome`: left for that failure class), every cell tried by a walk no position could serve.
ROUTED = ("walked", "served", "left", "unserved")
#: The walks' positions tried, as (run, task, case, variant, sample, deployment, outcome, walk's status).
WALKED = """(SELECT s.run_id, s.task, s.case_id, s.variant, s.sample, p.deployment, p.outcome, s.status
FROM served s, unnest(from_json(s.path, '[{"deployment": "VARCHAR", "position": "INTEGER", "outcome": "VARCHAR"}]'))
     AS t(p))"""
KEY = "(run_id, task, case_id, variant, sample, deployment)"
#: Columns matched exactly, by query parameter.
EXACT = {"run": "run_id", "task": "task", "deployment": "deployment", "variant": "variant", "case": "case_id"}


@dataclass(frozen=True)
class CellFilter:
    run: str | None = None
    task: str | None = None
    deployment: str | None = None
    variant: str | None = None
    case: str | None = None
    status: str | None = None
    """ok, error or skipped."""
    passed: str | None = None
    """true, false, or none (not graded: an error, a skip or a grader error)."""
    grader: str | None = None
    """Cells with a grade by this grader."""
    q: str | None = None
    """Text in the output (or tool calls), or in the case's input."""
    routed: str | None = None
    """walked, served, left or unserved (`ROUTED`): cells by what a routed run's walks did with them."""
    outcome: str | None = None
    """With routed=left: left for this failure class only."""
    after: str | None = None
    """The page starts after this row (a token the previous page's "next" link carries: keyset paging)."""
    before: str | None = None
    """The page ends before this row (the next page's "previous" link)."""

    @classmethod
    def parse(cls, params: Mapping[str, str]) -> CellFilter:
        """From query parameters; empty values are absent, unknown ones and bad values an `InputError`."""
        known = set(cls.__dataclass_fields__)
        unknown = sorted(set(params) - known)
        if unknown:
            raise InputError(f"unknown filter {unknown[0]!r}; filters: {', '.join(sorted(known))}")
        values: dict[str, Any] = {k: v for k, v in params.items() if v != ""}
        if values.get("status") not in (None, *STATUSES):
            raise InputError(f"status must be one of {', '.join(STATUSES)}, not {values['status']!r}")
        if values.get("passed") not in (None, *PASSED):
            raise InputError(f"passed must be one of {', '.join(PASSED)}, not {values['passed']!r}")
        if values.get("routed") not in (None, *ROUTED):
            raise InputError(f"routed must be one of {', '.join(ROUTED)}, not {values['routed']!r}")
        if values.get("outcome") is not None and values.get("routed") != "left":
            raise InputError("outcome= goes with routed=left (the class a walk left a cell for)")
        if values.get("after") and values.get("before"):
            raise InputError("a page starts after= a row or ends before= one, not both")
        return cls(**values)

    def where(self, input_matches: list[str] | None = None) -> tuple[str, list[Any]]:
        """SQL over `cells` and its parameters (all filters but `passed`, which needs the scores: `passed_sql`).
        `input_matches`: `dataset\\0version\\0case` keys of the cases whose input holds `q` (found in the datasets,
        which the database does not hold)."""
        clauses: list[str] = []
        params: list[Any] = []
        for name, col in EXACT.items():
            value = getattr(self, name)
            if value is not None:
                clauses.append(f"{col} = ?")
                params.append(value)
        if self.status is not None:
            clauses.append("status = ?")
            params.append(self.status)
        if self.grader is not None:
            clauses.append("cell_key IN (SELECT cell_key FROM grades WHERE grader_id = ?)")
            params.append(self.grader)
        if self.routed is not None:
            clause, extra = self._routed()
            clauses.append(clause)
            params += extra
        if self.q is not None:
            like = "%" + self.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            text = "(output ILIKE ? ESCAPE '\\' OR tool_calls ILIKE ? ESCAPE '\\'"
            params += [like, like]
            if input_matches:
                text += " OR concat_ws(chr(0), dataset, dataset_version, case_id) IN (SELECT unnest(?))"
                params.append(input_matches)
            clauses.append(text + ")")
        return " AND ".join(clauses) or "true", params

    def _routed(self) -> tuple[str, list[Any]]:
        if self.routed == "served":
            return "cell_key IN (SELECT served_cell FROM served WHERE served_cell IS NOT NULL)", []
        tried = f"{KEY} IN (SELECT run_id, task, case_id, variant, sample, deployment FROM {WALKED} WHERE "
        if self.routed in ("walked", "unserved"):
            return tried + ("true)" if self.routed == "walked" else "status <> 'ok')"), []
        outcome = " AND outcome = ?" if self.outcome is not None else ""
        return f"{tried}outcome <> 'ok'{outcome})", [self.outcome] if outcome else []

    def passed_sql(self) -> str:
        return {"true": "passed", "false": "passed = false", "none": "passed IS NULL"}[self.passed or "true"]

    def query(self, **change: Any) -> str:
        """This filter (with `change`) as a query string: the filters set, in a fixed order."""
        return urlencode({k: v for k, v in asdict(replace(self, **change)).items() if v is not None})

    def url(self, **change: Any) -> str:
        query = self.query(**change)
        return "/cells" + (f"?{query}" if query else "")
