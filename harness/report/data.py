"""The report's view data: plain dicts computed from the results database, no HTML (what `--format json` writes).

Sections: provenance, overview (task × deployment × variant), degradation ladder per task (`compare.ladders`),
scenario expectations (`scenarios`), routed play, drift against a baseline run (`compare.drift`, flipped cases with
input, reference and grader reasons), prompt variants, the prompt portability matrix (`portability`), search
grounding (`grounding`), trend, cost vs quality, judge health, flaky cases (`quality`, `history`). Every statistic
comes from `harness.stats`.
"""

from __future__ import annotations

import json
import statistics
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness import stats
from harness.errors import InputError
from harness.report import cases, grounding, history, portability, quality, scenarios
from harness.report.cases import fetch as _fetch
from harness.report.compare import drift, ladders, pairwise_wins
from harness.store.lake import Lake, open_read

CELL_COLS = (
    "task", "task_class", "deployment", "provider", "model", "family", "role", "chain_position", "variant",
    "case_id", "cluster", "sample", "status", "error_class", "score", "passed", "cost_usd", "latency_ms",
    "simulated", "mode", "output", "tool_calls", "finish_reason", "dataset", "dataset_version", "dataset_sha256",
    "template_path", "template_hash", "cell_key", "input_tokens", "output_tokens", "attempts", "ttft_ms",
    "tokens_per_s", "chunks",
)  # fmt: skip
MAX_CASES = 40
"""At most this many cases are embedded per section (flipped cases, flaky cases per group); the rest through
`harness show RUN --task T --deployment D` and `harness sql`."""


@dataclass
class Cells:
    rows: list[dict[str, Any]]

    def by(self, *keys: str) -> dict[tuple[Any, ...], list[dict[str, Any]]]:
        out: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
        for r in self.rows:
            out[tuple(r[k] for k in keys)].append(r)
        return out


@dataclass
class SuiteContext:
    """What the report needs from the suite a run used (defaults when it can no longer be read)."""

    bars: dict[str, dict[str, float]]
    base_models: dict[str, str | None] = field(default_factory=dict)
    scenarios: dict[str, Any] = field(default_factory=dict)
    """name -> `scenarios.Scenario`."""
    policies: dict[str, Any] = field(default_factory=dict)
    """task -> `routing.Policy`."""
    budgets: dict[str, float | None] = field(default_factory=dict)
    budget_on: dict[str, str] = field(default_factory=dict)
    """task -> what its latency budget bounds (total | ttft | both)."""
    datasets_dir: Path | None = None
    note: str = ""
    project: Any = None
    """The loaded `config.suite.Project` (None when the suite could not be read)."""


def load_cells(con: Any, run_id: str) -> Cells:
    rows = _fetch(con, f"SELECT {', '.join(CELL_COLS)} FROM results WHERE run_id = ?", [run_id])
    return Cells(rows)


def resolve_run(con: Any, run_id: str | None) -> dict[str, Any]:
    if run_id is None:
        rows = _fetch(con, "SELECT * FROM runs ORDER BY started_at DESC LIMIT 1", [])
    else:
        rows = _fetch(con, "SELECT * FROM runs WHERE run_id = ?", [run_id])
    if not rows:
        raise InputError(f"no run {run_id!r} in the database" if run_id else "no runs in the database",
                         fix="see `harness runs list`")  # fmt: skip
    return rows[0]


def _ci(interval: stats.Interval | None) -> list[float] | None:
    return [interval.low, interval.high] if interval else None


