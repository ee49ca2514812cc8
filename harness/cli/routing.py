"""`harness routing`: the routing table's chains, routes and eligibility."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from harness.cli.common import DEFAULT_SUITE, ResultsOpt, StoreDataOpt, StoreOpt, cli_errors, source
from harness.errors import InputError

routing_app = typer.Typer(help="The routing table: chains, routes, eligibility.", no_args_is_help=True)


@routing_app.command("explain")
@cli_errors
def routing_explain(
    args: Annotated[
        list[str],
        typer.Argument(
            help="[SUITE] TASK: the suite file (default evals/example.yaml), then the task.", show_default=False
        ),
    ],
    case: Annotated[str, typer.Option("--case", help="Case id.")],
    suite: Annotated[Path | None, typer.Option(help="Suite file (or give it before TASK).")] = None,
    variant: Annotated[str, typer.Option(help="Prompt variant.")] = "base",
) -> None:
    """Which chain CASE takes in TASK of SUITE, and why each entry is eligible or dropped.

    `harness routing explain evals/mine.yaml my-task --case c1` or `... my-task --case c1 --suite evals/mine.yaml`."""
    from harness.cli import display
    from harness.config.suite import load_suite
    from harness.run.plan import Selection, build_plan

    suite_path, task = _suite_and_task(args, suite)
    project = load_suite(suite_path)
    plan = build_plan(project, Selection(tasks=[task], variants=[variant], mode="sim"), "explain")
    record = next((r for r in plan.routes if r["case_id"] == case), None)
    if record is None:
        raise InputError(f"no test case {case!r} in task {task!r}", fix="see `harness datasets show`")
    level = record["risk_level"] or "none"
    display.plain(
        f"task {task}, case {case}: ~{record['case_tokens']} tokens, takes {record['route']}, risk level {level}"
    )
    rows = [
        (e["position"], e["deployment"], project.models.deployments[e["deployment"]].provider,
         "eligible" if e["eligible"] else "dropped", e["reason"] or "")
        for e in record["entries"]
    ]  # fmt: skip
    display.print_table(None, ["pos", "deployment", "provider", "verdict", "reason"], rows)


def _suite_and_task(args: list[str], suite: Path | None) -> tuple[Path, str]:
    """`TASK` or `SUITE TASK`, the suite also as `--suite` (not both)."""
    if len(args) == 1:
        return suite or DEFAULT_SUITE, args[0]
    if len(args) == 2:
        if suite is not None:
            raise InputError(f"the suite is given twice ({args[0]} and --suite {suite})", fix="give one of them")
        return Path(args[0]), args[1]
    raise InputError(
        f"expected [SUITE] TASK, got {len(args)} arguments", fix="harness routing explain [SUITE] TASK --case ID"
    )


@routing_app.command("advise")
@cli_errors
def routing_advise(
    run: Annotated[str | None, typer.Option(help="Run id (default: the latest run).")] = None,
    out: Annotated[
        Path | None, typer.Option(help="Write the proposed routing table here (it is validated first).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="The advice as JSON on stdout.")] = False,
    suite: Annotated[Path | None, typer.Option(help="Today's suite (default: the one the run used).")] = None,
    results_dir: ResultsOpt = Path("results"),
    store: StoreOpt = None,
    store_data: StoreDataOpt = None,
) -> None:
    """Per task, the cheapest chain that meets the task's quality bars, from a run that evaluated every candidate.

    Today's chain and the proposed one side by side: served quality with its CI (as measured and under the suite's
    failure scenarios), p50/p95 latency, cost per 1,000 requests and the saving. Where the evidence cannot decide,
    it says how many more cases would."""
    import json

    from harness.cli import display
    from harness.report.data import advice_of

    advice = advice_of(source(results_dir, store, store_data), run, out, suite)
    if as_json:
        display.plain(json.dumps(advice, indent=2, default=str, ensure_ascii=False))
        return
    if advice["simulated"]:
        display.banner(display.SIM_BANNER)
    display.plain(f"Routing advice from run {advice['run_id']} (suite {advice['suite']})")
    if advice["note"]:
        display.note(f"note: {advice['note']}")
    for task in advice["tasks"]:
        _print_task(task)
    if out is not None:
        display.plain(f"proposed routing table: {out}")


def _print_task(t: dict[str, Any]) -> None:
    from harness.cli import display

    sim = " SIMULATED" if t["simulated"] else ""
    cases = f", {t['cases']} cases" if t.get("cases") else ""
    display.plain(f"\n{t['task']}{cases}{sim}: {t['summary']}")
    if t["today"] is None:
        return
    display.print_table(None, ["", "today", "proposed"], side_by_side(t))
    rows = [
        (c["deployment"], "-" if c["position"] is None else c["position"], c["cases"], _score(c["mean"], c["mean_ci"]),
         _ms(c["p50_ms"], c["p95_ms"]), f"{c['cost_per_1k']:.4f}", _vs(c.get("vs_primary")), _limits(c),
         "SIM" if c["simulated"] else "real")
        for c in t["candidates"]
    ]  # fmt: skip
    columns = ["candidate", "pos", "cases", "score [95% CI]", "p50 / p95 ms", "$ / 1k", "vs today's primary", "limits"]
    display.print_table(None, [*columns, "mode"], rows)


def side_by_side(t: dict[str, Any]) -> list[tuple[str, str, str]]:
    """Today's chain and the proposed one, row by row (the proposed column empty unless the advice is a switch)."""
    today, new = t["today"], (t["proposed"] if t["status"] == "switch" else None) or {}

    def both(fn: Any) -> tuple[str, str]:
        return fn(today), (fn(new) if new else "-")

    keep = "today's" if t["status"] in ("keep", "insufficient evidence") else "-"

    rows = [
        ("chain", " → ".join(today["chain"]), " → ".join(new["chain"]) if new else keep),
        ("served quality [95% CI]", *both(lambda c: _score(c["quality"], c["quality_ci"]))),
        ("p50 / p95 ms", *both(lambda c: _ms(c["p50_ms"], c["p95_ms"]))),
        ("$ per 1,000 requests", *both(lambda c: f"{c['cost_per_1k']:.4f}")),
        ("served by", *both(lambda c: ", ".join(f"{d} {v:.0%}" for d, v in c["served"].items()) or "-")),
    ]
    for i, s in enumerate(today["scenarios"][1:], start=1):
        rows.append((f"quality under {s['scenario']}", *both(lambda c, i=i: f"{c['scenarios'][i]['quality']:.3f}")))
    if today.get("routed"):
        r = today["routed"]
        measured = f"{r['quality']:.3f}, ${r['cost_per_1k']:.4f} / 1k, p95 {r['p95_ms']:.0f} ms"
        rows.append(("routed run (measured)", measured, "-"))
    if t["saving_per_1k"] is not None and t["status"] == "switch":
        share = f" ({t['saving_share']:.0%})" if t["saving_share"] is not None else ""
        rows.append(("saving per 1,000 requests", "", f"${t['saving_per_1k']:.4f}{share}"))
    return rows


