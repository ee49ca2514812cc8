"""Routed play: each case walked through its eligible chain as production would, from the fan-out's own cells.

Every eligible position of a case was already called in the fan-out with the request production would send, so
the walk needs no new calls: position k's cell is what the k-th deployment answers. The walk moves on when a
position failed with a class in the policy's `fallback_on` (semantic ones included: empty, truncated,
schema-invalid output, refusal) or overran the latency budget, stops on `never_fallback_on` classes, and charges
the case every attempt it made (latency and cost). Fault injection shapes the fan-out, and so the walk.

Each walk is one `served` record: requested (the chain's primary) vs served deployment, why each earlier position
failed, end-to-end latency and cost. Served cells never count as the primary's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from harness.config.routing import Policy, expand_classes, over_latency_budget
from harness.errors import FailureClass
from harness.graders.structured import parse_json_output

Key = tuple[str, str, str, int]
#: Plays every walk at once (`router_runtime.Runtime.player`): (cells by position, chain) per key -> served bodies.
Play = Callable[[dict[Key, dict[int, dict[str, Any]]], dict[Key, list[str]]], dict[Key, dict[str, Any]]]

REFUSAL = re.compile(
    r"^\s*(i('m| am) (sorry|unable)|i can(no|')t (help|assist|comply)|as an ai\b|i won't be able)", re.I
)


def semantic_failure(cell: dict[str, Any]) -> FailureClass | None:
    """A 200 that is still a failure: empty, cut off, not the JSON the task needs, or a refusal."""
    if cell.get("status") != "ok":
        return None
    output = cell.get("output") or ""
    if not output.strip() and not cell.get("tool_calls"):
        return FailureClass.empty_output
    if cell.get("finish_reason") == "length":
        return FailureClass.truncated_output
    if cell.get("task_class") == "extraction":
        try:
            parse_json_output(output)
        except ValueError:
            return FailureClass.schema_invalid
    if REFUSAL.match(output):
        return FailureClass.refusal
    return None


def verdict(cell: dict[str, Any], budget: float | None, on: str) -> tuple[str | None, float, float]:
    """(failure, charged latency, TTFT) of a fan-out cell as a walk meets it: its error class or semantic failure,
    or a timeout at the budget when it answered over it (production gives up then)."""
    latency = float(cell.get("latency_ms") or 0.0)
    failure = cell.get("error_class") or semantic_failure(cell)
    ttft = float(cell["ttft_ms"]) if cell.get("ttft_ms") is not None else latency
    if failure is None and over_latency_budget(budget, on, latency, ttft):
        return str(FailureClass.timeout), float(budget or latency), ttft
    return (str(failure) if failure else None), latency, ttft


def walk(
    cells_by_position: dict[int, dict[str, Any]],
    chain_length: int,
    policy: Policy,
    latency_budget_ms: float | None,
    latency_budget_on: str = "total",
) -> dict[str, Any]:
    """Walk one case's chain; return the served record's body. The budget bounds the measure the task names (a cell
    without a TTFT was not streamed: its first token came with its last)."""
    fallback_on = expand_classes(policy.fallback_on)
    never = expand_classes(policy.never_fallback_on)
    path: list[dict[str, Any]] = []
    latency = cost = 0.0
    final_class: str | None = None
    for position in range(chain_length):
        cell = cells_by_position.get(position)
        if cell is None:
            continue  # ineligible for this case: production never calls it
        failure, cell_latency, ttft = verdict(cell, latency_budget_ms, latency_budget_on)
        cost += float(cell.get("cost_usd") or 0.0)
        latency += cell_latency
        path.append({"deployment": cell["deployment"], "position": position,
                     "outcome": "ok" if failure is None else str(failure)})  # fmt: skip
        if failure is None:
            return {"served_deployment": cell["deployment"], "served_position": position,
                    "served_cell": cell["cell_key"], "status": "ok", "failure_class": None, "path": path,
                    "latency_ms": round(latency, 3), "ttft_ms": round(latency - cell_latency + ttft, 3),
                    "cost_usd": cost}  # fmt: skip
        final_class = str(failure)
        if failure in never or failure not in fallback_on:
            break
    return {"served_deployment": None, "served_position": None, "served_cell": None, "status": "error",
            "failure_class": final_class or "skipped_budget", "path": path, "latency_ms": round(latency, 3),
            "ttft_ms": None, "cost_usd": cost}  # fmt: skip


def served_records(
    run_id: str,
    cells: Iterable[dict[str, Any]],
    routes: dict[tuple[str, str], dict[str, Any]],
    policies: dict[str, Policy],
    budgets: dict[str, float | None],
    budget_on: Mapping[str, str] | None = None,
    play: Play | None = None,
) -> list[dict[str, Any]]:
    """One `served` record per (task, case, variant, sample) from the run's final cell records; with `play` (the
    routing table's cooldowns and balance groups: `router_runtime`; hedged tasks: `hedging`), the walks it answers
    are played by it, the others walked here."""
    groups: dict[tuple[str, str, str, int], dict[int, dict[str, Any]]] = {}
    for c in cells:
        if c.get("chain_position") is None:
            continue
        key = (c["task"], c["case_id"], c["variant"], int(c["sample"]))
        groups.setdefault(key, {})[int(c["chain_position"])] = c
    chains = {}
    for (task, case_id, variant, sample), by_pos in groups.items():
        route = routes.get((task, case_id))
        chains[(task, case_id, variant, sample)] = (
            route["chain"] if route else [by_pos[p]["deployment"] for p in sorted(by_pos)]
        )
    played = play(groups, chains) if play else {}
    out = []
    for (task, case_id, variant, sample), by_pos in sorted(groups.items()):
        route = routes.get((task, case_id))
        chain = chains[(task, case_id, variant, sample)]
        body = played.get((task, case_id, variant, sample)) or walk(
            by_pos, len(chain), policies[task], budgets.get(task), (budget_on or {}).get(task, "total")
        )
        tried = {p["position"] for p in body["path"]}
        body["simulated"] = any(bool(by_pos[p].get("simulated")) for p in tried)  # any simulated answer on the path
        out.append({"type": "served", "run_id": run_id, "task": task, "case_id": case_id, "variant": variant,
                    "sample": sample, "route": route["route"] if route else "chain", "requested": chain[0],
                    **body})  # fmt: skip
    return out