def overview(cells: Cells) -> list[dict[str, Any]]:
    out = []
    for (task, dep, variant), rows in sorted(cells.by("task", "deployment", "variant").items()):
        ok = [r for r in rows if r["status"] != "skipped"]
        obs = [stats.Observation(r["case_id"], r["score"], r["passed"], r["cluster"]) for r in ok]
        s = stats.summarise(obs, resamples=2000)
        n_cases = len({r["case_id"] for r in rows})
        lat = [r["latency_ms"] for r in rows if r["latency_ms"] is not None]
        ttft = [r["ttft_ms"] for r in rows if r.get("ttft_ms") is not None]
        rates = [r["tokens_per_s"] for r in rows if r.get("tokens_per_s") is not None]
        errors = Counter(r["error_class"] for r in rows if r["error_class"])
        out.append({
            "task": task, "deployment": dep, "variant": variant, "role": rows[0]["role"],
            "position": min(r["chain_position"] or 0 for r in rows), "provider": rows[0]["provider"],
            "family": rows[0]["family"], "cases": s.n_cases, "n": s.n_cases, "samples": len(rows), "mean": s.mean,
            "mean_ci": _ci(s.mean_ci), "pass_rate": s.pass_rate, "pass_ci": _ci(s.pass_ci),
            "errors": dict(errors.most_common()), "error_rate": s.error_rate,
            "cost_per_1k": sum(r["cost_usd"] or 0.0 for r in rows) / n_cases * 1000 if n_cases else 0.0,
            "p50_ms": stats.quantile(lat, 0.5), "p95_ms": stats.quantile(lat, 0.95),
            "ttft_p50_ms": stats.quantile(ttft, 0.5), "ttft_p95_ms": stats.quantile(ttft, 0.95),
            "tokens_per_s": stats.quantile(rates, 0.5), "streamed": len(ttft),
            "simulated": any(r["simulated"] for r in rows), "flaky": list(s.flaky[:MAX_CASES]),
            "pass_at_k": s.pass_at_k,
        })  # fmt: skip
    return out


def _selection(run: dict[str, Any], results_dir: Path | None) -> dict[str, Any]:
    """The run's selection (scenario, faults, routed, ...): its `runs.selection`, or for a run loaded before that
    column existed, the first line of its journal when it is there."""
    if run.get("selection"):
        sel = json.loads(run["selection"]) if isinstance(run["selection"], str) else run["selection"]
        return sel if isinstance(sel, dict) else {}
    if results_dir is None:
        return {}
    run_id = run["run_id"]
    try:
        with (results_dir / "runs" / f"{run_id}.jsonl").open(encoding="utf-8") as fh:
            first = json.loads(fh.readline())
    except (OSError, ValueError):
        return {}
    sel = first.get("selection") if isinstance(first, dict) else None
    return sel if isinstance(sel, dict) else {}


def provenance(run: dict[str, Any], cells: Cells, judges: list[str], selection: dict[str, Any]) -> dict[str, Any]:
    datasets = sorted({(r["dataset"], r["dataset_version"], r["dataset_sha256"]) for r in cells.rows})
    templates = sorted({(r["template_path"], r["template_hash"]) for r in cells.rows})
    models = sorted({(r["deployment"], r["provider"], r["model"], r["mode"]) for r in cells.rows})
    faults = ([f"scenario {selection['scenario']}"] if selection.get("scenario") else []) + list(
        selection.get("faults") or []
    )
    return {
        "suite": run["suite"], "run_id": run["run_id"], "started_at": str(run["started_at"]),
        "ended_at": str(run["ended_at"]), "status": run["status"], "mode": run["mode"],
        "simulated": bool(run["simulated"]), "sim_seed": run["sim_seed"], "git_commit": run["git_commit"],
        "git_dirty": run["git_dirty"], "harness_version": run["harness_version"], "hashes": run["hashes"],
        "routing_table_version": run.get("routing_table_version"),
        "datasets": [{"name": n, "version": v, "sha256": h} for n, v, h in datasets],
        "templates": [{"path": p, "sha256": h} for p, h in templates],
        "deployments": [{"id": d, "provider": p, "model": m, "mode": mo} for d, p, m, mo in models],
        "judges": judges, "injected": faults,
    }  # fmt: skip


