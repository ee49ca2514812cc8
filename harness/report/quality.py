"""Report sections over one run's cells: cost vs quality with the Pareto frontier, prompt variants (and the gain of
each deployment's own family prompt), flaky cases across repeats. Pure functions, no database."""

from __future__ import annotations

from collections import defaultdict
from pathlib import PurePath
from typing import Any

from harness import stats
from harness.report.compare import Case, case_scores, paired_cases

Row = dict[str, Any]


def _dominates(a: Row, b: Row) -> bool:
    """`a` is at least as cheap and as good as `b`, and strictly better on one of them."""
    cheaper, better = a["cost_per_1k"] - b["cost_per_1k"], a["mean"] - b["mean"]
    return bool(cheaper <= 0 and better >= 0 and (cheaper < 0 or better > 0))


def cost_quality(view: list[Row]) -> list[dict[str, Any]]:
    """Per task and variant: each deployment's cost per 1,000 cases and mean score; the Pareto frontier is the set of
    deployments no other one dominates (as cheap or cheaper and as good or better, strictly on one)."""
    groups: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for r in view:
        if r["mean"] is not None:
            groups[(r["task"], r["variant"])].append(r)
    out = []
    for (task, variant), rows in sorted(groups.items()):
        points = []
        for r in sorted(rows, key=lambda x: (x["cost_per_1k"], -x["mean"], x["deployment"])):
            by = [o["deployment"] for o in rows if _dominates(o, r)]
            points.append({"deployment": r["deployment"], "role": r["role"], "cost_per_1k": r["cost_per_1k"],
                           "mean": r["mean"], "p95_ms": r["p95_ms"], "simulated": r["simulated"],
                           "frontier": not by, "dominated_by": by[0] if by else None})  # fmt: skip
        out.append({"task": task, "variant": variant, "points": points})
    return out


def _own(template_path: str | None, deployment: str, family: str | None) -> bool:
    """The template is the deployment's own (its id's) or its family's, not the shared default."""
    name = PurePath(template_path or "").name
    return any(name == f"{stem}.j2" or name.startswith(f"{stem}.") for stem in (deployment, family) if stem)


def _side(by_variant: dict[str, list[Row]], names: list[str]) -> dict[str, Case]:
    """Per case: the mean over `names` variants of the case's score (cases every one of them scored)."""
    scores = [case_scores(by_variant[v]) for v in names]
    common = set.intersection(*(set(s) for s in scores))
    return {c: (stats.mean([s[c][0] for s in scores]), True, scores[0][c][2]) for c in common}


def _gain(by_variant: dict[str, list[Row]], own: list[str], others: list[str]) -> dict[str, Any] | None:
    """Own-prompt variants against the others, paired per case: `diff` = own − others."""
    if not own or not others:
        return None
    diff, _ = paired_cases(_side(by_variant, others), _side(by_variant, own))
    if diff is None:
        return None
    return {"n": diff.n, "diff": diff.diff, "ci": [diff.ci.low, diff.ci.high], "p": diff.p_value, "own": own,
            "others": others}  # fmt: skip


def variants(rows: list[Row], view: list[Row]) -> list[dict[str, Any]]:
    """When the run compared prompt variants: per task and deployment, each variant's score with the template it
    used, and the gain of the deployment's own (id or family) template over the other variants' templates."""
    if len({r["variant"] for r in view}) < 2:
        return []
    cells: dict[tuple[str, str], dict[str, list[Row]]] = defaultdict(lambda: defaultdict(list))
    for r in rows:
        cells[(r["task"], r["deployment"])][r["variant"]].append(r)
    summary = {(r["task"], r["deployment"], r["variant"]): r for r in view}
    out = []
    for (task, dep), by_variant in sorted(cells.items()):
        entries = []
        for v, rs in sorted(by_variant.items()):
            s = summary[(task, dep, v)]
            path = rs[0]["template_path"]
            mine = _own(path, dep, rs[0]["family"])
            entries.append({"variant": v, "template": PurePath(path or "").name, "own": mine, "n": s["n"],
                            "mean": s["mean"], "mean_ci": s["mean_ci"], "pass_rate": s["pass_rate"],
                            "simulated": s["simulated"]})  # fmt: skip
        own = [e["variant"] for e in entries if e["own"]]
        others = [e["variant"] for e in entries if not e["own"]]
        out.append({"task": task, "deployment": dep, "family": next(iter(by_variant.values()))[0]["family"],
                    "variants": entries, "gain": _gain(by_variant, own, others)})  # fmt: skip
    return out


def flaky(rows: list[Row], max_cases: int) -> list[dict[str, Any]]:
    """Per (task, deployment, variant) with repeats: cases that both passed and failed across their samples, the
    share of such cases, pass@1 and pass^k (all k samples pass) with k the fewest samples a case has."""
    groups: dict[tuple[str, str, str], dict[str, list[bool]]] = defaultdict(lambda: defaultdict(list))
    sim: dict[tuple[str, str, str], bool] = defaultdict(bool)
    for r in rows:
        key = (r["task"], r["deployment"], r["variant"])
        sim[key] |= bool(r["simulated"])
        if r["passed"] is not None:
            groups[key][r["case_id"]].append(bool(r["passed"]))
    out = []
    for key, passes in sorted(groups.items()):
        k = min(len(p) for p in passes.values())
        if max(len(p) for p in passes.values()) < 2:
            continue
        cases = stats.flaky_cases(passes)
        out.append({"task": key[0], "deployment": key[1], "variant": key[2], "cases": len(passes), "k": k,
                    "flaky": len(cases), "flaky_rate": len(cases) / len(passes),
                    "pass_1": stats.mean([sum(p) / len(p) for p in passes.values()]),
                    "pass_hat_k": stats.mean([stats.pass_hat_k(len(p), sum(p), k) for p in passes.values()]),
                    "examples": cases[:max_cases], "simulated": sim[key]})  # fmt: skip
    return out
