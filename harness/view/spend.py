"""The run page's spend and latency: per task and deployment, per deployment and for the run, what its cells cost
(dollars, tokens, attempts) and how long they took (mean, p50 and p95 as the report takes them, the slowest)."""

from __future__ import annotations

from typing import Any

from harness.view import sql
from harness.view.reader import rows

SPEND = f"""
SELECT task, deployment, grouping(task) = 1 AS all_tasks, grouping(deployment) = 1 AS all_deployments,
       count(*) AS cells, min(coalesce(chain_position, 0)) AS position,
       count(*) FILTER (WHERE status = 'error') AS errors, count(*) FILTER (WHERE cache_hit) AS cache_hits,
       coalesce(sum(attempts), 0) AS attempts, sum(coalesce(cost_usd, 0)) AS cost_usd,
       coalesce(sum(input_tokens), 0) AS input_tokens, coalesce(sum(output_tokens), 0) AS output_tokens,
       avg(latency_ms) AS mean_ms, {sql.quantile("latency_ms", 0.5)} AS p50_ms,
       {sql.quantile("latency_ms", 0.95)} AS p95_ms, max(latency_ms) AS max_ms,
       coalesce(bool_or(simulated), false) AS simulated
FROM cells WHERE run_id = ?
GROUP BY GROUPING SETS ((task, deployment), (deployment), ())
"""


def spend(con: Any, run_id: str) -> dict[str, Any]:
    """`rows`: per (task, deployment), tasks in order and deployments in chain order; `deployments`: each
    deployment over every task; `total`: the run. Each with cells, errors, cache hits, attempts, cost (and per
    1,000 cells), tokens and latency."""
    found = rows(con, SPEND, [run_id])
    for r in found:
        r["cost_per_1k"] = r["cost_usd"] / r["cells"] * 1000 if r["cells"] else 0.0
    by_task = sorted((r for r in found if not r["all_tasks"]),
                     key=lambda r: (r["task"], r["position"], r["deployment"]))  # fmt: skip
    by_dep = sorted((r for r in found if r["all_tasks"] and not r["all_deployments"]),
                    key=lambda r: (r["position"], r["deployment"]))  # fmt: skip
    total = next((r for r in found if r["all_deployments"]), None)
    return {"rows": by_task, "deployments": by_dep, "total": total if total and total["cells"] else None}
