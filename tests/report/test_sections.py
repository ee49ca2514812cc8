"""Report sections beyond the overview: equivalence between same-model deployments, Fleiss' κ, failure scenarios,
trend, cost vs quality, judge health, flaky cases, prompt variants, and drift with repeats. Numbers are checked
against an independent computation from the database (or the formula), not against the report's own code."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner

from harness import stats
from harness.cli import app
from harness.report.data import build
from harness.report.render import render

TWIN = """  beta2:
    provider: openai
    base_url: http://127.0.0.1:9/v1
    model: beta-1
    family: gpt
    base_model: beta-1
    pricing: {input_per_mtok: 0.6, output_per_mtok: 1.8}
    credentials_env: TINY_KEY
    sim: {accuracy: {classification: 0.6, extraction: 0.5}}
"""
SCENARIO = """
scenarios:
  alpha-down:
    description: alpha fails half its calls
    faults:
      - {deployment: alpha, rate: 0.5, failure: server_error}
"""


def run(project: Path, results: Path, *extra: str) -> str:
    r = CliRunner().invoke(app, ["run", str(project), "--results-dir", str(results), "--no-report", *extra])
    assert r.exit_code == 0, r.output
    found = re.search(r"^run (\S+) complete", r.output, re.M)
    assert found, r.output
    return found.group(1)


def query(results: Path, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(results / "harness.duckdb"), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new))


@pytest.fixture
def twin(project: Path) -> Path:
    """beta and beta2 serve one model (`base_model`), both in the intents chain after alpha; a scenario on alpha."""
    models = project.parent / "models.yaml"
    edit(models, "    model: beta-1\n    family: gpt\n", "    model: beta-1\n    family: gpt\n    base_model: beta-1\n")
    edit(models, "  fallback-canned:\n", TWIN + "  fallback-canned:\n")
    edit(project.parent / "routing.yaml", "chain: [alpha, beta]", "chain: [alpha, beta, beta2]")
    project.write_text(project.read_text() + SCENARIO)
    return project


def test_tost_between_same_model_deployments_and_fleiss(twin: Path, tmp_path: Path) -> None:
    run_id = run(twin, tmp_path)
    report = build(tmp_path, run_id)
    intents = next(x for x in report["ladders"] if x["task"] == "intents")
    steps = {s["deployment"]: s for s in intents["steps"]}
    assert "equivalence" not in steps["beta"]  # alpha (the primary) is another model
    assert steps["beta2"]["equivalence_vs"] == "beta"  # the TOST pairs the two infrastructures of beta-1
    assert steps["beta2"]["equivalence"] in ("equivalent", "inconclusive", "different")
    # the verdict is TOST on the paired difference beta2 − beta (90% interval against ± equivalence_margin)
    scores = dict(query(tmp_path, "SELECT deployment || '/' || case_id, score FROM results WHERE run_id = ? "
                                  "AND task = 'intents'", [run_id]))  # fmt: skip
    cases = sorted({k.split("/")[1] for k in scores})
    diff = stats.paired_difference([scores[f"beta/{c}"] for c in cases], [scores[f"beta2/{c}"] for c in cases])
    assert steps["beta2"]["equivalence_diff"]["diff"] == pytest.approx(diff.diff)
    assert steps["beta2"]["equivalence"] == stats.tost(diff, 0.02)
    # Fleiss' κ over the three positions' labels, recomputed from the stored outputs
    outputs = query(tmp_path, "SELECT case_id, deployment, output FROM results WHERE run_id = ? AND task = 'intents' "
                              "ORDER BY case_id, deployment", [run_id])  # fmt: skip
    by_case: dict[str, list[str]] = {}
    for case, _, out in outputs:
        by_case.setdefault(case, []).append(" ".join(out.casefold().split()))
    assert intents["fleiss"]["raters"] == 3 and intents["fleiss"]["n"] == 12
    assert intents["fleiss"]["kappa"] == pytest.approx(stats.fleiss_kappa(list(by_case.values())))
    invoices = next(x for x in report["ladders"] if x["task"] == "invoices")
    assert invoices["fleiss"] is None  # extraction: no labels
    html = render(report, "html")
    assert "Fleiss' κ across all 3 positions" in html and "vs beta," in html


def test_scenarios_match_routed_play_and_the_formula(twin: Path, tmp_path: Path) -> None:
    run_id = run(twin, tmp_path, "--routed")
    report = build(tmp_path, run_id)
    for block in report["scenarios"]:
        measured, routed = block["rows"][0], block["routed"]
        assert measured["scenario"] == "as measured" and routed is not None
        # the expectation with nothing injected is the routed walk itself, to rounding
        for key in ("quality", "cost_per_1k", "latency_ms", "unserved"):
            assert measured[key] == pytest.approx(routed[key], abs=1e-9), (block["task"], key)
        assert measured["served"] == pytest.approx(routed["served"])
    intents = next(b for b in report["scenarios"] if b["task"] == "intents")
    down = next(r for r in intents["rows"] if r["scenario"] == "alpha-down")
    alpha = next(p for p in intents["positions"] if p["deployment"] == "alpha")
    # server_error is retried (3 attempts by default): alpha still serves unless all three attempts fail
    assert down["served"]["alpha"] == pytest.approx((1 - alpha["fail_rate"]) * (1 - 0.5**3))
    assert down["faults"] == ["alpha: server_error 50%"]
    served = query(tmp_path, "SELECT avg(coalesce(score, 0)) FROM served WHERE run_id = ? AND task = 'intents'",
                   [run_id])[0][0]  # fmt: skip
    assert measured_quality(report, "intents") == pytest.approx(served)


def measured_quality(report: dict[str, Any], task: str) -> float:
    block = next(b for b in report["scenarios"] if b["task"] == task)
    return float(block["rows"][0]["quality"])


def test_scenario_expectation_per_case_by_hand(twin: Path, tmp_path: Path) -> None:
    """E[quality] under alpha-down, recomputed per case from the stored scores with §3.4's formula."""
    run_id = run(twin, tmp_path)
    report = build(tmp_path, run_id)
    rows = query(tmp_path, "SELECT case_id, deployment, score, status FROM results WHERE run_id = ? "
                           "AND task = 'intents'", [run_id])  # fmt: skip
    per_case: dict[str, dict[str, tuple[float, str]]] = {}
    for case, dep, score, status in rows:
        per_case.setdefault(case, {})[dep] = (score or 0.0, status)
    fail_alpha = 0.5**3
    total = 0.0
    for deps in per_case.values():
        reach, q = 1.0, 0.0
        for dep in ("alpha", "beta", "beta2"):
            score, status = deps[dep]
            f = 1.0 if status != "ok" else (fail_alpha if dep == "alpha" else 0.0)
            q += reach * (1 - f) * score
            reach *= f
        total += q
    intents = next(b for b in report["scenarios"] if b["task"] == "intents")
    down = next(r for r in intents["rows"] if r["scenario"] == "alpha-down")
    assert down["quality"] == pytest.approx(total / len(per_case))