def routed(served: list[dict[str, Any]], budgets: Mapping[str, float | None] | None = None,
           budget_on: Mapping[str, str] | None = None) -> list[dict[str, Any]]:  # fmt: skip
    """Routed play per task: who served how often and how well, why earlier positions were passed over, served
    numbers, and latency as the user felt it: time to the served first token against the task's budget, attempts
    cut at their deadline, hedges sent and what they cost."""
    out = []
    for task, recs in sorted(_group(served, "task").items()):
        n = len(recs)
        who = Counter(r["served_deployment"] or "(none)" for r in recs)
        scores = [r["score"] for r in recs if r["score"] is not None]
        lat = [r["latency_ms"] for r in recs]
        firsts = [r["ttft_ms"] for r in recs if r.get("ttft_ms") is not None]
        by_server = _group([r for r in recs if r["served_deployment"]], "served_deployment")
        out.append({
            "ttft_p50_ms": stats.quantile(firsts, 0.5), "ttft_p95_ms": stats.quantile(firsts, 0.95),
            "budget_ms": (budgets or {}).get(task), "budget_on": (budget_on or {}).get(task, "total"),
            "quality_by_server": {d: statistics.fmean(x["score"] or 0.0 for x in rs) for d, rs in by_server.items()},
            "cut": sum(_outcomes(r).count("latency_exceeded") for r in recs),
            "hedged": sum(bool(r.get("hedged")) for r in recs) / n,
            "hedge_cost_per_1k": sum(r.get("hedge_cost_usd") or 0.0 for r in recs) / n * 1000,
            "task": task, "cases": n, "share": {k: v / n for k, v in who.most_common()},
            "unserved": dict(Counter(r["failure_class"] for r in recs if r["status"] != "ok")),
            "fell_back": dict(_fell_back(recs).most_common()),
            "served_mean": statistics.fmean(scores) if scores else None,
            "p50_ms": stats.quantile(lat, 0.5), "p95_ms": stats.quantile(lat, 0.95),
            "cost_per_1k": sum(r["cost_usd"] for r in recs) / n * 1000,
            "simulated": any(r.get("simulated") for r in recs),
        })  # fmt: skip
    return out


def _outcomes(rec: dict[str, Any]) -> list[str]:
    path = rec.get("path") or "[]"
    try:
        return [str(p.get("outcome")) for p in (json.loads(path) if isinstance(path, str) else path)]
    except ValueError:
        return []


def _fell_back(recs: list[dict[str, Any]]) -> Counter[str]:
    """`deployment: failure class` for every position a walk tried and left."""
    out: Counter[str] = Counter()
    for r in recs:
        try:
            path = json.loads(r.get("path") or "[]")
        except ValueError:
            continue
        out.update(f"{p['deployment']}: {p['outcome']}" for p in path if p.get("outcome") != "ok")
    return out


def _group(rows: list[dict[str, Any]], key: str) -> dict[Any, list[dict[str, Any]]]:
    out: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        out[r[key]].append(r)
    return out


def _flip_details(con: Any, flips: list[dict[str, Any]], cells: Cells, root: Path | None) -> None:
    """Input, reference and both sides' grades (with reasons) on each embedded flipped case."""
    refs = {r["task"]: (r["dataset"], r["dataset_version"]) for r in cells.rows}
    found, note = cases.case_lookup(root, {refs[f["task"]] for f in flips if f["task"] in refs})
    graded = cases.grades(con, [k for f in flips for k in (f["before_cell"], f["after_cell"])])
    for f in flips:
        case = found.get((*refs.get(f["task"], ("", "")), f["case_id"]))
        f["input"] = cases.text(case.input) if case else note or "input not available"
        f["reference"] = cases.text(case.expected) if case else None
        f["before_grades"] = graded.get(f["before_cell"] or "", [])
        f["after_grades"] = graded.get(f["after_cell"] or "", [])


