"""Routing table: validation at load time, per-case eligibility with reasons, conditional routes."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from harness.cli import app
from harness.config.suite import load_suite
from harness.errors import ConfigError
from harness.run.plan import Selection, build_plan

EXTRA_MODELS = """
  tiny-ctx:
    provider: openai
    model: tiny
    family: gpt
    context_window: 60
    compliance: {region: eu-west-1, data_retention: zero, certifications: [iso27001]}
  pricey:
    provider: openai
    model: pricey
    family: gpt
    pricing: {input_per_mtok: 900.0, output_per_mtok: 900.0}
    compliance: {region: us, data_retention: zero}
"""


def routing(project: Path, body: str) -> None:
    models = project.parent / "models.yaml"
    if "tiny-ctx" not in models.read_text():
        models.write_text(models.read_text() + textwrap.dedent(EXTRA_MODELS).replace("\n", "\n  ").rstrip() + "\n")
    (project.parent / "routing.yaml").write_text(textwrap.dedent(body))


BASE = """
schema_version: 1
table_version: t1
risk_levels:
  eu-only: {regions: ["eu-*"]}
tasks:
  invoices:
    chain: [alpha, beta, fallback-canned]
"""


def entries(project: Path, task: str = "intents") -> dict[str, dict[str, str | None]]:
    plan = build_plan(load_suite(project), Selection(tasks=[task]), "r")
    out: dict[str, dict[str, str | None]] = {}
    for rec in plan.routes:
        out[rec["case_id"]] = {e["deployment"]: e["reason"] for e in rec["entries"]}
    return out


def test_context_window_and_cost_drops_are_recorded(project: Path) -> None:
    routing(
        project,
        BASE
        + """
  intents:
    constraints: {cost_ceiling_usd: 0.05}
    chain: [alpha, tiny-ctx, pricey]
""",
    )
    drops = entries(project)
    reasons = next(iter(drops.values()))
    assert reasons["alpha"] is None
    assert reasons["tiny-ctx"] is not None and reasons["tiny-ctx"].startswith("context window: ~")
    assert reasons["pricey"] is not None and reasons["pricey"].startswith("cost ceiling: ~$")
    plan = build_plan(load_suite(project), Selection(tasks=["intents"]), "r")
    assert {c.deployment for c in plan.cells} == {"alpha"}


def test_risk_level_drop_only_for_tagged_cases(project: Path) -> None:
    routing(
        project,
        BASE
        + """
  intents:
    chain: [alpha, tiny-ctx]
    routes:
      - when: {tags_any: [eu]}
        risk_level: eu-only
""",
    )
    data = project.parent.parent / "datasets/intents/v1.jsonl"
    lines = data.read_text().splitlines()
    first = json.loads(lines[0])
    first["tags"] = ["eu"]
    lines[0] = json.dumps(first)
    from tests.conftest import write_dataset

    write_dataset(project.parent.parent / "datasets", "intents", [json.loads(x) for x in lines], {"text": "m"})
    drops = entries(project)
    assert drops["c000"]["alpha"] == "risk level eu-only: region unspecified not in ['eu-*']"
    assert drops["c001"]["alpha"] is None
    plan = build_plan(load_suite(project), Selection(tasks=["intents"]), "r")
    roles = {(c.case.id, c.deployment): (c.role, c.position) for c in plan.cells}
    assert ("c000", "alpha") not in roles
    assert roles[("c001", "alpha")] == ("primary", 0)


def test_conditional_route_replaces_the_chain(project: Path) -> None:
    routing(
        project,
        BASE
        + """
  intents:
    chain: [beta]
    routes:
      - when: {input_tokens: {gt: 14}}
        chain: [alpha, beta]