def test_trend_and_cost_quality(project: Path, tmp_path: Path) -> None:
    first = run(project, tmp_path, "--tasks", "intents")
    second = run(project, tmp_path, "--sim-seed", "7")
    report = build(tmp_path, second)
    trend = report["trend"]
    assert [r["run_id"] for r in trend["runs"]] == [first, second]
    intents = next(t for t in trend["tasks"] if t["task"] == "intents")
    alpha = next(s for s in intents["series"] if s["deployment"] == "alpha")
    view = {(r["task"], r["deployment"]): r for r in report["overview"]}
    assert [p["run"] for p in alpha["points"]] == [0, 1]
    assert alpha["points"][1]["mean"] == pytest.approx(view[("intents", "alpha")]["mean"])
    invoices = next(t for t in trend["tasks"] if t["task"] == "invoices")
    assert all(p["run"] == 1 for s in invoices["series"] for p in s["points"])  # the first run had no invoices
    # the Pareto frontier: no other point at most as costly and at least as good (strictly better on one)
    for block in report["cost_quality"]:
        pts = block["points"]
        for p in pts:
            cheaper_or_same = [o for o in pts if o["cost_per_1k"] <= p["cost_per_1k"] and o["mean"] >= p["mean"]]
            dominated = any(o["cost_per_1k"] < p["cost_per_1k"] or o["mean"] > p["mean"] for o in cheaper_or_same)
            assert p["frontier"] is (not dominated)
    canned = next(p for b in report["cost_quality"] if b["task"] == "invoices" for p in b["points"]
                  if p["deployment"] == "fallback-canned")  # fmt: skip
    assert canned["cost_per_1k"] == 0 and canned["frontier"]  # nothing is cheaper
    html = render(report, "html")
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" class="trend"') == 2
    assert html.count('class="cost-quality"') == 2 and "<polyline" in html


JUDGE_ROWS = [("c000", "a", True), ("c001", "b", True), ("c002", "a", False), ("c003", "tie", True)]