def build(source: Path | Lake, run_id: str | None = None, baseline: str | None = None) -> dict[str, Any]:
    """The whole report as plain data (what `--format json` writes), from a results directory or the lake."""
    con = open_read(source)
    results_dir = source if isinstance(source, Path) else None
    try:
        run = resolve_run(con, run_id)
        rid = run["run_id"]
        cells = load_cells(con, rid)
        ctx = suite_context(run, results_dir)
        served = _fetch(con, "SELECT * FROM served WHERE run_id = ?", [rid])
        pairwise = history.pairwise_rows(con, rid)
        judges = history.judge_health(con, rid, {r["task"] for r in cells.rows}, pairwise)
        selection = _selection(run, results_dir)
        base = None
        if baseline is not None:
            base_run = resolve_run(con, baseline)
            base = {"run": base_run["run_id"], "cells": load_cells(con, base_run["run_id"])}
        view = overview(cells)
        change = drift(base["cells"].rows, cells.rows, ctx.bars, MAX_CASES) if base else None
        if change:
            _flip_details(con, change["flips"], cells, cases.datasets_dir(run, ctx.datasets_dir))
        report = {
            "provenance": provenance(run, cells, judges["judges"], selection),
            "overview": view,
            "ladders": ladders(cells.rows, ctx.bars, ctx.base_models, pairwise_wins(pairwise)),
            "scenarios": scenarios.expectations(
                cells.rows, ctx.policies, ctx.budgets, ctx.scenarios, served, ctx.budget_on
            ),
            "routed": routed(served, ctx.budgets, ctx.budget_on),
            "drift": change,
            "baseline": base["run"] if base else None,
            "variants": quality.variants(cells.rows, view),
            "portability": portability.matrix(cells.rows),
            "grounding": grounding.section(con, rid),
            "trend": history.trend(con, run),
            "cost_quality": quality.cost_quality(view),
            "judges": judges,
            "flaky": quality.flaky(cells.rows, MAX_CASES),
            "lanes": lanes(con, rid),
            "advice": advice(con, run, cells, served, ctx),
            "router": router_section(cells, ctx),
            "max_cases": MAX_CASES,
            "suite_note": ctx.note,
        }
    finally:
        con.close()
    return report


def advice(con: Any, run: dict[str, Any], cells: Cells, served: list[dict[str, Any]], ctx: SuiteContext
           ) -> dict[str, Any]:  # fmt: skip
    """Routing advice (`report.advice`) for the run against today's suite and routing table."""
    from harness.report.advice import Evidence, advise
    from harness.report.proposal import task_routings

    out: dict[str, Any] = {"run_id": run["run_id"], "suite": run["suite"], "simulated": bool(run["simulated"]),
                           "tasks": [], "note": ctx.note, "routing_changed": False}  # fmt: skip
    if ctx.project is None:
        return out
    evaluated: dict[str, set[str]] = defaultdict(set)
    for r in cells.rows:
        evaluated[r["task"]].add(r["deployment"])
    routes, drops = {}, []
    for r in _fetch(con, "SELECT task, case_id, route, entries FROM routes WHERE run_id = ?", [run["run_id"]]):
        routes[(r["task"], r["case_id"])] = r["route"]
        drops += [{"task": r["task"], "case_id": r["case_id"], **e} for e in json.loads(r["entries"] or "[]")
                  if not e.get("eligible")]  # fmt: skip
    hashes = json.loads(run["hashes"]) if isinstance(run.get("hashes"), str) else run.get("hashes") or {}
    out["routing_changed"] = hashes.get("routing") not in (None, ctx.project.hashes.get("routing"))
    if out["routing_changed"]:
        out["note"] = "the routing table changed since the run: today's chains are judged on what the run measured"
    out["tasks"] = advise(Evidence(cells.rows, routes, drops, served), task_routings(ctx.project, evaluated))
    return out


def router_section(cells: Cells, ctx: SuiteContext) -> dict[str, Any]:
    """The router's runtime and the semantic router on this run (`report.router`)."""
    from harness.report import router

    return router.section(cells.rows, ctx)


def advice_of(
    source: Path | Lake, run_id: str | None = None, out: Path | None = None, suite: Path | None = None
) -> dict[str, Any]:
    """Routing advice for a run (default: the latest) against today's suite (default: the run's), from a results
    directory or the lake; with `out`, the proposed routing file too (written once it validates)."""
    from harness.report import proposal

    con = open_read(source)
    try:
        result, project = advice_on(con, run_id, source if isinstance(source, Path) else None, suite)
    finally:
        con.close()
    if out is not None:
        proposal.write(out, project, result)
    return result


