"""The report's view data: plain dicts computed from the results database, no HTML.

Sections: provenance, overview (task × deployment × variant), degradation ladder per task (paired differences to
the primary, non-inferiority and TOST verdicts, agreement), routed play, drift against a baseline run (paired,
McNemar, Holm, MDE, flipped cases), prompt variants and flaky cases. Every statistic comes from `harness.stats`.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness import stats
from harness.errors import InputError
from harness.report.compare import drift, ladders
from harness.store import db

CELL_COLS = (
    "task", "task_class", "deployment", "provider", "model", "family", "role", "chain_position", "variant",
    "case_id", "cluster", "sample", "status", "error_class", "score", "passed", "cost_usd", "latency_ms",
    "simulated", "mode", "output", "dataset", "dataset_version", "dataset_sha256", "template_path", "template_hash",
)  # fmt: skip
MAX_CASES = 40
"""At most this many cases are embedded per list (flips, flaky); the rest via `harness show` / `harness sql`."""


@dataclass
class Cells:
    rows: list[dict[str, Any]]

    def by(self, *keys: str) -> dict[tuple[Any, ...], list[dict[str, Any]]]:
        out: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
        for r in self.rows:
            out[tuple(r[k] for k in keys)].append(r)
        return out


def _fetch(con: Any, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    cur = con.execute(sql, params)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]


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


def _quantile(xs: list[float], q: float) -> float | None:
    if not xs:
        return None
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))]


def overview(cells: Cells) -> list[dict[str, Any]]:
    out = []
    for (task, dep, variant), rows in sorted(cells.by("task", "deployment", "variant").items()):
        ok = [r for r in rows if r["status"] != "skipped"]
        obs = [stats.Observation(r["case_id"], r["score"], r["passed"], r["cluster"]) for r in ok]
        s = stats.summarise(obs, resamples=2000)
        cases = len({r["case_id"] for r in rows})
        lat = [r["latency_ms"] for r in rows if r["latency_ms"] is not None]
        errors = Counter(r["error_class"] for r in rows if r["error_class"])
        out.append({
            "task": task, "deployment": dep, "variant": variant, "role": rows[0]["role"],
            "position": min(r["chain_position"] or 0 for r in rows), "provider": rows[0]["provider"],
            "n": s.n_cases, "samples": len(rows), "mean": s.mean, "mean_ci": _ci(s.mean_ci), "pass_rate": s.pass_rate,
            "pass_ci": _ci(s.pass_ci), "errors": dict(errors.most_common()), "error_rate": s.error_rate,
            "cost_per_1k": sum(r["cost_usd"] or 0.0 for r in rows) / cases * 1000 if cases else 0.0,
            "p50_ms": _quantile(lat, 0.5), "p95_ms": _quantile(lat, 0.95),
            "simulated": any(r["simulated"] for r in rows), "flaky": list(s.flaky[:MAX_CASES]),
            "pass_at_k": s.pass_at_k,
        })  # fmt: skip
    return out


def provenance(con: Any, run: dict[str, Any], cells: Cells) -> dict[str, Any]:
    datasets = sorted({(r["dataset"], r["dataset_version"], r["dataset_sha256"]) for r in cells.rows})
    templates = sorted({(r["template_path"], r["template_hash"]) for r in cells.rows})
    models = sorted({(r["deployment"], r["provider"], r["model"], r["mode"]) for r in cells.rows})
    return {
        "suite": run["suite"], "run_id": run["run_id"], "started_at": str(run["started_at"]),
        "ended_at": str(run["ended_at"]), "status": run["status"], "mode": run["mode"],
        "simulated": bool(run["simulated"]), "sim_seed": run["sim_seed"], "git_commit": run["git_commit"],
        "git_dirty": run["git_dirty"], "harness_version": run["harness_version"], "hashes": run["hashes"],
        "routing_table_version": run.get("routing_table_version"),
        "datasets": [{"name": n, "version": v, "sha256": h} for n, v, h in datasets],
        "templates": [{"path": p, "sha256": h} for p, h in templates],
        "deployments": [{"id": d, "provider": p, "model": m, "mode": mo} for d, p, m, mo in models],
        "judges": [],
    }  # fmt: skip


def routed(con: Any, run_id: str) -> list[dict[str, Any]]:
    rows = _fetch(con, "SELECT * FROM served WHERE run_id = ?", [run_id])
    out = []
    for task, recs in sorted(_group(rows, "task").items()):
        n = len(recs)
        served = Counter(r["served_deployment"] or "(none)" for r in recs)
        scores = [r["score"] for r in recs if r["score"] is not None]
        lat = [r["latency_ms"] for r in recs]
        out.append({
            "task": task, "cases": n, "share": {k: v / n for k, v in served.most_common()},
            "unserved": dict(Counter(r["failure_class"] for r in recs if r["status"] != "ok")),
            "served_mean": statistics.fmean(scores) if scores else None,
            "p50_ms": _quantile(lat, 0.5), "p95_ms": _quantile(lat, 0.95),
            "cost_per_1k": sum(r["cost_usd"] for r in recs) / n * 1000,
            "simulated": any(r.get("simulated") for r in recs),
        })  # fmt: skip
    return out


def _group(rows: list[dict[str, Any]], key: str) -> dict[Any, list[dict[str, Any]]]:
    out: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        out[r[key]].append(r)
    return out


def variants(view: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Deployment × variant means, when the run compared prompt variants."""
    if len({r["variant"] for r in view}) < 2:
        return []
    return [r for r in view]


def build(results_dir: Path, run_id: str | None = None, baseline: str | None = None) -> dict[str, Any]:
    """The whole report as plain data (what `--format json` writes)."""
    path = db.db_path(results_dir)
    if not path.exists():
        raise InputError(f"no database in {results_dir}", fix="run `harness run` or `harness db load` first")
    con = db.connect(path, read_only=True)
    try:
        run = resolve_run(con, run_id)
        cells = load_cells(con, run["run_id"])
        margins = quality_bars(con, run)
        base = None
        if baseline is not None:
            base_run = resolve_run(con, baseline)
            base = {"run": base_run["run_id"], "cells": load_cells(con, base_run["run_id"])}
        view = overview(cells)
        report = {
            "provenance": provenance(con, run, cells),
            "overview": view,
            "ladders": ladders(cells.rows, margins),
            "routed": routed(con, run["run_id"]),
            "drift": drift(base["cells"].rows, cells.rows, margins, MAX_CASES) if base else None,
            "baseline": base["run"] if base else None,
            "variants": variants(view),
            "max_cases": MAX_CASES,
        }
    finally:
        con.close()
    return report


def quality_bars(con: Any, run: dict[str, Any]) -> dict[str, dict[str, float]]:
    """Quality bars per task, from the suite the run used (defaults when it can no longer be read)."""
    from harness.suite import QualityBars, load_suite

    try:
        project = load_suite(Path(run["suite_path"]))
        return {t: spec.quality.model_dump() for t, spec in project.suite.tasks.items()}
    except Exception:  # the suite moved or changed since: the defaults still give a sound report
        return defaultdict(lambda: QualityBars().model_dump())
