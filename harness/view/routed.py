"""The run page's routed play: what a routed run (`harness run --routed`, `run.routed`) measured when each case walked
its chain as production would, from the `served` table. Per task and variant: walks, who served how often, which
positions were passed over and why (the fallbacks taken), the walks no position could serve, the served quality
(the served cells' mean score, and the mean over every walk with an unserved one scoring 0, as the report's
scenario table), end-to-end latency (the report's p50 and p95), the served first token's p95, the share of walks that
hedged and what the hedges cost, and cost. Empty for a run that was not routed."""

from __future__ import annotations

from typing import Any

from harness.view import sql
from harness.view.reader import rows

#: A walk's `path` column: the positions it tried, in order, each with its outcome (`ok` or a failure class).
PATH = """unnest(from_json(s.path, '[{"deployment": "VARCHAR", "position": "INTEGER", "outcome": "VARCHAR"}]'))"""
WALKS = """
SELECT task, variant, count(*) AS walks, count(*) FILTER (WHERE served_deployment IS NULL) AS unserved,
       avg(score) AS served_mean, sum(coalesce(score, 0)) / count(*) AS quality,
       sum(coalesce(cost_usd, 0)) / count(*) * 1000 AS cost_per_1k, avg(latency_ms) AS mean_ms,
       {p50} AS p50_ms, {p95} AS p95_ms, {ttft} AS ttft_p95_ms, {hedged} AS hedged, {hedge} AS hedge_per_1k,
       coalesce(bool_or(simulated), false) AS simulated
FROM served WHERE run_id = ? GROUP BY task, variant ORDER BY task, variant
"""
#: Served columns added after the table (migration 14): read as NULL from a database or lake that predates them.
LATER = {"ttft": ("ttft_ms", sql.quantile("ttft_ms", 0.95)),
         "hedged": ("hedged", "avg(CASE WHEN hedged THEN 1.0 ELSE 0.0 END)"),
         "hedge": ("hedge_cost_usd", "sum(coalesce(hedge_cost_usd, 0)) / count(*) * 1000")}  # fmt: skip
SERVED_BY = """
SELECT task, variant, served_deployment AS deployment, min(served_position) AS position, count(*) AS walks
FROM served WHERE run_id = ? AND served_deployment IS NOT NULL GROUP BY ALL ORDER BY task, variant, walks DESC, position
"""
PASSED_OVER = f"""
SELECT s.task, s.variant, p.deployment AS deployment, p.position AS position, p.outcome AS outcome, count(*) AS walks
FROM served s, {PATH} AS t(p)
WHERE s.run_id = ? AND p.outcome <> 'ok' GROUP BY ALL ORDER BY task, variant, position, walks DESC, outcome
"""
UNSERVED = """
SELECT task, variant, failure_class, count(*) AS walks FROM served WHERE run_id = ? AND status <> 'ok'
GROUP BY ALL ORDER BY task, variant, walks DESC, failure_class
"""


def routed(con: Any, run_id: str) -> list[dict[str, Any]]:
    """Per (task, variant) of a routed run: its walks' numbers, `served_by` (deployment, walks, share),
    `passed_over` (deployment, position, outcome, walks) and `unserved_by` (failure class, walks)."""
    have = {str(c) for (c,) in con.execute("SELECT column_name FROM duckdb_columns() WHERE table_name = 'served'")
            .fetchall()}  # fmt: skip
    later = {k: expr if col in have else "NULL" for k, (col, expr) in LATER.items()}
    query = WALKS.format(p50=sql.quantile("latency_ms", 0.5), p95=sql.quantile("latency_ms", 0.95), **later)
    out = rows(con, query, [run_id])
    parts = {"served_by": SERVED_BY, "passed_over": PASSED_OVER, "unserved_by": UNSERVED}
    for r in out:
        r.update({name: [] for name in parts})
    by_key = {(r["task"], r["variant"]): r for r in out}
    for name, query in parts.items():
        for found in rows(con, query, [run_id]):
            group = by_key[(found.pop("task"), found.pop("variant"))]
            if name == "served_by":
                found["share"] = found["walks"] / group["walks"]
            group[name].append(found)
    return out
