"""`harness show RUN`: one cell in full, or a compact list of the cells a filter matches; `--lanes`: how each
deployment's lane limits moved (every cut, its cause, and the lane at the end); `--portability`: the prompt
portability matrix and the own-prompt gains (`report.portability`).

A filter matching exactly one cell prints it whole: input and reference (from the dataset version the run
recorded), output, tool calls, search grounding (queries, sources, supported segments), grades with their reasons,
attempts with their error classes, and whether it was simulated. Otherwise a table of the matching cells (at most
`--limit`). RUN is a run id or `latest`. `--latency`: per task and deployment, time to first token and total latency
p50/p95 (streamed cells; a cell that was not streamed has no TTFT) beside mean score, pass rate and cost, as the
report's overview computes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.errors import InputError

if TYPE_CHECKING:
    from harness.store.lake import Lake

STATUSES = ("ok", "error", "skipped", "pass", "fail")
LIST_COLS = ("task", "deployment", "variant", "case_id", "sample", "status", "error_class", "score", "passed",
             "latency_ms", "simulated", "output", "tool_calls")  # fmt: skip
DETAIL_COLS = (
    "run_id", "task", "task_class", "dataset", "dataset_version", "case_id", "cluster", "deployment", "provider",
    "model", "role", "variant", "sample", "status", "error_class", "output", "tool_calls", "finish_reason", "score",
    "passed", "input_tokens", "output_tokens", "cost_usd", "latency_ms", "ttft_ms", "tokens_per_s", "chunks",
    "attempts", "cache_hit", "mode",
    "simulated", "template_path", "prompt_hash", "chain_position", "cell_key",
)  # fmt: skip


def calls_text(tool_calls: str | None) -> str:
    """A cell's tool calls as `name(arg=value, ...)`, `; ` between calls (empty when it made none): what the list
    shows in place of the empty text output of a tool-call cell."""
    import json

    try:
        calls = json.loads(tool_calls or "[]")
    except ValueError:
        return str(tool_calls)
    if not isinstance(calls, list):
        return str(tool_calls)
    out = []
    for call in calls:
        args = call.get("arguments") if isinstance(call, dict) else None
        shown = ", ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in (args or {}).items())
        out.append(f"{call.get('name') if isinstance(call, dict) else call}({shown})")
    return "; ".join(out)


@dataclass(frozen=True)
class Filter:
    task: str | None = None
    deployment: str | None = None
    case: str | None = None
    variant: str | None = None
    sample: int | None = None
    status: str | None = None
    """ok, error or skipped (the cell), or pass / fail (its grade)."""
    limit: int = 50

    def where(self, run_id: str) -> tuple[str, list[Any]]:
        clauses: list[str] = ["run_id = ?"]
        params: list[Any] = [run_id]
        for col, value in (("task", self.task), ("deployment", self.deployment), ("case_id", self.case),
                           ("variant", self.variant), ("sample", self.sample)):  # fmt: skip
            if value is not None:
                clauses.append(f"{col} = ?")
                params.append(value)
        if self.status in ("ok", "error", "skipped"):
            clauses.append("status = ?")
            params.append(self.status)
        elif self.status is not None:
            clauses.append("passed" if self.status == "pass" else "passed = false")
        return " AND ".join(clauses), params


@dataclass
class Shown:
    run: dict[str, Any]
    total: int
    """Cells the filter matched."""
    rows: list[dict[str, Any]]
    """The first `limit` of them (compact columns), or the one cell in full."""
    detail: dict[str, Any] | None = None
    """The cell in full, when exactly one matched."""


def detail(con: Any, run: dict[str, Any], cell: dict[str, Any], full: bool, results_dir: Path | None) -> dict[str, Any]:
    """One cell in full: its columns, error message, tools as sent, input and reference (clipped unless `full`),
    grades with reasons, attempts (`harness show` and `harness view`'s cell page)."""
    from harness.report import cases
    from harness.report.data import suite_context

    extra = cases.fetch(con, "SELECT error_message, tool_schema, grounding FROM cells WHERE cell_key = ?",
                        [cell["cell_key"]])  # fmt: skip
    found, note = cases.case_lookup(
        cases.datasets_dir(run, suite_context(run, results_dir).datasets_dir),
        [(cell["dataset"], cell["dataset_version"])],
    )
    case = found.get((cell["dataset"], cell["dataset_version"], cell["case_id"]))
    limit = None if full else cases.INPUT_CHARS
    return {
        **cell, "error_message": extra[0]["error_message"] if extra else None,
        "tool_schema": extra[0]["tool_schema"] if extra else None,
        "grounding": extra[0]["grounding"] if extra else None,
        "input": cases.text(case.input, limit) if case else (note or "case not found in its dataset"),
        "reference": cases.text(case.expected, limit) if case else None,
        "grades": cases.grades(con, [cell["cell_key"]]).get(cell["cell_key"], []),
        "attempt_rows": cases.attempts(con, cell["cell_key"]),
    }  # fmt: skip


def show(source: Path | Lake, run_id: str, f: Filter, full: bool = False) -> Shown:
    """The cells of run `run_id` (or `latest`) that `f` matches, from a results directory or the lake."""
    from harness.report.cases import fetch
    from harness.report.data import resolve_run
    from harness.store.lake import open_read

    if f.status is not None and f.status not in STATUSES:
        raise InputError(f"--status must be one of {', '.join(STATUSES)}, not {f.status!r}")
    con = open_read(source)
    results_dir = source if isinstance(source, Path) else None
    try:
        run = resolve_run(con, None if run_id == "latest" else run_id)
        where, params = f.where(run["run_id"])
        total = fetch(con, f"SELECT count(*) AS n FROM results WHERE {where}", params)[0]["n"]
        if total == 1:
            cell = fetch(con, f"SELECT {', '.join(DETAIL_COLS)} FROM results WHERE {where}", params)[0]
            return Shown(run, 1, [cell], detail(con, run, cell, full, results_dir))
        order = "ORDER BY task, deployment, variant, case_id, sample LIMIT ?"
        rows = fetch(con, f"SELECT {', '.join(LIST_COLS)} FROM results WHERE {where} {order}", [*params, f.limit])
    finally:
        con.close()
    return Shown(run, total, rows)


LANE_COLS = ("deployment", "session", "seq", "event", "t", "cause", "rate_before", "rate", "in_flight_limit",
             "window_attempts", "window_limited", "window_quota", "retry_after", "spent", "quota_429s",
             "transient_429s", "cuts", "lowest_rate", "declared_rate", "max_concurrency", "windows_grown",
             "windows_held", "windows_idle")  # fmt: skip


def lanes(source: Path | Lake, run_id: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The run's lane history: each cut with its cause and window, then each lane at the end of each session."""
    from harness.report.cases import fetch
    from harness.report.data import resolve_run
    from harness.store.lake import open_read

    con = open_read(source)
    try:
        run = resolve_run(con, None if run_id == "latest" else run_id)
        rows = fetch(con, f"SELECT {', '.join(LANE_COLS)} FROM lanes WHERE run_id = ? "
                          "ORDER BY deployment, from_shard, session, seq", [run["run_id"]])  # fmt: skip
    finally:
        con.close()
    return run, rows


def portability(
    source: Path | Lake, run_id: str, task: str | None = None
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The run's portability matrix per task (`task`: that one only), computed as the report computes it."""
    from harness.report.data import load_cells, resolve_run
    from harness.report.portability import matrix
    from harness.store.lake import open_read

    con = open_read(source)
    try:
        run = resolve_run(con, None if run_id == "latest" else run_id)
        rows = load_cells(con, run["run_id"]).rows
    finally:
        con.close()
    return run, [t for t in matrix(rows) if task is None or t["task"] == task]


def latency(
    source: Path | Lake, run_id: str, task: str | None = None, deployment: str | None = None
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The report's overview rows (quality, cost, total and TTFT p50/p95, tokens per second) of the run, filtered."""
    from harness.report.data import load_cells, overview, resolve_run
    from harness.store.lake import open_read

    con = open_read(source)
    try:
        run = resolve_run(con, None if run_id == "latest" else run_id)
        cells = load_cells(con, run["run_id"])
    finally:
        con.close()
    rows = [r for r in overview(cells) if (task is None or r["task"] == task)
            and (deployment is None or r["deployment"] == deployment)]  # fmt: skip
    return run, rows
