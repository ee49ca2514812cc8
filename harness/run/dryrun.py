"""`harness run --dry-run`: what a run would send, before anything is sent.

Per deployment: cells, how many the response cache already answers, estimated input tokens (offline estimator
with its safety margin) and the cost ceiling (input estimate + `max_tokens` output at list price: an upper bound,
since answers are usually shorter). Simulated, local and skipped deployments cost nothing and say so.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from harness.run.cache import ResponseCache
from harness.run.plan import Plan


@dataclass
class DeploymentEstimate:
    deployment: str
    mode: str
    cells: int = 0
    cached: int = 0
    input_tokens: int = 0
    max_cost_usd: float = 0.0


def estimate(plan: Plan, results_dir: Path, sim_seed: int = 0) -> list[DeploymentEstimate]:
    from harness.run.runner import answer_keys

    cache = ResponseCache(results_dir / "cache" / "responses", "ro")
    rows: dict[str, DeploymentEstimate] = {}
    table = plan.project.models.deployments
    for cell in plan.cells:
        mode = plan.modes[cell.deployment]
        row = rows.setdefault(cell.deployment, DeploymentEstimate(cell.deployment, mode))
        row.cells += 1
        if any(cache.has(k) for k in answer_keys(plan, cell.deployment, mode, cell.request_hash, sim_seed)):
            row.cached += 1
            continue
        if mode != "live":
            continue
        dep = table[cell.deployment]
        row.input_tokens += cell.est_input_tokens
        row.max_cost_usd += (
            cell.est_input_tokens * dep.pricing.input_per_mtok
            + cell.request.options.max_tokens * dep.pricing.output_per_mtok
        ) / 1e6
    return sorted(rows.values(), key=lambda r: r.deployment)
