"""Routing advice on synthetic runs whose answer is known: cells written by hand (scores, tokens, latencies), so each
verdict follows from the numbers, and the statistics are recomputed here with `harness.stats` directly."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner

import harness
from harness import stats
from harness.cli import app
from harness.config.models import load_models
from harness.config.routing import Policy, load_routing
from harness.config.scenarios import Scenario
from harness.report.advice import Evidence, TaskRouting, advise, advise_task
from harness.report.data import build
from harness.report.render import render

BARS = {"alpha": 0.05, "non_inferiority_margin": 0.05, "equivalence_margin": 0.02, "regression_margin": 0.03,
        "max_error_rate_increase": 0.02, "min_detectable_effect": 0.05}  # fmt: skip
#: USD per million tokens (input, output): `big` costs 20 times `small`.
PRICES = {"big": (10.0, 30.0), "small": (0.5, 1.5), "eu-big": (10.0, 30.0)}


def cell(task: str, dep: str, case: int, right: bool, **extra: Any) -> dict[str, Any]:
    return {"task": task, "task_class": "classification", "deployment": dep, "variant": "base",
            "case_id": f"c{case:03d}", "sample": 0, "cluster": None, "status": "ok", "error_class": None,
            "score": 1.0 if right else 0.0, "passed": right, "latency_ms": 500.0 + case % 7, "cost_usd": 0.0,
            "input_tokens": 1000, "output_tokens": 100, "simulated": False, "chain_position": 0,
            "output": "billing", "finish_reason": "stop", "tool_calls": None, **extra}  # fmt: skip


def rows(task: str, n: int, right: dict[str, Any]) -> list[dict[str, Any]]:
    """Every case on every deployment; `right[dep](i)` says whether dep answers case i right."""
    return [cell(task, dep, i, ok(i)) for dep, ok in right.items() for i in range(n)]


def spec(chain: tuple[str, ...] = ("big", "small"), **kw: Any) -> TaskRouting:
    return TaskRouting(chain=chain, bars=BARS, prices=PRICES, **kw)


def per_1k(dep: str) -> float:
    i, o = PRICES[dep]
    return (1000 * i + 100 * o) / 1e6 * 1000


def test_a_cheap_model_clears_the_bar_on_one_task_and_misses_it_on_another() -> None:
    big = lambda i: i % 10 != 0  # noqa: E731 - 90% right
    close = lambda i: i % 10 != 0 and i % 100 != 1  # noqa: E731 - the same cases, 1 in 100 more wrong
    poor = lambda i: i % 10 < 6  # noqa: E731 - 60% right
    run = rows("easy", 400, {"big": big, "small": close}) + rows("hard", 400, {"big": big, "small": poor})
    out = {t["task"]: t for t in advise(Evidence(run), {"easy": spec(), "hard": spec()})}

    easy, hard = out["easy"], out["hard"]
    assert easy["status"] == "switch" and easy["proposed"]["chain"] == ["small", "big"]
    assert easy["today"]["cost_per_1k"] == pytest.approx(per_1k("big"))
    assert easy["proposed"]["cost_per_1k"] == pytest.approx(per_1k("small"))
    assert easy["saving_per_1k"] == pytest.approx(per_1k("big") - per_1k("small"))
    assert easy["saving_share"] == pytest.approx(1 - per_1k("small") / per_1k("big"))
    d = stats.paired_difference([float(big(i)) for i in range(400)], [float(close(i)) for i in range(400)])
    primary = easy["proposed"]["checks"][0]
    assert primary["diff"] == pytest.approx(-0.01) and primary["diff"] == pytest.approx(d.diff)
    assert primary["lower"] == pytest.approx(d.diff - stats.t_value(0.90, d.df) * d.se)
    assert primary["lower"] > -0.03
    assert primary["verdict"] == "non-inferior"
    assert easy["proposed"]["quality"] == pytest.approx(0.89) and easy["today"]["quality"] == pytest.approx(0.9)
    assert easy["proposed"]["served"] == {"small": 1.0}

    assert hard["status"] == "keep" and hard["proposed"]["chain"] == ["big", "small"]
    assert hard["saving_per_1k"] == 0.0
    missed = next(c for c in hard["considered"] if c["chain"][0] == "small")
    assert missed["outcome"] == "misses" and "inferior" in missed["why"]
    assert "no cheaper chain meets the bars" in hard["summary"]


def test_a_model_excluded_by_residency_is_never_advised() -> None:
    """The run measured `small` (cheap, as good); today's table forbids it for the task's residency."""
    right = {"big": lambda i: True, "small": lambda i: True}
    ev = Evidence(rows("t", 50, right))
    why = "risk level restricted: region us not in ['eu-*']"
    task = advise_task("t", ev.rows, ev, spec(chain=("big",), excluded={"small": why}))
    assert task["status"] == "keep" and [o["chain"] for o in task["considered"]] == [["big"]]
    small = next(c for c in task["candidates"] if c["deployment"] == "small")
    assert small["excluded"] == why and small["vs_primary"] is None
    assert advise_task("t", ev.rows, ev, spec(chain=("big",)))["proposed"]["chain"] == ["small", "big"]

    # still in today's chain: the advice takes it out
    task = advise_task("t", ev.rows, ev, spec(excluded={"small": why}))
    assert task["status"] == "switch" and task["proposed"]["chain"] == ["big"]
    assert task["summary"].endswith(f"leaves out small ({why})")


def test_residency_per_case_keeps_the_resident_fallback_for_the_cases_it_alone_may_serve() -> None:
    """A route sends EU cases to a stricter risk level: the US `small` was dropped on them (no cell, a drop
    record). Promoted, it serves the other cases; the EU ones still reach `eu-big`."""
    eu = {f"c{i:03d}" for i in range(0, 40, 4)}  # 10 of 40
    ev = Evidence(
        [cell("t", "eu-big", i, True) for i in range(40)]
        + [cell("t", "small", i, True) for i in range(40) if f"c{i:03d}" not in eu],
        routes={("t", c): "route 1" for c in eu},
        drops=[{"task": "t", "case_id": c, "deployment": "small", "reason": "risk level restricted: region us"}
               for c in sorted(eu)],
    )  # fmt: skip
    task = advise_task("t", ev.rows, ev, spec(chain=("eu-big", "small")))
    assert task["status"] == "switch" and task["proposed"]["chain"] == ["small", "eu-big"]
    assert task["proposed"]["served"] == {"small": 0.75, "eu-big": 0.25}
    assert task["proposed"]["unserved"] == 0.0 and task["proposed"]["quality"] == 1.0
    assert task["proposed"]["cost_per_1k"] == pytest.approx(0.75 * per_1k("small") + 0.25 * per_1k("eu-big"))
    small = next(c for c in task["candidates"] if c["deployment"] == "small")
    assert small["dropped"] == {"risk level restricted: region us": 10} and small["excluded"] is None


def test_a_tie_inside_the_margin_is_insufficient_evidence() -> None:
    """Both 70% right on 30 cases, on different cases: the estimate is 0, but the MDE is far above the margin."""
    big = lambda i: i % 10 < 7  # noqa: E731
    small = lambda i: (i + 3) % 10 < 7  # noqa: E731
    ev = Evidence(rows("t", 30, {"big": big, "small": small}))
    task = advise_task("t", ev.rows, ev, spec())
    d = stats.paired_difference([float(big(i)) for i in range(30)], [float(small(i)) for i in range(30)])
    assert d.diff == 0.0 and d.mde > 0.03
    need = stats.cases_to_decide(30, d.mde, 0.03)
    assert need is not None
    assert task["status"] == "insufficient evidence" and task["need"] == need - 30
    assert task["summary"].startswith(f"insufficient evidence: {need - 30:,} more cases would decide")
    assert task["proposed"]["chain"] == ["big", "small"]  # the advice stays today's chain
    assert task["undecided"]["chain"] == ["small", "big"]


def test_served_quality_under_a_scenario_can_block_a_cheaper_primary() -> None:
    """`small` is as good as `big`, but the suite's scenario makes half its calls fail with a class the policy
    does not fall back on: promoted, it would leave those requests unserved."""
    right = {"big": lambda i: True, "small": lambda i: True}
    ev = Evidence(rows("t", 200, right))
    scenario = Scenario.model_validate({"faults": [{"deployment": "small", "rate": 0.5, "failure": "bad_request"}]})
    task = advise_task("t", ev.rows, ev, spec(scenarios={"small-broken": scenario}, policy=Policy()))
    assert task["status"] == "keep" and task["scenarios"] == ["small-broken"]
    small_first = next(c for c in task["considered"] if c["chain"][0] == "small")
    assert small_first["outcome"] == "misses" and "small-broken" in small_first["why"]
    assert [s["quality"] for s in task["today"]["scenarios"]] == [1.0, 1.0]

    calm = advise_task("t", ev.rows, ev, spec(policy=Policy()))
    assert calm["status"] == "switch"


def test_a_primary_over_the_latency_budget_is_excluded() -> None:
    right = {"big": lambda i: True, "small": lambda i: True}
    ev = Evidence([{**r, "latency_ms": 9000.0} if r["deployment"] == "small" else r for r in rows("t", 40, right)])
    task = advise_task("t", ev.rows, ev, spec(budget_ms=3000.0))
    small = next(c for c in task["candidates"] if c["deployment"] == "small")
    assert small["excluded"] == "latency: measured p95 9000 ms over the 3000 ms budget"
    assert task["status"] == "switch" and task["proposed"]["chain"] == ["big"]  # the slow fallback leaves too


def test_not_evaluated_when_the_run_skipped_a_chain_entry() -> None:
    run = [cell("t", "big", i, True) for i in range(10)]
    run += [cell("t", "small", i, False, status="skipped", error_class="skipped_auth") for i in range(10)]
    task = advise_task("t", run, Evidence(run), spec())
    assert task["status"] == "not evaluated" and "small (skipped_auth)" in task["summary"]


# --- End to end: a simulated suite, the CLI, the routing file, the report and the notebook -----------------------


def test_advise_on_a_simulated_suite(project: Path, tmp_path: Path) -> None:
    """`beta` (a sixth of alpha's price) answers every classification right and no extraction right: the advice
    promotes it on `intents` and keeps `invoices`; every surface says the same, labelled simulated."""
    models = project.parent / "models.yaml"
    text = models.read_text()
    text = text.replace("{accuracy: {classification: 0.8, extraction: 0.7}, rate_limited: 0.05}",
                        "{accuracy: {classification: 1.0, extraction: 1.0}}")  # fmt: skip
    models.write_text(text.replace("{classification: 0.6, extraction: 0.5}", "{classification: 1.0, extraction: 0.0}"))
    results = tmp_path / "results"
    run = CliRunner().invoke(app, ["run", str(project), "--results-dir", str(results), "--no-report"])
    assert run.exit_code == 0, run.output
    out = tmp_path / "proposed.yaml"
    r = CliRunner().invoke(app, ["routing", "advise", "--results-dir", str(results), "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert "SIMULATED" in r.output and "intents, 12 cases SIMULATED: switch to beta → alpha" in r.output
    assert "invoices, 6 cases SIMULATED: keep today's chain" in r.output

    table = load_routing(out, load_models(models))
    assert table.tasks["intents"].chain == ["beta", "alpha"]
    assert table.tasks["invoices"].chain == ["alpha", "beta", "fallback-canned"]
    assert out.read_text().startswith("# Proposed by `harness routing advise`")

    j = CliRunner().invoke(app, ["routing", "advise", "--results-dir", str(results), "--json"])
    advice = {t["task"]: t for t in json.loads(j.output)["tasks"]}
    intents = advice["intents"]
    con = duckdb.connect(str(results / "harness.duckdb"), read_only=True)
    beta = con.execute("SELECT avg((input_tokens * 0.5 + output_tokens * 1.5) / 1e6) * 1000 FROM results "
                       "WHERE task = 'intents' AND deployment = 'beta'").fetchone()  # fmt: skip
    con.close()
    assert beta is not None and intents["proposed"]["cost_per_1k"] == pytest.approx(beta[0])
    beta_first = next(c for c in advice["invoices"]["considered"] if c["chain"][0] == "beta")
    assert intents["simulated"] and beta_first["outcome"] == "misses" and "inferior" in beta_first["why"]

    frame = harness.open(results).advise().set_index("task")
    assert frame.loc["intents", "status"] == "switch" and frame.loc["invoices", "status"] == "keep"
    assert frame.loc["intents", "proposed"] == "beta → alpha"
    assert frame.loc["intents", "saving_per_1k"] == pytest.approx(intents["saving_per_1k"])

    report = build(results)
    assert [t["summary"] for t in report["advice"]["tasks"]] == [t["summary"] for t in advice.values()]
    page = render(report, "html")
    assert 'id="advice"' in page and 'data-task="intents" data-status="switch"' in page
    assert "Routing advice:" in render(report, "md")


def test_advise_bad_input(project: Path, tmp_path: Path) -> None:
    results = tmp_path / "results"
    assert CliRunner().invoke(app, ["run", str(project), "--results-dir", str(results), "--no-report"]).exit_code == 0
    r = CliRunner().invoke(app, ["routing", "advise", "--results-dir", str(results), "--run", "nope"])
    assert r.exit_code == 2 and "no run 'nope'" in r.output
    r = CliRunner().invoke(app, ["routing", "advise", "--results-dir", str(results), "--suite", "gone.yaml"])
    assert r.exit_code == 2 and "no routing advice: the suite could not be read" in r.output


def test_a_proposed_routing_file_that_would_not_load_is_never_written(project: Path, tmp_path: Path) -> None:
    from harness.config.suite import load_suite
    from harness.errors import ConfigError
    from harness.report import proposal

    loaded = load_suite(project)
    advice = {"run_id": "r1", "suite": "tiny", "simulated": True, "tasks": [
        {"task": "intents", "status": "switch", "today": {"chain": ["alpha", "beta"]},
         "proposed": {"chain": ["beta", "alpha"]}, "saving_per_1k": 1.0},
        {"task": "invoices", "status": "keep"}]}  # fmt: skip
    out = tmp_path / "proposed.yaml"
    proposal.write(out, loaded, advice)
    text = out.read_text()
    assert "# SIMULATED" in text and "#   intents: alpha → beta  ⇒  beta → alpha" in text
    assert load_routing(out, loaded.models).tasks["intents"].chain == ["beta", "alpha"]

    advice["tasks"][0]["proposed"]["chain"] = ["beta", "fallback-canned", "alpha"]  # canned must come last
    with pytest.raises(ConfigError, match="canned response must be the last"):
        proposal.write(tmp_path / "bad.yaml", loaded, advice)
    assert not (tmp_path / "bad.yaml").exists() and not list(tmp_path.glob(".bad.yaml*"))