""",
    )
    p = load_suite(project)
    assert p.routing.candidates("intents") == ["beta", "alpha"]
    plan = build_plan(p, Selection(tasks=["intents"]), "r")
    by_route: dict[str, set[str]] = {}
    for rec in plan.routes:
        by_route.setdefault(rec["route"], set()).add(rec["case_id"])
    assert set(by_route) == {"chain", "route 1"}  # the crash messages are longer than the others
    routed = by_route["route 1"]
    assert {c.deployment for c in plan.cells if c.case.id in routed} == {"alpha", "beta"}
    assert {c.deployment for c in plan.cells if c.case.id not in routed} == {"beta"}
    assert {c.role for c in plan.cells if c.case.id in routed and c.deployment == "beta"} == {"fallback 1 (route 1)"}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("  intents:\n    risk_level: nope\n    chain: [alpha]\n", "unknown risk level 'nope'"),
        (
            "  intents:\n    chain: [alpha]\n    routes:\n      - when: {tags_any: [x]}\n        chain: [ghost]\n",
            "tasks.intents.routes.0.chain[0]: unknown deployment 'ghost'",
        ),
        (
            "  intents:\n    risk_level: eu-only\n    chain: [alpha, tiny-ctx]\n",
            "chain entry 'alpha' can never be reached: risk level eu-only: region unspecified",
        ),
        (
            "  intents:\n    constraints: {required_capabilities: [vision]}\n    chain: [alpha]\n",
            "chain entry 'alpha' can never be reached: capability: lacks vision",
        ),
        (
            "  intents:\n    chain: [alpha]\n    routes:\n      - when: {tags_any: [x]}\n",
            "a route needs `chain`, `risk_level` or `constraints`",
        ),
    ],
)
def test_validation_names_task_and_entry(project: Path, body: str, message: str) -> None:
    routing(project, BASE + body)
    with pytest.raises(ConfigError) as e:
        load_suite(project)
    assert message in str(e.value)


def test_risk_level_nothing_satisfies(project: Path) -> None:
    routing(
        project,
        BASE.replace('eu-only: {regions: ["eu-*"]}', "mars: {regions: [mars-*]}") + "  intents:\n    chain: [alpha]\n",
    )
    with pytest.raises(ConfigError, match="risk level 'mars': no remote deployment in the model table satisfies it"):
        load_suite(project)


def test_yaml_on_is_not_a_retry_key(project: Path) -> None:
    routing(
        project,
        BASE.replace("risk_levels:", "defaults:\n  retry: {on: [transient]}\nrisk_levels:")
        + "  intents:\n    chain: [alpha]\n",
    )
    with pytest.raises(ConfigError, match="defaults.retry"):
        load_suite(project)


def test_explain_command(project: Path) -> None:
    routing(project, BASE + "  intents:\n    chain: [alpha, tiny-ctx]\n")
    r = CliRunner().invoke(app, ["routing", "explain", "intents", "--case", "c001", "--suite", str(project)])
    assert r.exit_code == 0, r.output
    assert "takes chain" in r.output and "eligible" in r.output and "context window: ~" in r.output


def test_routes_are_stored_with_the_run(project: Path, tmp_path: Path) -> None:
    routing(project, BASE + "  intents:\n    chain: [alpha, tiny-ctx]\n")
    r = CliRunner().invoke(app, ["run", str(project), "--results-dir", str(tmp_path), "--tasks", "intents"])
    assert r.exit_code == 0, r.output
    import duckdb

    con = duckdb.connect(str(tmp_path / "harness.duckdb"), read_only=True)
    rows = con.execute("SELECT deployment, eligible, count(*) FROM eligibility GROUP BY ALL ORDER BY ALL").fetchall()
    assert rows == [("alpha", True, 12), ("tiny-ctx", False, 12)]
    assert con.execute("SELECT DISTINCT chain_position FROM cells").fetchall() == [(0,)]
    est = con.execute("SELECT min(est_input_tokens) FROM cells").fetchone()
    con.close()
    assert est is not None and est[0] > 0


@pytest.mark.parametrize("how", ["positional", "option"])
def test_explain_takes_the_suite_as_every_command_does(project: Path, how: str) -> None:
    """Issue 27: the suite positional (before TASK, as `harness run [SUITE]`) or `--suite`; both at once is an error."""
    routing(project, BASE + "  intents:\n    chain: [alpha, tiny-ctx]\n")
    args = ["routing", "explain", str(project), "intents", "--case", "c001"]
    if how == "option":
        args = ["routing", "explain", "intents", "--case", "c001", "--suite", str(project)]
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 0, r.output
    assert "task intents, case c001" in r.output and "takes chain" in r.output
    both = CliRunner().invoke(app, ["routing", "explain", str(project), "intents", "--case", "c001", "--suite", "x"])
    assert both.exit_code == 2 and "given twice" in both.output
    help_text = CliRunner().invoke(app, ["routing", "explain", "--help"]).output
    assert "SUITE" in help_text and "--suite" in help_text


@pytest.mark.parametrize(("on", "dropped"), [("total", {"slow_end"}), ("ttft", {"slow_start"}),
                                             ("both", {"slow_end", "slow_start"})])  # fmt: skip
def test_latency_budget_bounds_the_declared_measure(on: str, dropped: set[str]) -> None:
    """`latency_budget_on` picks the declared p95 a deployment is held to: latency_p95_ms (total), ttft_p95_ms, or
    both; a measure a deployment does not declare never drops it."""
    from harness.config.models import Deployment, ModelTable
    from harness.config.routing import RoutingTable, static_drop

    deps = {
        "slow_end": Deployment(provider="openai", model="m", latency_p95_ms=5000, ttft_p95_ms=300),
        "slow_start": Deployment(provider="openai", model="m", latency_p95_ms=1500, ttft_p95_ms=2500),
        "undeclared": Deployment(provider="openai", model="m"),
    }
    table = RoutingTable.model_validate({"schema_version": 1, "tasks": {"t": {
        "chain": list(deps), "constraints": {"latency_budget_ms": 2000, "latency_budget_on": on}}}})  # fmt: skip
    reasons = {d: static_drop(table, "t", None, d, ModelTable(deployments=deps)) for d in deps}
    assert {d for d, why in reasons.items() if why} == dropped
    if "slow_start" in dropped:
        assert reasons["slow_start"] == "latency: TTFT p95 2500 ms over the 2000 ms budget"
