"""The prompt portability matrix: each deployment of a task with every family's template (a `--portability` run's
`prompt:<name>` variants, and its own template as `base`), pass rate with its CI per (deployment, template), and the
paired gain of each deployment's own template over `default` (own − default, per case, t or CR2 interval).

Pure functions over the report's cell rows: the report, `harness show --portability` and `harness.open(...)
.portability()` share them, so the numbers agree to the last digit.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import PurePath
from typing import Any

from harness import stats

Row = dict[str, Any]
PORTABLE = "prompt:"  # harness.config.prompts.PORTABLE (the report reads rows, not the prompt library)
DEFAULT = "default"


def _template(row: Row) -> str:
    """`claude` for `task/claude.j2`: the matrix's column."""
    return PurePath(row["template_path"] or "").name.removesuffix(".j2")


def _case_pass(rows: list[Row]) -> dict[str, tuple[float, str | None]]:
    """case id -> (share of its graded samples that passed, cluster); cases with no graded sample drop out."""
    by_case: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        by_case[r["case_id"]].append(r)
    out = {}
    for case, rs in by_case.items():
        graded = [r for r in rs if r["passed"] is not None]
        if graded:
            out[case] = (sum(bool(r["passed"]) for r in graded) / len(graded), rs[0]["cluster"])
    return out


def _cell(rows: list[Row], own: bool) -> Row:
    obs = [stats.Observation(r["case_id"], r["score"], r["passed"], r["cluster"]) for r in rows
           if r["status"] != "skipped"]  # fmt: skip
    s = stats.summarise(obs, resamples=2000)
    return {"variant": rows[0]["variant"], "template_path": rows[0]["template_path"], "own": own, "n": s.n_cases,
            "pass_rate": s.pass_rate, "pass_ci": [s.pass_ci.low, s.pass_ci.high] if s.pass_ci else None,
            "mean": s.mean, "simulated": any(r["simulated"] for r in rows)}  # fmt: skip


def gain(own: list[Row], default: list[Row]) -> dict[str, Any] | None:
    """Own template − default on the cases both graded: `stats.paired_difference` on per-case pass rates (clustered,
    CR2, when cases carry clusters). None below two paired cases."""
    a, b = _case_pass(default), _case_pass(own)
    common = sorted(set(a) & set(b))
    if len(common) < 2:
        return None
    clusters = [a[c][1] for c in common]
    clustered = any(x is not None for x in clusters)
    d = stats.paired_difference([a[c][0] for c in common], [b[c][0] for c in common],
                                [x or f"\x00{c}" for x, c in zip(clusters, common, strict=True)] if clustered
                                else None)  # fmt: skip
    verdict = "pays" if d.ci.low > 0 else "costs" if d.ci.high < 0 else "unclear"
    return {"n": d.n, "diff": d.diff, "ci": [d.ci.low, d.ci.high], "p": d.p_value, "method": d.ci.method,
            "mean_own": d.mean_b, "mean_default": d.mean_a, "verdict": verdict}  # fmt: skip


def _task(task: str, rows: list[Row]) -> Row:
    by_dep: dict[str, dict[str, list[Row]]] = defaultdict(lambda: defaultdict(list))
    own_of: dict[str, str] = {}
    for r in rows:
        name = _template(r)
        by_dep[r["deployment"]][name].append(r)
        if r["variant"] == "base":
            own_of[r["deployment"]] = name
    columns = sorted({t for cols in by_dep.values() for t in cols}, key=lambda t: (t == DEFAULT, t))
    deployments = []
    for dep, cols in sorted(by_dep.items()):
        own = own_of.get(dep)
        g = gain(cols[own], cols[DEFAULT]) if own and own != DEFAULT and DEFAULT in cols else None
        family = next(iter(cols.values()))[0]["family"]
        cells = {t: _cell(rs, t == own) for t, rs in sorted(cols.items())}
        deployments.append({"deployment": dep, "family": family, "own": own, "cells": cells, "gain": g})
    return {"task": task, "templates": columns, "deployments": deployments, "headline": headline(task, deployments)}


def pts(x: float) -> str:
    return f"{100 * x:+.1f}"


def headline(task: str, deployments: list[Row]) -> str:
    """`per-model prompts pay for: alpha +6.1 pts [2.0, 10.2] on extraction; ...` (the gains whose interval is above
    0, then those below it and those that cannot tell)."""
    parts: dict[str, list[str]] = defaultdict(list)
    for d in deployments:
        g = d["gain"]
        if g:
            parts[g["verdict"]].append(f"{d['deployment']} {pts(g['diff'])} pts [{100 * g['ci'][0]:.1f}, "
                                       f"{100 * g['ci'][1]:.1f}]")  # fmt: skip
    said = {"pays": "pay for", "costs": "cost", "unclear": "cannot tell (interval spans 0) for"}
    lines = [f"per-model prompts {said[k]}: {', '.join(parts[k])} on {task}" for k in said if parts[k]]
    return "; ".join(lines) if lines else f"no deployment of {task} has a template of its own beside default.j2"


def matrix(rows: list[Row]) -> list[Row]:
    """Per task of a portability run (it has `prompt:` variants): the deployment × template matrix and the gains.
    Empty for any other run. Only `base` and `prompt:` variants count (a named variant is another experiment)."""
    if not any(str(r["variant"]).startswith(PORTABLE) for r in rows):
        return []
    by_task: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        if r["variant"] == "base" or str(r["variant"]).startswith(PORTABLE):
            by_task[r["task"]].append(r)
    return [_task(task, rs) for task, rs in sorted(by_task.items())]


def flat(tasks: list[Row]) -> tuple[list[Row], list[Row]]:
    """The matrix as records (one per task, deployment and template) and the gains (one per deployment with its own
    template): what the notebook's frames hold."""
    cells, gains = [], []
    for t in tasks:
        for d in t["deployments"]:
            for name, c in d["cells"].items():
                low, high = c["pass_ci"] or (None, None)
                cells.append({"task": t["task"], "deployment": d["deployment"], "family": d["family"],
                              "template": name, "own": c["own"], "variant": c["variant"], "n": c["n"],
                              "pass_rate": c["pass_rate"], "ci_low": low, "ci_high": high,
                              "simulated": c["simulated"]})  # fmt: skip
            g = d["gain"]
            if g:
                gains.append({"task": t["task"], "deployment": d["deployment"], "family": d["family"],
                              "own": d["own"], "n": g["n"], "diff": g["diff"], "ci_low": g["ci"][0],
                              "ci_high": g["ci"][1], "p": g["p"], "method": g["method"], "verdict": g["verdict"],
                              "simulated": any(c["simulated"] for c in d["cells"].values())})  # fmt: skip
    return cells, gains