def _score(x: float | None, ci: list[float] | None) -> str:
    if x is None:
        return "-"
    return f"{x:.3f}" + (f" [{ci[0]:.3f}, {ci[1]:.3f}]" if ci else "")


def _ms(p50: float | None, p95: float | None) -> str:
    return "-" if p50 is None or p95 is None else f"{p50:.0f} / {p95:.0f}"


def _vs(check: dict[str, Any] | None) -> str:
    if not check or "diff" not in check:
        return "" if not check else check["verdict"]
    need = f", {check['need']:,} more cases would decide" if check["need"] else ""
    return f"Δ {check['diff']:+.3f} (lower {check['lower']:+.3f}): {check['verdict']}{need}"


def _limits(c: dict[str, Any]) -> str:
    parts = [f"excluded: {c['excluded']}"] if c["excluded"] else []
    parts += [f"dropped on {n} cases: {why}" for why, n in c["dropped"].items()]
    return "; ".join(parts + (["canned: last only"] if c["canned"] else []))


@routing_app.command("router")
@cli_errors
def routing_router(
    run: Annotated[str | None, typer.Option(help="Run id (default: the latest run).")] = None,
    holdout: Annotated[
        float | None, typer.Option(min=0.01, max=0.99, help="Share of each task's cases held out (default 0.5).")
    ] = None,
    seed: Annotated[int | None, typer.Option(help="Seed of the split (default: the table's router.seed).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="The evaluation as JSON, with every held-out case.")] = False,
    suite: Annotated[Path | None, typer.Option(help="Today's suite (default: the one the run used).")] = None,
    results_dir: ResultsOpt = Path("results"),
    store: StoreOpt = None,
    store_data: StoreDataOpt = None,
) -> None:
    """A semantic router in front of the routing table, evaluated on a run: routing accuracy with its CI, and served
    quality with the router in the loop against the oracle route (what misrouting costs)."""
    import json

    from harness.cli import display
    from harness.report.router_eval import semantic_router_of

    result = semantic_router_of(source(results_dir, store, store_data), run, suite, holdout, seed)
    if as_json:
        display.plain(json.dumps(result, indent=2, default=str, ensure_ascii=False))
        return
    if result.get("simulated"):
        display.banner(display.SIM_BANNER)
    display.plain(f"Semantic router on run {result['run_id']} (suite {result['suite']})")
    if result.get("note"):
        display.note(f"note: {result['note']}")
    if not result.get("held_out"):
        return
    lo, hi = result["accuracy_ci"]
    sv = result["served"]
    display.plain(
        f"TF-IDF + logistic regression, trained on {result['trained_on']} cases, {result['held_out']} held out (seed "
        f"{result['seed']}): routing accuracy {result['accuracy']:.1%} [{lo:.1%}, {hi:.1%}], {result['misrouted']} "
        f"misrouted\nserved quality: oracle route {sv['oracle']:.3f}; router in the loop {sv['router']:.3f} "
        f"(Δ {sv['router_diff']:+.3f} {_interval(sv['router_ci'])}); misrouted counted failed {sv['strict']:.3f} "
        f"(Δ {sv['strict_diff']:+.3f} {_interval(sv['strict_ci'])})"
    )
    rows = [
        (t["task"], t["cases"], f"{t['recall']:.1%} {_interval(t['recall_ci'], pct=True)}",
         f"{t['oracle_quality']:.3f}", f"{t['router_quality']:.3f}", f"{t['router_strict']:.3f}")
        for t in result["tasks"]
    ]  # fmt: skip
    display.print_table(None, ["task", "held out", "routed right [95% CI]", "oracle", "router", "misrouted = 0"], rows)
    if result["confusions"]:
        display.plain("misrouted: " + ", ".join(f"{k} × {v}" for k, v in result["confusions"].items()))


def _interval(ci: list[float] | None, pct: bool = False) -> str:
    if not ci:
        return ""
    return f"[{ci[0]:.1%}, {ci[1]:.1%}]" if pct else f"[{ci[0]:+.3f}, {ci[1]:+.3f}]"
