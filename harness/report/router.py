"""The report's router section: what the router's runtime (`run/router_runtime.py`) and a semantic router in front
of the table (`semantic_router.py`) would do with this run's requests, computed from its cells at report time.

- **Cooldowns** (a routing table with `router.cooldown`): the run's requests played on the request clock with and
  without cooldowns, as measured and under each suite scenario whose faults touch a chain: how many requests
  skipped a cooling deployment, how often deployments were cooled, and served quality (an unserved request scores
  0), p50/p95 latency and cost on both sides. A scenario's faults are drawn per call, seeded by the scenario and
  the cell (the fault model of `scenarios.py`: retryable classes retried up to the policy's `max_attempts`, empty
  and truncated answers cost the call, other failures do not, latency faults add their delay on hit calls).
- **Load balancing** (tasks with `balance:` groups): per group member, the requests it was picked for and served,
  the quality of what it served, p50/p95 latency and $ per 1,000 of its picked requests, and the mix's totals.
- **Semantic router**: routing accuracy with its CI and served quality with the router in the loop vs the oracle.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from harness import stats
from harness.config.routing import Policy, expand_classes
from harness.config.scenarios import SEMANTIC
from harness.report import semantic_router as sr
from harness.run.routed import Key
from harness.run.router_runtime import Request, Runtime, draw, play

Row = dict[str, Any]
MEASURED = "as measured"


def inject(cell: Row, faults: Sequence[Any], policy: Policy, seed: int, scenario: str) -> Row:
    """The cell as it would have ended under the scenario's faults, one seeded draw per call and fault."""
    if not faults or cell.get("error_class"):
        return cell
    retry = expand_classes(policy.retry.retry_on)
    extra, base = 0.0, float(cell.get("latency_ms") or 0.0)
    attempts = int(cell.get("attempts") or 1)
    for attempt in range(policy.retry.max_attempts):
        hit = None
        for i, f in enumerate(faults):
            if draw(seed, scenario, cell["cell_key"], attempt, i) < f.rate:
                extra += f.latency_ms
                hit = hit or f.failure
        if hit is None:
            break
        attempts += 1
        if hit in retry and attempt < policy.retry.max_attempts - 1:
            continue
        out = {**cell, "latency_ms": base + extra, "attempts": attempts - 1}
        if hit in SEMANTIC:  # answered, at the call's cost
            return (
                {**out, "output": "", "tool_calls": []} if hit == "empty_output" else {**out, "finish_reason": "length"}
            )
        return {**out, "status": "error", "error_class": hit, "cost_usd": 0.0}
    return {**cell, "latency_ms": base + extra, "attempts": attempts} if extra or attempts > 1 else cell


def requests(cells: Sequence[Row]) -> list[Request]:
    """One request per (task, case, variant, sample) of the run's chain cells, as routed play walks them (a skipped
    cell included); ineligible positions left blank."""
    units: dict[Key, dict[int, Row]] = defaultdict(dict)
    for c in cells:
        if c.get("chain_position") is not None:
            units[(c["task"], c["case_id"], c["variant"], int(c["sample"]))][int(c["chain_position"])] = c
    out = []
    for key, by_pos in units.items():
        chain = [""] * (max(by_pos) + 1)
        for p, c in by_pos.items():
            chain[p] = c["deployment"]
        out.append(Request(key, by_pos, chain))
    return out


def _numbers(bodies: Mapping[Key, Row], scores: Mapping[str, float]) -> Row:
    n = len(bodies)
    quality = [scores.get(b["served_cell"], 0.0) if b["status"] == "ok" else 0.0 for b in bodies.values()]
    lat = [b["latency_ms"] for b in bodies.values()]
    return {"requests": n, "quality": statistics.fmean(quality) if n else None,
            "unserved": sum(b["status"] != "ok" for b in bodies.values()) / n if n else None,
            "p50_ms": stats.quantile(lat, 0.5), "p95_ms": stats.quantile(lat, 0.95),
            "cost_per_1k": sum(b["cost_usd"] for b in bodies.values()) / n * 1000 if n else None,
            "skipped": sum(any(p["outcome"] == "cooldown" for p in b["path"]) for b in bodies.values())}  # fmt: skip


