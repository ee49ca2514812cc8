"""Everything the terminal shows: progress, summaries, tables, errors. The only module that imports Rich."""

from __future__ import annotations

import os
import statistics
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from rich.console import Console, Group
from rich.panel import Panel
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text


def _console(stderr: bool) -> Console:
    """Terminal width on a terminal; a wide page when piped (CI logs, `make eval | tee`), not Rich's 80."""
    stream = sys.stderr if stderr else sys.stdout
    width = None if stream.isatty() or "COLUMNS" in os.environ else 160
    return Console(stderr=stderr, highlight=False, width=width)


console = _console(stderr=False)
err_console = _console(stderr=True)

SIM_BANNER = "SIMULATED results: answers come from simulated twins, not the real models. Not evidence of quality."


def error(message: str) -> None:
    """One `error:` line; the message is plain text (a `[...]` in a file name or value is not Rich markup)."""
    err_console.print(Text.assemble(("error:", "bold red"), " ", message), soft_wrap=True)


def note(message: str, style: str = "dim") -> None:
    err_console.print(message, style=style, markup=False, soft_wrap=True)


def banner(message: str) -> None:
    err_console.print(message, style="bold yellow on grey15", markup=False, soft_wrap=True)


class RunProgress:
    """A progress bar with done/total, errors, spend and ETA. Falls back to silence when not a terminal."""

    def __init__(self, total: int, label: str) -> None:
        self.errors = 0
        self.spend = 0.0
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("[red]{task.fields[errors]} errors"),
            TextColumn("${task.fields[spend]:.4f}"),
            TimeRemainingColumn(),
            console=err_console,
            transient=False,
            disable=not err_console.is_terminal,
        )
        self.task = self.progress.add_task(label, total=total, errors=0, spend=0.0)

    def __enter__(self) -> RunProgress:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def advance(self, status: str, cost: float) -> None:
        if status != "ok":
            self.errors += 1
        self.spend += cost
        self.progress.update(self.task, advance=1, errors=self.errors, spend=self.spend)


@dataclass
class _Group:
    n: int = 0
    """Cells: one per case and sample."""
    cases: set[str] = field(default_factory=set)
    ok: int = 0
    scores: list[float] = field(default_factory=list)
    passed: int = 0
    graded: int = 0
    cost: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    simulated: bool = False


def summary_table(events: Iterable[Any], roles: dict[tuple[str, str], str]) -> Table:
    """Per (task, deployment, variant): cases and samples (cells: cases x repeats), score and pass rate over the
    samples, errors by class, cost, p50 latency, mode."""
    groups: dict[tuple[str, str, str], _Group] = defaultdict(_Group)
    for e in events:
        g = groups[(e.task, e.deployment, e.variant)]
        g.n += 1
        g.cases.add(e.case_id)
        g.cost += e.cost_usd
        g.simulated |= e.simulated
        if e.status == "ok":
            g.ok += 1
        if e.error_class:
            g.errors[e.error_class] += 1
        if e.score is not None:
            g.scores.append(e.score)
            g.graded += 1
            g.passed += bool(e.passed)
        if e.latency_ms is not None:
            g.latencies.append(e.latency_ms)
    variants = {k[2] for k in groups}
    table = Table(title="Results per task and deployment", title_justify="left")
    cols = ["task", "deployment", "role"] + (["variant"] if len(variants) > 1 else [])
    cols += ["cases", "samples", "score", "pass", "errors", "cost $", "p50 ms", "mode"]
    for c in cols:
        right = ("cases", "samples", "score", "pass", "cost $", "p50 ms")
        table.add_column(c, justify="right" if c in right else "left")
    for (task, dep, variant), g in sorted(groups.items()):
        score = f"{statistics.fmean(g.scores):.3f}" if g.scores else "-"
        pass_rate = f"{g.passed / g.graded:.1%}" if g.graded else "-"
        errs = ", ".join(f"{k} {v}" for k, v in g.errors.most_common()) or "0"
        p50 = f"{statistics.median(g.latencies):.0f}" if g.latencies else "-"
        row = [task, dep, roles.get((task, dep), "")] + ([variant] if len(variants) > 1 else [])
        row += [
            str(len(g.cases)),
            str(g.n),
            score,
            pass_rate,
            errs,
            f"{g.cost:.4f}",
            p50,
            "SIM" if g.simulated else "real",
        ]
        table.add_row(*row, style="yellow" if g.simulated else None)
    return table


