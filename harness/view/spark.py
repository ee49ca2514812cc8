"""The runs page's history: per suite, the pass rate of each of its runs in start order, as an inline SVG sparkline
drawn here (numbers only reach the markup; the CSP allows no script and needs none)."""

from __future__ import annotations

from typing import Any

WIDTH, HEIGHT, PAD = 160, 36, 3
"""The sparkline's box in px; the y axis is the pass rate from 0 (bottom) to 1 (top)."""


def _point(i: int, n: int, rate: float) -> tuple[float, float]:
    x = PAD + (WIDTH - 2 * PAD) * (i / (n - 1) if n > 1 else 0.5)
    return round(x, 1), round(PAD + (HEIGHT - 2 * PAD) * (1 - rate), 1)


def history(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per suite (by name), its runs with a pass rate, oldest first: run id, start, pass rate, simulated and the
    point drawn for it (`x`, `y`), the polyline's `points`, and the first and latest rates."""
    by_suite: dict[str, list[dict[str, Any]]] = {}
    for r in sorted(runs, key=lambda r: (r["started"] or "", r["run_id"])):
        if r["pass_rate"] is not None:
            by_suite.setdefault(r["suite"], []).append(r)
    out = []
    for suite, found in sorted(by_suite.items()):
        points = []
        for i, r in enumerate(found):
            x, y = _point(i, len(found), r["pass_rate"])
            points.append({"run_id": r["run_id"], "started": r["started"], "pass_rate": r["pass_rate"],
                           "simulated": bool(r["simulated"]), "x": x, "y": y})  # fmt: skip
        out.append({"suite": suite, "runs": points, "points": " ".join(f"{p['x']},{p['y']}" for p in points),
                    "first": found[0]["pass_rate"], "latest": found[-1]["pass_rate"]})  # fmt: skip
    return out