def _scenarios(scenarios: Mapping[str, Any], deps: set[str]) -> list[tuple[str, dict[str, list[Any]]]]:
    out: list[tuple[str, dict[str, list[Any]]]] = [(MEASURED, {})]
    for name, sc in scenarios.items():
        faults: dict[str, list[Any]] = defaultdict(list)
        for f in sc.faults:
            if f.deployment in deps:
                faults[f.deployment].append(f)
        if faults:
            out.append((name, dict(faults)))
    return out


def cooldowns(cells: Sequence[Row], table: Any, scenarios: Mapping[str, Any], policies: Mapping[str, Policy],
              budgets: Mapping[str, float | None],
              budget_on: Mapping[str, str] | None = None) -> list[Row]:  # fmt: skip
    """Per scenario (as measured first): the played stream with cooldowns beside the same stream without."""
    with_cd = Runtime.of(table)
    if with_cd is None or table.router.cooldown is None:
        return []
    without = Runtime(with_cd.settings.model_copy(update={"cooldown": None}), with_cd.balance)
    seed = table.router.seed
    out = []
    for name, faults in _scenarios(scenarios, {c["deployment"] for c in cells}):
        hit = [
            inject(c, faults.get(c["deployment"], []), policies.get(c["task"]) or Policy(), seed, name) for c in cells
        ]
        reqs = requests(hit)
        scores = {c["cell_key"]: float(c.get("score") or 0.0) for c in hit}
        on, health = play(reqs, with_cd, policies, budgets, budget_on)
        off, _ = play(reqs, without, policies, budgets, budget_on)
        cooled: dict[str, int] = defaultdict(int)
        for dep, _, _ in health.cooled:
            cooled[dep] += 1
        out.append({"scenario": name, "with": _numbers(on, scores), "without": _numbers(off, scores),
                    "cooled": dict(cooled), "first_cooldowns": [list(x) for x in health.cooled[:5]]})  # fmt: skip
    return out


def balance(cells: Sequence[Row], table: Any, policies: Mapping[str, Policy], budgets: Mapping[str, float | None],
            budget_on: Mapping[str, str] | None = None) -> list[Row]:  # fmt: skip
    """Per task and balance group: each member's share of picks and what it served, and the mix's totals."""
    runtime = Runtime.of(table, cooldowns=False)
    if runtime is None or not runtime.balance:
        return []
    bodies, _ = play(requests(cells), runtime, policies, budgets, budget_on)
    scores = {c["cell_key"]: float(c.get("score") or 0.0) for c in cells}
    out = []
    for task, groups in sorted(runtime.balance.items()):
        mine = {k: b for k, b in bodies.items() if k[0] == task}
        for g in groups:
            label = " + ".join(g.deployments)
            played = {k: b for k, b in mine.items() if label in b["picks"]}
            members = []
            for dep in g.deployments:
                picked = {k: b for k, b in played.items() if b["picks"][label] == dep}
                served = [scores.get(b["served_cell"], 0.0) for b in played.values() if b["served_deployment"] == dep]
                row = _numbers(picked, scores)
                members.append({"deployment": dep, "weight": g.weight(dep), "picked": len(picked),
                                "share": len(picked) / len(played) if played else None, "served": len(served),
                                "served_quality": statistics.fmean(served) if served else None,
                                "p50_ms": row["p50_ms"], "p95_ms": row["p95_ms"],
                                "cost_per_1k": row["cost_per_1k"]})  # fmt: skip
            out.append({"task": task, "group": label, "strategy": g.strategy, "members": members,
                        "mix": _numbers(played, scores)})  # fmt: skip
    return out