def routed_table(served: Iterable[dict[str, Any]]) -> Table:
    """Routed play per task: who served how often, served quality, end-to-end latency and cost."""
    by_task: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for rec in served:
        by_task[rec["task"]].append(rec)
    table = Table(title="Routed play: each case through its chain", title_justify="left")
    for c in ("task", "cases", "served by", "unserved", "served score", "p50 ms", "p95 ms", "TTFT p95", "cost $/1k",
              "mode"):  # fmt: skip
        table.add_column(c, justify="left" if c in ("task", "served by") else "right")
    for task, recs in sorted(by_task.items()):
        n = len(recs)
        who = Counter(r["served_deployment"] for r in recs if r["served_deployment"])
        share = ", ".join(f"{d} {k / n:.0%}" for d, k in who.most_common())
        scores = [r["score"] for r in recs if r.get("score") is not None]
        lat = sorted(r["latency_ms"] for r in recs)
        firsts = sorted(r["ttft_ms"] for r in recs if r.get("ttft_ms") is not None)
        failed = Counter(r["failure_class"] for r in recs if r["status"] != "ok")
        unserved = ", ".join(f"{k} {v}" for k, v in failed.most_common()) or "0"
        hedge = sum(r.get("hedge_cost_usd") or 0.0 for r in recs) / n * 1000
        table.add_row(
            task, str(n), share, unserved, f"{statistics.fmean(scores):.3f}" if scores else "-",
            f"{lat[len(lat) // 2]:.0f}", f"{lat[min(len(lat) - 1, int(len(lat) * 0.95))]:.0f}",
            f"{firsts[min(len(firsts) - 1, int(len(firsts) * 0.95))]:.0f}" if firsts else "-",
            f"{sum(r['cost_usd'] for r in recs) / n * 1000:.3f}" + (f" (hedges {hedge:.3f})" if hedge else ""),
            "SIM" if any(r.get("simulated") for r in recs) else "real",
        )  # fmt: skip
    return table


