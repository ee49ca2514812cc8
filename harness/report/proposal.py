"""Routing advice at its two edges: today's routing for each task, read from the suite (`task_routings`), and the
proposed routing file, written only once it loads and validates as a routing table (`write`)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from harness.config.routing import load_routing, static_drop
from harness.config.suite import Project
from harness.errors import ConfigError
from harness.report.advice import TaskRouting

Row = dict[str, Any]


def task_routings(project: Project, evaluated: Mapping[str, Iterable[str]]) -> dict[str, TaskRouting]:
    """Per task of both the suite and its routing table: today's chain, bars, policy, latency budget, scenarios,
    prices, and why today's table forbids each deployment the run evaluated (`evaluated`: task -> deployments)."""
    table, models = project.routing, project.models
    out = {}
    for task, route in table.tasks.items():
        if task not in project.suite.tasks:
            continue
        excluded = {}
        for dep in evaluated.get(task, ()):
            if dep not in models.deployments:
                excluded[dep] = "not in today's model table"
            elif why := static_drop(table, task, None, dep, models):
                excluded[dep] = why
        out[task] = TaskRouting(
            chain=tuple(route.chain), bars=project.suite.tasks[task].quality.model_dump(), policy=table.policy(task),
            budget_ms=route.constraints.latency_budget_ms, budget_on=route.constraints.latency_budget_on,
            scenarios=dict(project.suite.scenarios),
            excluded=excluded, own_routes=frozenset(f"route {i}" for i, r in enumerate(route.routes, start=1)
                                                    if r.chain is not None),
            canned=frozenset(d for d, dep in models.deployments.items() if dep.provider == "canned"),
            prices={d: (dep.pricing.input_per_mtok, dep.pricing.output_per_mtok)
                    for d, dep in models.deployments.items()},
        )  # fmt: skip
    return out


def routing_path(project: Project) -> Path:
    return project.suite_path.parent / project.suite.routing


def proposed_yaml(project: Project, advice: Mapping[str, Any]) -> str:
    """Today's routing file as its author set it (defaults left out), each switched task's chain replaced, under a
    header naming the run and every change."""
    import yaml

    data = project.routing.model_dump(mode="json", exclude_unset=True)
    header = [f"# Proposed by `harness routing advise` from run {advice['run_id']} of suite {advice['suite']}.",
              "# Review it, then replace the routing table with it. Changes:"]  # fmt: skip
    if advice["simulated"]:
        header.insert(1, "# SIMULATED: the run's answers came from simulated twins; not evidence of quality.")
    for t in advice["tasks"]:
        if t["status"] == "switch":
            data["tasks"][t["task"]]["chain"] = list(t["proposed"]["chain"])
            header += _balance_kept(data["tasks"][t["task"]], t["task"])
            header.append(f"#   {t['task']}: {' → '.join(t['today']['chain'])}  ⇒  {' → '.join(t['proposed']['chain'])}"
                          f" (saves ${t['saving_per_1k']:.4g} per 1,000 requests)")  # fmt: skip
    if len(header) == 2 + bool(advice["simulated"]):
        header.append("#   none: every task keeps today's chain.")
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=120)
    return "\n".join(header) + "\n" + body


def _balance_kept(task: dict[str, Any], name: str) -> list[str]:
    """Keep the task's balance groups that still stand together in its new chain; a note for each one dropped."""
    from harness.config.router import Balance, fits

    groups = task.get("balance") or []
    kept = [g for g in groups if fits(task["chain"], Balance.model_validate(g))]
    if len(kept) == len(groups):
        return []
    task["balance"] = kept
    return [f"#   {name}: balance group {' + '.join(g['deployments'])} dropped (not adjacent in the new chain)"
            for g in groups if g not in kept]  # fmt: skip


def write(path: Path, project: Project, advice: Mapping[str, Any]) -> None:
    """Write the proposed routing file; it must load and validate against today's model table first (a file that
    would not is never written, and the error names it)."""
    text = proposed_yaml(project, advice)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    try:
        load_routing(tmp, project.models)
    except ConfigError:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, path)
