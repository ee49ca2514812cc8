"""Paired comparisons for the report: chain positions against their primary, and a run against its baseline."""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from typing import Any

from harness import stats

Row = dict[str, Any]


def case_scores(rows: list[Row]) -> dict[str, tuple[float, bool, str | None]]:
    """case id -> (mean score over samples, all samples passed, cluster); cases with an unscored sample drop out."""
    by_case: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        by_case[r["case_id"]].append(r)
    out = {}
    for case, rs in by_case.items():
        if any(r["score"] is None for r in rs):
            continue
        out[case] = (statistics.fmean(r["score"] for r in rs), all(r["passed"] for r in rs), rs[0]["cluster"])
    return out


def _paired(a: dict[str, tuple[float, bool, str | None]], b: dict[str, tuple[float, bool, str | None]]) -> Any:
    common = sorted(set(a) & set(b))
    if len(common) < 2:
        return None, common
    clusters = [a[c][2] for c in common]
    clustered = any(x is not None for x in clusters)
    diff = stats.paired_difference(
        [a[c][0] for c in common], [b[c][0] for c in common],
        [x or f"\x00{c}" for x, c in zip(clusters, common, strict=True)] if clustered else None,
    )  # fmt: skip
    return diff, common


def _diff_dict(d: stats.PairedDifference) -> dict[str, Any]:
    return {"n": d.n, "diff": d.diff, "se": d.se, "ci": [d.ci.low, d.ci.high], "p": d.p_value, "mde": d.mde,
            "mean_a": d.mean_a, "mean_b": d.mean_b, "correlation": d.correlation}  # fmt: skip


def _outputs(rows: list[Row]) -> dict[str, str]:
    return {r["case_id"]: " ".join(str(r["output"] or "").casefold().split()) for r in rows if r["sample"] == 0}


def ladders(rows: list[Row], margins: dict[str, dict[str, float]], base_models: dict[str, str | None] | None = None
            ) -> list[dict[str, Any]]:  # fmt: skip
    """Per task and variant: each chain position against the primary on the cases both answered."""
    base_models = base_models or {}
    groups: dict[tuple[str, str], dict[str, list[Row]]] = defaultdict(lambda: defaultdict(list))
    for r in rows:
        groups[(r["task"], r["variant"])][r["deployment"]].append(r)
    out = []
    for (task, variant), by_dep in sorted(groups.items()):
        order = sorted(by_dep, key=lambda d: (min(r["chain_position"] or 0 for r in by_dep[d]), d))
        primary = order[0]
        bars = margins[task]
        p_scores, p_out = case_scores(by_dep[primary]), _outputs(by_dep[primary])
        steps = []
        for dep in order:
            scores = case_scores(by_dep[dep])
            step: dict[str, Any] = {
                "deployment": dep, "role": by_dep[dep][0]["role"], "n": len(scores),
                "mean": statistics.fmean(v[0] for v in scores.values()) if scores else None,
                "simulated": any(r["simulated"] for r in by_dep[dep]),
            }  # fmt: skip
            if dep != primary:
                diff, common = _paired(p_scores, scores)
                if diff is not None:
                    step["vs_primary"] = _diff_dict(diff)
                    step["non_inferiority"] = stats.non_inferiority(diff, bars["non_inferiority_margin"], bars["alpha"])
                    same = base_models.get(dep) and base_models.get(dep) == base_models.get(primary)
                    if same:
                        step["equivalence"] = stats.tost(diff, bars["equivalence_margin"], bars["alpha"])
                outs = _outputs(by_dep[dep])
                shared = sorted(set(outs) & set(p_out))
                if shared:
                    step["agreement"] = sum(outs[c] == p_out[c] for c in shared) / len(shared)
                    if rows and by_dep[dep][0]["task_class"] == "classification":
                        step["kappa"] = stats.cohen_kappa([p_out[c] for c in shared], [outs[c] for c in shared])
            steps.append(step)
        out.append({"task": task, "variant": variant, "primary": primary, "steps": steps,
                    "margin": bars["non_inferiority_margin"]})  # fmt: skip
    return out


def _verdict(d: stats.PairedDifference, p_adj: float, bars: dict[str, float]) -> str:
    if p_adj < bars["alpha"] and d.diff < 0:
        return "regressed"
    if d.diff > bars["regression_margin"] and d.ci.low > 0:
        return "improved"
    if d.mde > bars["regression_margin"]:
        return "inconclusive"
    return "no detectable change"


def _one_sided_drop_p(d: stats.PairedDifference, margin: float) -> float:
    """p for H0: the drop is at most `margin` (diff ≥ −margin) against H1: it is larger."""
    if d.se <= 0:
        return 0.0 if d.diff < -margin else 1.0
    z = (d.diff + margin) / d.se
    return 0.5 * math.erfc(-z / math.sqrt(2))  # lower tail: small when the drop clearly exceeds the margin


def drift(base: list[Row], cur: list[Row], margins: dict[str, dict[str, float]], max_cases: int) -> dict[str, Any]:
    """Each (task, deployment, variant) present in both runs: paired difference, McNemar, Holm, MDE, flips."""
    bgroups: dict[tuple[str, str, str], list[Row]] = defaultdict(list)
    cgroups: dict[tuple[str, str, str], list[Row]] = defaultdict(list)
    for r in base:
        bgroups[(r["task"], r["deployment"], r["variant"])].append(r)
    for r in cur:
        cgroups[(r["task"], r["deployment"], r["variant"])].append(r)
    pairs, pvals = [], []
    for key in sorted(set(bgroups) & set(cgroups)):
        a, b = case_scores(bgroups[key]), case_scores(cgroups[key])
        diff, common = _paired(a, b)
        if diff is None:
            continue
        bars = margins[key[0]]
        worse = sum(a[c][1] and not b[c][1] for c in common)
        better = sum(not a[c][1] and b[c][1] for c in common)
        pairs.append((key, diff, common, worse, better, bars))
        pvals.append(_one_sided_drop_p(diff, bars["regression_margin"]))
    adjusted = stats.holm(pvals) if pvals else []
    out_pairs: list[Row] = []
    flips: list[Row] = []
    outputs_b = {(r["task"], r["deployment"], r["variant"], r["case_id"]): r for r in base if r["sample"] == 0}
    for (key, diff, _common, worse, better, bars), p_adj in zip(pairs, adjusted, strict=True):
        out_pairs.append({"task": key[0], "deployment": key[1], "variant": key[2], **_diff_dict(diff),
                          "mcnemar_p": stats.mcnemar(worse, better), "pass_to_fail": worse,
                          "fail_to_pass": better, "p_holm": p_adj, "verdict": _verdict(diff, p_adj, bars)})  # fmt: skip
        for r in cgroups[key]:
            before = outputs_b.get((*key, r["case_id"]))
            if r["sample"] != 0 or before is None or before["passed"] == r["passed"] or len(flips) >= max_cases:
                continue
            flips.append({"task": key[0], "deployment": key[1], "variant": key[2], "case_id": r["case_id"],
                          "direction": "pass → fail" if before["passed"] else "fail → pass",
                          "before": before["output"], "after": r["output"], "before_score": before["score"],
                          "after_score": r["score"]})  # fmt: skip
    flips.sort(key=lambda f: (f["direction"] != "pass → fail", f["task"], f["deployment"], f["case_id"]))
    return {"pairs": out_pairs, "flips": flips}