def add_judges(results: Path, run_id: str) -> None:
    con = duckdb.connect(str(results / "harness.duckdb"))
    try:
        for case, winner, consistent in JUDGE_ROWS:
            con.execute("INSERT INTO pairwise (run_id, task, case_id, variant, sample, a_deployment, b_deployment, "
                        "judge_deployment, winner, consistent, simulated, judge_prompt_hash) VALUES "
                        "(?, 'intents', ?, 'base', 0, 'beta', 'alpha', 'judge-x', ?, ?, true, 'feedbeef0123abc')",
                        [run_id, case, winner, consistent])  # fmt: skip
        con.execute("INSERT INTO judge_calibrations (calibration_id, calibrated_at, task, grader_id, judge_deployment, "
                    "judge_prompt_hash, simulated, n, accuracy, kappa, weighted_kappa, length_score_corr, confusion) "
                    "VALUES ('k1', now(), 'intents', 'judge', 'judge-x', 'feedbeef0123abc', false, 40, 0.8, 0.45, "
                    "0.5, 0.1, '{}'), ('k0', now() - INTERVAL 1 DAY, 'intents', 'judge', 'judge-x', "
                    "'feedbeef0123abc', false, 40, 0.9, 0.8, 0.8, 0.0, '{}')")  # fmt: skip
    finally:
        con.close()


def test_judge_health_and_pairwise_win_rate(project: Path, tmp_path: Path) -> None:
    run_id = run(project, tmp_path)
    report = build(tmp_path, run_id)
    assert report["judges"]["calibrations"] == [] and report["judges"]["swap"] == []
    assert "No judges in this run." in render(report, "html")
    add_judges(tmp_path, run_id)
    report = build(tmp_path, run_id)
    judges = report["judges"]
    assert judges["swap"] == [{"task": "intents", "judge": "judge-x", "n": 4, "consistent": 0.75, "ties": 0.5,
                               "simulated": True}]  # fmt: skip
    [cal] = judges["calibrations"]  # only the latest calibration of judge-x on intents
    assert (cal["kappa"], cal["flag"]) == (0.45, True)
    assert report["provenance"]["judges"] == ["judge-x (prompt feedbeef0123)"]
    beta = next(s for x in report["ladders"] if x["task"] == "intents" for s in x["steps"] if s["deployment"] == "beta")
    # beta won c000, lost c001; c002 flipped with the order (a tie); c003 a tie: (1 + 2/2) / 4
    assert beta["pairwise"]["win_rate"] == 0.5 and beta["pairwise"]["simulated"]
    assert (beta["pairwise"]["wins"], beta["pairwise"]["losses"], beta["pairwise"]["ties"]) == (1, 1, 2)
    html = render(report, "html")
    assert "No judges in this run." not in html and 'id="calibration-table"' in html and "judge-x" in html
    md = render(report, "md")
    assert "Judges below κ 0.6: judge-x on intents (κ 0.45)" in md


def test_flaky_cases_across_repeats(project: Path, tmp_path: Path) -> None:
    run_id = run(project, tmp_path, "--tasks", "intents", "--repeats", "4", "--sim-seed", "3")
    report = build(tmp_path, run_id)
    rows = query(tmp_path, "SELECT deployment, case_id, passed FROM results WHERE run_id = ? AND passed IS NOT NULL",
                 [run_id])  # fmt: skip
    for group in report["flaky"]:
        passes: dict[str, list[bool]] = {}
        for dep, case, ok in rows:
            if dep == group["deployment"]:
                passes.setdefault(case, []).append(ok)
        assert group["k"] == 4 and group["cases"] == len(passes)
        assert group["examples"] == stats.flaky_cases(passes) and group["flaky"] == len(group["examples"])
        assert group["pass_hat_k"] == pytest.approx(sum(all(p) for p in passes.values()) / len(passes))
    assert any(g["flaky"] for g in report["flaky"]), "4 samples at 60-80% accuracy should flip some cases"
    html = render(report, "html")
    assert 'id="flaky-table"' in html and "No repeats in this run" not in html