def router_cases(cells: Sequence[Row], datasets_dir: Path | None) -> tuple[list[sr.RouterCase], str]:
    """Every case of each task's recorded dataset version, with its request text and whether the run evaluated it."""
    from harness.report.cases import case_lookup

    refs = {r["task"]: (r["dataset"], r["dataset_version"]) for r in cells}
    evaluated = {(r["task"], r["case_id"]) for r in cells}
    found, note = case_lookup(datasets_dir, set(refs.values()))
    out = []
    for task, (name, version) in sorted(refs.items()):
        for (n, v, case_id), case in found.items():
            if (n, v) == (name, version):
                out.append(sr.RouterCase(task, case_id, sr.request_text(case.input), (task, case_id) in evaluated))
    return out, note


def semantic(cells: Sequence[Row], ctx: Any, holdout: float = 0.5, seed: int = 0) -> Row:
    """The semantic router's evaluation on the run (`semantic_router.evaluate`), labelled simulated when it is."""
    if ctx.project is None:
        return {"note": ctx.note or "the suite could not be read", "tasks": [], "cases": []}
    found, note = router_cases(cells, ctx.datasets_dir)
    table = ctx.project.routing
    routing = sr.Routing(cells, {t: r.chain for t, r in table.tasks.items()}, ctx.policies, ctx.budgets)
    out = sr.evaluate(found, routing, holdout, seed)
    out["simulated"] = any(c.get("simulated") for c in cells)
    out["note"] = "; ".join(x for x in (out.get("note"), note) if x)
    return out


def section(cells: Sequence[Row], ctx: Any) -> Row:
    """The report's router section; the semantic router only when the table asks (`router.semantic`), without its
    per-case rows (`harness routing router --json` has them)."""
    if ctx.project is None:
        return {"note": ctx.note, "cooldowns": [], "balance": [], "semantic": None}
    table = ctx.project.routing
    semantic_view = None
    if table.router.semantic is not None:
        semantic_view = semantic(cells, ctx, table.router.semantic.holdout, table.router.seed)
        semantic_view.pop("cases", None)
    return {"note": "", "cooldown": table.router.cooldown.model_dump() if table.router.cooldown else None,
            "cooldowns": cooldowns(cells, table, ctx.scenarios, ctx.policies, ctx.budgets, ctx.budget_on),
            "balance": balance(cells, table, ctx.policies, ctx.budgets, ctx.budget_on),
            "semantic": semantic_view}  # fmt: skip


def markdown_lines(view: Row) -> list[str]:
    """The router section in the Markdown report: cooldowns per scenario, each balance mix, the semantic router."""
    from harness.report.escape import md

    lines: list[str] = []
    for c in view.get("cooldowns") or []:
        w, wo = c["with"], c["without"]
        lines.append(f"- {md(c['scenario'])}: {w['skipped']} of {w['requests']} requests skipped a cooling deployment;"
                     f" served quality {w['quality']:.3f} with cooldowns, {wo['quality']:.3f} without; p95"
                     f" {w['p95_ms']:.0f} / {wo['p95_ms']:.0f} ms")  # fmt: skip
    for g in view.get("balance") or []:
        mix = ", ".join(
            f"{md(m['deployment'])} {m['share'] or 0:.0%} ({_q(m['served_quality'])})" for m in g["members"]
        )
        lines.append(f"- {md(g['task'])} balances {mix}; the mix {_q(g['mix']['quality'])}")
    sem = view.get("semantic") or {}
    if sem.get("held_out"):
        sv, (lo, hi) = sem["served"], sem["accuracy_ci"]
        lines.append(f"- semantic router: routing accuracy {sem['accuracy']:.1%} [{lo:.1%}, {hi:.1%}] on"
                     f" {sem['held_out']} held-out cases; served quality {sv['router']:.3f} vs {sv['oracle']:.3f} on"
                     f" the oracle route ({sv['strict']:.3f} counting misrouted cases failed)"
                     + (" (SIM)" if sem.get("simulated") else ""))  # fmt: skip
    return ["", "Router:", "", *lines] if lines else []


def _q(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}"