def advice_on(
    con: Any, run_id: str | None, results_dir: Path | None, suite: Path | None = None
) -> tuple[dict[str, Any], Any]:
    """The advice (and today's loaded suite) over an open connection; InputError when the suite cannot be read."""
    run = resolve_run(con, run_id)
    ctx = suite_context({**run, "suite_path": str(suite)} if suite else run, results_dir)
    if ctx.project is None:
        raise InputError(f"no routing advice: {ctx.note}", fix="pass --suite FILE, or run it where the suite is")
    cells = load_cells(con, run["run_id"])
    served = _fetch(con, "SELECT * FROM served WHERE run_id = ?", [run["run_id"]])
    return advice(con, run, cells, served, ctx), ctx.project


def lanes(con: Any, run_id: str) -> list[dict[str, Any]]:
    """How each lane's limits moved (issue 31): per deployment and session, its cuts by cause, its 429s by kind, the
    rate and in-flight limit it ended with and the lowest rate it held. Empty for a run without live calls, or
    read from a lake pushed before lanes were recorded."""
    import duckdb

    try:
        return _fetch(
            con,
            """
            SELECT deployment, session,
                   count(*) FILTER (WHERE event = 'cut') AS cuts,
                   count(*) FILTER (WHERE cause = 'quota') AS quota_cuts,
                   count(*) FILTER (WHERE cause = 'share') AS share_cuts,
                   max(quota_429s) AS quota_429s, max(transient_429s) AS transient_429s,
                   any_value(rate) FILTER (WHERE event = 'end') AS rate,
                   any_value(in_flight_limit) FILTER (WHERE event = 'end') AS in_flight_limit,
                   any_value(max_concurrency) AS max_concurrency, any_value(declared_rate) AS declared_rate,
                   min(rate) AS lowest_rate
            FROM lanes WHERE run_id = ? GROUP BY deployment, session ORDER BY deployment, session""",
            [run_id],
        )
    except duckdb.CatalogException:  # no lanes table: a lake pushed by an older harness
        return []


def suite_path(run: dict[str, Any], results_dir: Path | None = None) -> Path:
    """The run's suite file. A relative path is relative to where the run started: when that is not here, try the
    directory holding the results directory (the usual layout: results/ beside evals/)."""
    path = Path(run["suite_path"] or "")
    if not path.is_absolute() and not path.exists() and results_dir is not None:
        beside = results_dir.resolve().parent / path
        if beside.exists():
            return beside
    return path


def suite_context(run: dict[str, Any], results_dir: Path | None = None) -> SuiteContext:
    """Quality bars, base models, scenarios, chain policies and latency budgets from the suite the run used."""
    from harness.config.suite import QualityBars, load_suite

    try:
        project = load_suite(suite_path(run, results_dir))
    except Exception as e:  # the suite moved or changed since: the defaults still give a sound report
        note = f"the suite could not be read ({str(e).splitlines()[0][:160]}): default quality bars"
        return SuiteContext(defaultdict(lambda: QualityBars().model_dump()), note=note)
    table = project.routing
    return SuiteContext(
        bars={t: spec.quality.model_dump() for t, spec in project.suite.tasks.items()},
        base_models={d: dep.base_model for d, dep in project.models.deployments.items()},
        scenarios=dict(project.suite.scenarios),
        policies={t: table.policy(t) for t in table.tasks},
        budgets={t: r.constraints.latency_budget_ms for t, r in table.tasks.items()},
        budget_on={t: r.constraints.latency_budget_on for t, r in table.tasks.items()},
        datasets_dir=project.datasets_dir,
        project=project,
    )


def quality_bars(con: Any, run: dict[str, Any]) -> dict[str, dict[str, float]]:
    """Quality bars per task, from the suite the run used (defaults when it can no longer be read)."""
    return suite_context(run).bars