def test_prompt_variants_and_own_family_gain(project: Path, tmp_path: Path) -> None:
    run_id = run(project, tmp_path, "--tasks", "intents", "--variants", "base,fewshot")
    report = build(tmp_path, run_id)
    by_dep = {v["deployment"]: v for v in report["variants"]}
    alpha = by_dep["alpha"]  # family claude: base uses intents/claude.j2 (its own), fewshot the default template
    assert [(v["variant"], v["template"], v["own"]) for v in alpha["variants"]] == [
        ("base", "claude.j2", True), ("fewshot", "default.fewshot.j2", False)]  # fmt: skip
    scores = dict(query(tmp_path, "SELECT variant || '/' || case_id, score FROM results WHERE run_id = ? "
                                  "AND deployment = 'alpha'", [run_id]))  # fmt: skip
    cases = sorted({k.split("/")[1] for k in scores})
    gain = sum(scores[f"base/{c}"] - scores[f"fewshot/{c}"] for c in cases) / len(cases)
    assert alpha["gain"]["diff"] == pytest.approx(gain) and alpha["gain"]["others"] == ["fewshot"]
    assert by_dep["beta"]["gain"] is None  # gpt has no template of its own here: nothing to compare
    assert 'id="variants-table"' in render(report, "html")


def test_drift_with_repeats_compares_case_majorities(project: Path, tmp_path: Path) -> None:
    base = run(project, tmp_path, "--tasks", "intents", "--repeats", "3")
    cur = run(project, tmp_path, "--tasks", "intents", "--repeats", "3", "--sim-seed", "11")
    report = build(tmp_path, cur, base)
    rows = query(tmp_path, "SELECT run_id, deployment, case_id, passed FROM results WHERE task = 'intents'")
    majority: dict[tuple[str, str, str], list[bool]] = {}
    for rid, dep, case, ok in rows:
        majority.setdefault((rid, dep, case), []).append(bool(ok))
    flipped = {(dep, case) for (rid, dep, case), p in majority.items() if rid == cur
               and (sum(p) * 2 > 3) != (sum(majority[(base, dep, case)]) * 2 > 3)}  # fmt: skip
    drift = report["drift"]
    assert {(f["deployment"], f["case_id"]) for f in drift["flips"]} == flipped and drift["n_flips"] == len(flipped)
    assert flipped, "a new sim seed should flip some majorities"
    for f in drift["flips"]:
        assert re.fullmatch(r"[0-3]/3", f["before_passes"]) and f["input"].startswith("{")
        assert f["reference"] in ("billing", "shipping", "technical")
        assert f["before_grades"][0]["grader_id"] == "exact" and f["after_grades"][0]["reason"]
    pairs = {p["deployment"]: p for p in drift["pairs"]}
    assert sum(p["pass_to_fail"] + p["fail_to_pass"] for p in pairs.values()) == len(flipped)
    for p in pairs.values():  # the verdict is the shared rule on the reported numbers
        bars = {"alpha": 0.05, "regression_margin": 0.03, "min_detectable_effect": 0.05}
        assert p["verdict"] == stats.drift_verdict(p["diff"], p["ci"][0], p["mde"], p["p_holm"], bars)


def test_judge_sections_before_the_judge_tables_exist() -> None:
    """A database made before migration 6: no pairwise or calibration tables, grades without prompt hashes."""
    from harness.report import history

    con = duckdb.connect()
    con.execute("CREATE TABLE grades (run_id VARCHAR, judge_deployment VARCHAR)")
    con.execute("INSERT INTO grades VALUES ('r1', NULL), ('r1', 'judge-y')")
    try:
        assert history.pairwise_rows(con, "r1") == []
        health = history.judge_health(con, "r1", {"intents"}, [])
        assert health == {"judges": ["judge-y"], "calibrations": [], "swap": [], "kappa_bar": 0.6}
    finally:
        con.close()


def test_suite_context_of_the_example_and_of_a_lost_suite(tmp_path: Path) -> None:
    from harness.report.data import suite_context

    example = Path(__file__).resolve().parents[2] / "evals" / "example.yaml"
    ctx = suite_context({"suite_path": str(example)})
    # the same model on two infrastructures: the ladder runs TOST between them where a chain holds both
    assert ctx.base_models["claude-sonnet@anthropic"] == ctx.base_models["claude-sonnet@bedrock"] is not None
    assert ctx.base_models["gpt-4o@openai"] == ctx.base_models["gpt-4o@azure"] is not None
    assert {"anthropic-overloaded", "gemini-empty"} <= set(ctx.scenarios) and ctx.note == ""
    # a relative suite path resolves beside the results directory; a lost suite gives default bars and a note
    relative = suite_context({"suite_path": "evals/example.yaml"}, example.parent.parent / "results")
    assert relative.bars == ctx.bars and relative.note == ""
    lost = suite_context({"suite_path": str(tmp_path / "gone.yaml")})
    assert "could not be read" in lost.note and lost.bars["any-task"]["min_detectable_effect"] == 0.05
