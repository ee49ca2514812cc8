"""Geometry for the report's inline SVG charts: numbers and labels only; the template draws them (and escapes every
label), so no markup is built here and nothing needs JavaScript or the network."""

from __future__ import annotations

import math
from typing import Any

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 48, 190, 14, 34
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22")


def _y(score: float) -> float:
    return round(TOP + (1 - score) * (HEIGHT - TOP - BOTTOM), 1)


def _frame() -> dict[str, Any]:
    ticks = [{"y": _y(v), "label": f"{v:.2f}"} for v in (0, 0.25, 0.5, 0.75, 1)]
    return {"width": WIDTH, "height": HEIGHT, "left": LEFT, "right": WIDTH - RIGHT, "top": TOP,
            "bottom": HEIGHT - BOTTOM, "y_ticks": ticks}  # fmt: skip


def trend(task: dict[str, Any], runs: list[dict[str, Any]]) -> dict[str, Any]:
    """One line per deployment: mean score per run, oldest run left."""
    span = max(1, len(runs) - 1)

    def x(i: int) -> float:
        return round(LEFT + i / span * (WIDTH - LEFT - RIGHT), 1)

    lines = []
    for k, s in enumerate(task["series"]):
        dots = [{"x": x(p["run"]), "y": _y(p["mean"]), "sim": p["simulated"],
                 "title": f"{s['deployment']} · run {p['run_id']}: {p['mean']:.3f} over {p['cases']} cases"
                          + (" (simulated)" if p["simulated"] else "")} for p in s["points"]]  # fmt: skip
        points = " ".join(f"{d['x']},{d['y']}" for d in dots)
        lines.append({"label": s["deployment"], "color": PALETTE[k % len(PALETTE)], "dots": dots,
                      "points": points, "legend_y": TOP + 14 * k + 8})  # fmt: skip
    ticks = [{"x": x(i), "label": str(i + 1)} for i in range(len(runs)) if len(runs) <= 12 or i % 5 == 0]
    return {**_frame(), "lines": lines, "x_ticks": ticks, "x_label": "run (oldest → newest)"}


def cost_quality(points: list[dict[str, Any]]) -> dict[str, Any]:
    """Mean score against cost per 1,000 cases on a log axis (free deployments at the left edge), the Pareto
    frontier as a step line from the cheapest point."""
    paid = [p["cost_per_1k"] for p in points if p["cost_per_1k"] > 0]
    lo = math.floor(math.log10(min(paid))) if paid else -2
    hi = max(lo + 1, math.ceil(math.log10(max(paid)))) if paid else 0
    free_x, axis = LEFT + 10, (LEFT + 40, WIDTH - RIGHT)

    def x(cost: float) -> float:
        if cost <= 0:
            return free_x
        return round(axis[0] + (math.log10(cost) - lo) / (hi - lo) * (axis[1] - axis[0]), 1)

    dots = [{"x": x(p["cost_per_1k"]), "y": _y(p["mean"]), "frontier": p["frontier"], "label": p["deployment"],
             "color": PALETTE[k % len(PALETTE)], "legend_y": TOP + 14 * k + 8,
             "title": f"{p['deployment']}: score {p['mean']:.3f}, ${p['cost_per_1k']:.4g} per 1k cases"
                      + (" (Pareto frontier)" if p["frontier"] else f" (dominated by {p['dominated_by']})")}
            for k, p in enumerate(points)]  # fmt: skip
    front = sorted((d for d in dots if d["frontier"]), key=lambda d: d["x"])
    steps = [f"{front[0]['x']},{front[0]['y']}"] if front else []
    for prev, d in zip(front, front[1:], strict=False):
        steps += [f"{d['x']},{prev['y']}", f"{d['x']},{d['y']}"]
    ticks = [{"x": x(10.0**e), "label": f"${10.0**e:g}"} for e in range(lo, hi + 1)]
    if any(p["cost_per_1k"] <= 0 for p in points):
        ticks.insert(0, {"x": free_x, "label": "$0"})
    return {**_frame(), "dots": dots, "frontier": " ".join(steps), "x_ticks": ticks, "x_label": "$ per 1,000 cases"}