def print_table(title: str | None, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    table = Table(title=title, title_justify="left")
    for c in columns:
        table.add_column(c)
    for r in rows:
        table.add_row(*["" if v is None else str(v) for v in r])
    console.print(table)


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def _clip(text: Any, width: int) -> str:
    one = " ".join(str(text or "").split())
    return one if len(one) <= width else one[: width - 1] + "…"


def cell_list(run_id: str, rows: Sequence[dict[str, Any]], total: int) -> None:
    """`harness show` when a filter matches several cells: one compact line each (output, or the tool calls a
    function-calling cell made, clipped)."""
    from harness.report.show import calls_text

    title = f"run {run_id}: {total} cell(s)" + (f", first {len(rows)} shown (--limit)" if total > len(rows) else "")
    table = Table(title=title, title_justify="left")
    cols = ("task", "deployment", "variant", "case", "sample", "status", "score", "passed", "ms", "mode",
            "output / calls")  # fmt: skip
    for c in cols:
        table.add_column(c, justify="right" if c in ("sample", "score", "ms") else "left", overflow="fold")
    for r in rows:
        status = r["status"] + (f" ({r['error_class']})" if r["error_class"] else "")
        table.add_row(
            r["task"], r["deployment"], r["variant"], r["case_id"], str(r["sample"]), status, _fmt(r["score"]),
            _fmt(r["passed"]), _fmt(r["latency_ms"]), "SIM" if r["simulated"] else "real",
            _clip(calls_text(r.get("tool_calls")) or r["output"], 60),
            style="yellow" if r["simulated"] else None,
        )  # fmt: skip
    console.print(table)
    if total == 0:
        note("no cell matches: loosen --task / --deployment / --case / --status")
    elif total > 1:
        note("narrow the filter to one cell (--task, --deployment, --case, --variant, --sample) to see it in full")


def lane_history(run_id: str, rows: Sequence[dict[str, Any]]) -> None:
    """`harness show --lanes`: every cut of a lane's limits with its cause, then the lane at the end."""
    table = Table(title=f"run {run_id}: lanes (rates in requests/s; unpaced: -)", title_justify="left")
    for c in ("deployment", "t s", "event", "cause", "rate", "in flight", "window 429s", "429s quota / transient"):
        table.add_column(c, justify="right" if c in ("t s", "in flight") else "left")
    for r in rows:
        rate = _rate(r["rate"])
        if r["event"] == "cut":
            rate = f"{_rate(r['rate_before'])} -> {rate}"
            why = f"{r['cause']}" + (f" ({r['spent']})" if r["spent"] else "")
            window = f"{r['window_limited']} of {r['window_attempts']} ({r['window_quota']} quota)"
        else:
            why = f"{r['cuts']} cut(s), lowest {_rate(r['lowest_rate'])}, declared {_rate(r['declared_rate'])}"
            window = f"windows grown {r['windows_grown']}, held {r['windows_held']}, idle {r['windows_idle']}"
        table.add_row(r["deployment"], _fmt(r["t"]), r["event"], why, rate,
                      f"{r['in_flight_limit']} of {r['max_concurrency']}", window,
                      f"{r['quota_429s']} / {r['transient_429s']}")  # fmt: skip
    console.print(table)
    if not rows:
        note("no lane records: the run made no live calls (or ran before lanes were recorded)")


def portability(run_id: str, tasks: list[dict[str, Any]]) -> None:
    """`harness show --portability`: per task, deployment x template pass rate [95% CI], then the gains line."""
    if not tasks:
        note(f"run {run_id} has no portability variants: run it with `harness run --portability`")
        return
    for t in tasks:
        table = Table(title=f"{t['task']}: pass rate [95% CI] by template", title_justify="left")
        for c in ("deployment", *(f"{name}.j2" for name in t["templates"]), "own − default"):
            table.add_column(c, overflow="fold")
        for d in t["deployments"]:
            cells = [_matrix_cell(d["cells"].get(name)) for name in t["templates"]]
            g = d["gain"]
            gain = (f"{100 * g['diff']:+.1f} pts [{100 * g['ci'][0]:.1f}, {100 * g['ci'][1]:.1f}] {g['verdict']}"
                    if g else "-")  # fmt: skip
            table.add_row(Text(d["deployment"]), *(Text(c) for c in cells), Text(gain))
        console.print(table)
        plain(t["headline"])


def latency(run_id: str, rows: Sequence[dict[str, Any]]) -> None:
    """`harness show --latency`: per task and deployment, quality and cost beside TTFT and total latency p50/p95."""
    if not rows:
        note(f"run {run_id}: no cells match")
        return
    cols = ("task", "deployment", "variant", "mean", "pass rate", "$ / 1k", "TTFT p50", "TTFT p95", "total p50",
            "total p95", "tok/s", "streamed", "mode")  # fmt: skip
    table = Table(title=f"run {run_id}: latency (ms) beside quality and cost", title_justify="left")
    for c in cols:
        table.add_column(c, overflow="fold")
    for r in rows:
        ms = [_fmt(round(r[k])) if r.get(k) is not None else "-" for k in
              ("ttft_p50_ms", "ttft_p95_ms", "p50_ms", "p95_ms")]  # fmt: skip
        table.add_row(*(Text(str(v)) for v in (
            r["task"], r["deployment"], r["variant"], _rate(r["mean"]),
            "-" if r["pass_rate"] is None else f"{100 * r['pass_rate']:.1f}%", f"{r['cost_per_1k']:.4f}", *ms,
            _rate(r.get("tokens_per_s")), f"{r.get('streamed', 0)}/{r['samples']}", "SIM" if r["simulated"] else "real",
        )))  # fmt: skip
    console.print(table)


def _matrix_cell(c: dict[str, Any] | None) -> str:
    if c is None:
        return "-"
    ci = f" [{100 * c['pass_ci'][0]:.1f}, {100 * c['pass_ci'][1]:.1f}]" if c["pass_ci"] else ""
    rate = "-" if c["pass_rate"] is None else f"{100 * c['pass_rate']:.1f}%"
    return rate + ci + (" own" if c["own"] else "") + (" SIM" if c["simulated"] else "")


def _rate(x: float | None) -> str:
    return "-" if x is None else f"{x:.3g}"


def _kv(cell: dict[str, Any]) -> Table:
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    pairs = [
        ("run", cell["run_id"]), ("task", f"{cell['task']} ({cell['task_class']})"),
        ("case", f"{cell['case_id']} of {cell['dataset']}@{cell['dataset_version']}"
                 + (f", cluster {cell['cluster']}" if cell["cluster"] else "")),
        ("deployment", f"{cell['deployment']} ({cell['provider']} {cell['model']}), {cell['role']}"),
        ("variant / sample", f"{cell['variant']} / {cell['sample']}"),
        ("status", cell["status"] + (f": {cell['error_class']}" if cell["error_class"] else "")
                   + (f" ({cell['error_message']})" if cell.get("error_message") else "")),
        ("score / passed", f"{_fmt(cell['score'])} / {_fmt(cell['passed'])}"),
        ("tokens in / out", f"{_fmt(cell['input_tokens'])} / {_fmt(cell['output_tokens'])}"),
        ("cost / latency", f"${_fmt(cell['cost_usd'])} / {_fmt(cell['latency_ms'])} ms"),
        ("streamed", "no" if cell.get("ttft_ms") is None else
                     f"TTFT {_fmt(cell['ttft_ms'])} ms, {_fmt(cell['chunks'])} chunks, "
                     f"{_fmt(cell['tokens_per_s'])} tokens/s"),
        ("finish / cache", f"{_fmt(cell['finish_reason'])} / {'hit' if cell['cache_hit'] else 'miss'}"),
        ("mode", cell["mode"] + (" — SIMULATED: not evidence of the model's quality" if cell["simulated"] else "")),
        ("template", f"{cell['template_path']} (prompt {str(cell['prompt_hash'] or '')[:16]})"),
    ]  # fmt: skip
    for k, v in pairs:
        table.add_row(k, Text(str(v)))
    return table


def _sent(tool_schema: str | None) -> str | None:
    """How the case's tools were translated for the vendor (`cells.tool_schema`), one change a line."""
    if not tool_schema:
        return None
    import json

    data = json.loads(tool_schema)
    return "\n".join(data.get("changes") or [])


def _grounding(grounding: str | None) -> Panel | None:
    """A grounded answer's search (`cells.grounding`): queries, numbered sources, each supported segment with the
    sources it cites."""
    if not grounding:
        return None
    import json

    g = json.loads(grounding)
    lines = [f"queries: {'; '.join(g['queries']) or '-'}"]
    lines += [f"[{i}] {s['title'] or s['domain'] or '-'}  {s['uri']}" for i, s in enumerate(g["sources"])]
    for s in g["supports"]:
        text = s["text"] if len(s["text"]) <= 100 else s["text"][:97] + "..."
        lines.append(f"{json.dumps(text, ensure_ascii=False)} <- {', '.join(f'[{i}]' for i in s['chunks']) or '-'}")
    if not g["supports"]:
        lines.append("no supported segments")
    title = "search grounding" + (" [SIMULATED: made-up sources]" if g.get("simulated") else "")
    return Panel(Text("\n".join(lines)), title=Text(title), title_align="left")


def cell_detail(cell: dict[str, Any]) -> None:
    """`harness show` for one cell: everything about it; model output is printed as text, never as markup."""
    sim = cell["simulated"]
    console.print(Panel(_kv(cell), title=Text("cell" + (" [SIMULATED]" if sim else "")), title_align="left",
                        border_style="yellow" if sim else "blue"))  # fmt: skip
    for title, body in (("input", cell["input"]), ("reference", cell["reference"]), ("output", cell["output"]),
                        ("tool calls", cell["tool_calls"]),
                        ("tools as sent", _sent(cell.get("tool_schema")))):  # fmt: skip
        if body not in (None, "", "[]"):
            console.print(Panel(Text(str(body)), title=Text(title), title_align="left"))
    grounded = _grounding(cell.get("grounding"))
    if grounded is not None:
        console.print(grounded)
    grades = Table(title="grades", title_justify="left")
    for c in ("grader", "version", "value", "passed", "weight", "judge", "reason"):
        grades.add_column(c, overflow="fold")
    for g in cell["grades"]:
        reason = g["reason"] or (f"error: {g['error']}" if g["error"] else "")
        grades.add_row(*(Text(_fmt(v)) for v in (g["grader_id"], g["grader_version"], g["value"], g["passed"],
                                                 g["weight"], g["judge_deployment"], reason)))  # fmt: skip
    attempts = Table(title="attempts", title_justify="left")
    wanted = ("n", "deployment", "status", "error_class", "http_status", "latency_ms", "ttft_ms", "retry_after",
              "wait_s", "stop_reason", "error_message", "partial_output")  # fmt: skip
    cols = [c for c in wanted if any(c in a for a in cell["attempt_rows"])]
    for c in cols:
        attempts.add_column(c, overflow="fold")
    for a in cell["attempt_rows"]:
        attempts.add_row(*(Text(_fmt(a.get(c))) for c in cols))
    console.print(Group(grades if cell["grades"] else Text("no grades"),
                        attempts if cell["attempt_rows"] else Text("no attempts recorded")))  # fmt: skip


def show(renderable: Any) -> None:
    console.print(renderable)


def plain(text: str) -> None:
    console.print(text, markup=False, highlight=False, soft_wrap=True)


def flush() -> None:
    sys.stdout.flush()
