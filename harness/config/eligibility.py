"""Per-case routing: which chain a case takes, and which of its entries may serve it, with reasons.

Decided before any call. A case's size for route conditions is estimated from its input fields; each entry's
context-window and cost checks use that entry's own rendered prompt and family factor, with the safety margin
(images count as width × height / 750 tokens each, at most 1,600). A case with images needs the `vision`
capability.
Every dropped entry is kept with its reason: the audit trail `harness routing explain` prints and runs journal.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from harness.config.datasets import Case
from harness.config.images import IMAGES_FIELD, image_tokens
from harness.config.models import Deployment, ModelTable
from harness.config.routing import Constraints, Route, RoutingTable, static_drop
from harness.config.tokens import DEFAULT_BYTES_PER_TOKEN, SAFETY_MARGIN, estimate_tokens
from harness.types import Message


@dataclass(frozen=True)
class CaseRoute:
    """The chain one case takes."""

    task: str
    case_id: str
    route: str
    """`chain` (the task's own) or `route N` (the N-th conditional route, 1-based)."""
    chain: tuple[str, ...]
    case_tokens: int
    constraints: Constraints
    risk_level: str | None
    route_spec: Route | None = field(default=None, repr=False)


def case_tokens(case: Case) -> int:
    """Estimated tokens of a case's input fields (default factor, with the safety margin) and of its images."""
    fields = (v for k, v in case.input.items() if not (k == IMAGES_FIELD and case.images))
    text = "\n".join(v if isinstance(v, str) else json.dumps(v, ensure_ascii=False) for v in fields)
    images = sum(image_tokens(image) for image in case.images)
    return estimate_tokens(text, DEFAULT_BYTES_PER_TOKEN, SAFETY_MARGIN) + images


def route_case(table: RoutingTable, task: str, case: Case) -> CaseRoute:
    """First matching route wins; otherwise the task's chain."""
    spec = table.tasks[task]
    tokens = case_tokens(case)
    for i, r in enumerate(spec.routes, start=1):
        when = r.when
        if when.input_tokens is not None and not when.input_tokens.matches(tokens):
            continue
        if when.tags_any and not set(when.tags_any) & set(case.tags):
            continue
        return CaseRoute(
            task, case.id, f"route {i}", tuple(r.chain or spec.chain), tokens,
            r.constraints or spec.constraints, r.risk_level or spec.risk_level, r,
        )  # fmt: skip
    return CaseRoute(task, case.id, "chain", tuple(spec.chain), tokens, spec.constraints, spec.risk_level)


def prompt_tokens(messages: tuple[Message, ...], dep: Deployment, models: ModelTable) -> int:
    text = "".join(m.content for m in messages)
    images = sum(image_tokens(image) for m in messages for image in m.images)
    return estimate_tokens(text, models.family(dep.family).bytes_per_token, SAFETY_MARGIN) + images


def drop_reason(
    table: RoutingTable,
    models: ModelTable,
    route: CaseRoute,
    dep_id: str,
    messages: tuple[Message, ...],
    max_tokens: int,
    needs: tuple[str, ...] = (),
) -> str | None:
    """Why `dep_id` may not serve this case (None: eligible). Checked in order: risk, capability, latency,
    input size, context window, cost ceiling."""
    reason = static_drop(table, route.task, route.route_spec, dep_id, models)
    if reason:
        return reason
    dep = models.deployments[dep_id]
    if dep.local:
        return None
    if any(m.images for m in messages):
        needs = (*needs, "vision")
    missing = [c for c in needs if c not in dep.capabilities]
    if missing:
        return f"capability: the case needs {', '.join(missing)}"
    cons = route.constraints
    if cons.max_input_tokens is not None and route.case_tokens > cons.max_input_tokens:
        return f"input size: ~{route.case_tokens} tokens over max_input_tokens {cons.max_input_tokens}"
    tokens = prompt_tokens(messages, dep, models)
    if tokens + max_tokens > dep.context_window:
        return f"context window: ~{tokens} input + {max_tokens} output tokens > {dep.context_window}"
    if cons.cost_ceiling_usd is not None:
        cost = (tokens * dep.pricing.input_per_mtok + max_tokens * dep.pricing.output_per_mtok) / 1e6
        if cost > cons.cost_ceiling_usd:
            return f"cost ceiling: ~${cost:.4f} per request over ${cons.cost_ceiling_usd:g}"
    return None


def route_record(run_id: str, route: CaseRoute, entries: list[dict[str, Any]]) -> dict[str, Any]:
    """The journal record of one case's routing decision."""
    return {
        "type": "route",
        "run_id": run_id,
        "task": route.task,
        "case_id": route.case_id,
        "route": route.route,
        "chain": list(route.chain),
        "case_tokens": route.case_tokens,
        "risk_level": route.risk_level,
        "entries": entries,
    }
