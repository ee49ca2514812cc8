"""The CI gate: change detection per (task, deployment, variant), verdicts against a committed baseline, exit codes.

End-to-end tests build a git repository from the `project` fixture, commit a baseline made by `harness baseline
update`, edit the working tree and run `harness gate`. Detection details and the statistics rules are tested on
the pure functions, which need no git and no run.
"""

from __future__ import annotations

import dataclasses
import json
import math
import subprocess
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from harness.cli import app
from harness.config.suite import GraderSpec, load_suite
from harness.errors import InputError
from harness.gate import changes
from harness.gate import verdict as gate
from harness.gate.baseline import Baseline, dumps, parse, snapshot
from harness.graders import REGISTRY
from tests.conftest import LABELS, intent_cases, write_dataset

GIT = ["git", "-c", "user.name=gate-test", "-c", "user.email=gate@test", "-c", "commit.gpgsign=false"]


def git(root: Path, *args: str) -> str:
    return subprocess.run([*GIT, *args], cwd=root, check=True, capture_output=True, text=True).stdout


def harness(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


def make_repo(suite: Path, results: Path) -> Path:
    """Commit the project, run it (sim), commit its baseline; return the repository root."""
    root = suite.parent.parent
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "config")
    r = harness("run", str(suite), "--mode", "sim", "--results-dir", str(results), "--no-report")
    assert r.exit_code == 0, r.output
    r = harness("baseline", "update", str(suite), "--results-dir", str(results))
    assert r.exit_code == 0, r.output
    git(root, "add", "-A")
    git(root, "commit", "-qm", "baseline")
    return root


def run_gate(suite: Path, results: Path, *extra: str) -> Any:
    return harness("gate", str(suite), "--results-dir", str(results), *extra)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def actions(plan: list[changes.PairPlan]) -> dict[tuple[str, str, str], str]:
    return {p.key: p.action for p in plan}


def sigs(suite: Path) -> dict[tuple[str, str, str], changes.Signature]:
    return changes.signatures(load_suite(suite), ["base"])


def detect(before: dict[tuple[str, str, str], changes.Signature], suite: Path) -> list[changes.PairPlan]:
    """Plan of the working tree `suite` against the signatures taken `before` the edits, as the base ref's."""
    return changes.plan_changes(before, sigs(suite), None, "base")


# --- End to end ---------------------------------------------------------------------------------------------------


def test_no_change_runs_nothing(project: Path, tmp_path: Path) -> None:
    results = tmp_path / "results"
    make_repo(project, results)
    runs = set((results / "runs").glob("*.jsonl"))
    r = run_gate(project, results)
    assert r.exit_code == 0, r.output
    assert "GATE PASS: 0 pair(s) run, 0 re-graded, 0 new, 5 reused" in r.output
    assert set((results / "runs").glob("*.jsonl")) == runs  # nothing ran


def test_degradation_fails_and_writes_the_step_summary(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_dataset(project.parent.parent / "datasets", "intents", intent_cases(n=90), {"text": "message"}, labels=LABELS)
    results = tmp_path / "results"
    make_repo(project, results)
    edit(project.parent / "models.yaml", "classification: 0.8,", "classification: 0.3,")  # alpha only
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    out = tmp_path / "gate.json"
    r = run_gate(project, results, "--json", str(out))
    assert r.exit_code == 1, r.output
    assert "GATE DEGRADED: 2 pair(s) run" in r.output and "SIMULATED" in r.output
    data = json.loads(out.read_text())
    verdicts = {tuple(p["key"]): p["verdict"] for p in data["pairs"]}
    assert verdicts == {("intents", "alpha", "base"): "degraded", ("invoices", "alpha", "base"): "pass"}
    degraded = next(p for p in data["pairs"] if p["verdict"] == "degraded")
    assert degraded["score"]["diff"] < -0.3 and degraded["score"]["p_holm"] < 0.05 and degraded["flips"]
    md = summary.read_text()
    assert md.startswith("## Eval gate: DEGRADED") and "not the models" in md
    assert "intents@1 (" in md and "intents/claude.j2@" in md and "alpha-1" in md  # what was compared


def test_tiny_dataset_is_inconclusive_unless_allowed(project: Path, tmp_path: Path) -> None:
    results = tmp_path / "results"
    make_repo(project, results)
    edit(project.parent.parent / "prompts/intents/claude.j2", "one of", "pick one of")
    r = run_gate(project, results)
    assert r.exit_code == 3, r.output
    assert "GATE INCONCLUSIVE: 1 pair(s) run" in r.output and "underpowered: MDE" in r.output
    r = run_gate(project, results, "--allow-inconclusive")
    assert r.exit_code == 0, r.output


def test_incomplete_baseline_is_never_allowed(project: Path, tmp_path: Path) -> None:
    results = tmp_path / "results"
    root = make_repo(project, results)
    path = project.parent / "baselines/tiny.jsonl"
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(x for x in lines if json.loads(x).get("case_id") not in ("c001", "c002")))
    git(root, "commit", "-qam", "damaged baseline")
    edit(project.parent.parent / "prompts/intents/claude.j2", "one of", "pick one of")
    r = run_gate(project, results, "--allow-inconclusive")
    assert r.exit_code == 3, r.output
    assert "GATE INCOMPLETE" in r.output and "intents/alpha/base has 10 of its 12 cells" in r.output


def test_invalid_base_is_invalid_input(project: Path, tmp_path: Path) -> None:
    results = tmp_path / "results"
    make_repo(project, results)
    r = run_gate(project, results, "--base", "no-such-branch")
    assert r.exit_code == 2 and "--base 'no-such-branch' is not a commit" in r.output
    r = run_gate(project, results, "--mode", "turbo")
    assert r.exit_code == 2 and "--mode must be one of" in r.output


def test_outside_git_is_invalid_input(project: Path, tmp_path: Path) -> None:
    r = run_gate(project, tmp_path / "results")
    assert r.exit_code == 2 and "not inside a git repository" in r.output


def test_same_commit_same_verdict(project: Path, tmp_path: Path) -> None:
    """CG-1: the same commit gives the identical verdict and scores."""
    results = tmp_path / "results"
    make_repo(project, results)
    edit(project.parent.parent / "prompts/intents/default.j2", "Label it.", "Label this message.")
    outs = []
    for i in range(2):
        r = run_gate(project, results, "--json", str(tmp_path / f"g{i}.json"))
        assert r.exit_code in (0, 1, 3), r.output
        data = json.loads((tmp_path / f"g{i}.json").read_text())
        outs.append({k: data[k] for k in ("plan", "pairs", "chains", "verdict", "problems", "base_commit")})
    assert outs[0] == outs[1] and outs[0]["pairs"]


def test_new_candidate_runs_and_is_reported(project: Path, tmp_path: Path) -> None:
    results = tmp_path / "results"
    make_repo(project, results)
    gamma = "  gamma:\n    provider: openai\n    model: gamma-1\n    family: gpt\n    credentials_env: TINY_KEY\n"
    edit(project.parent / "models.yaml", "  fallback-canned:", gamma + "  fallback-canned:")
    edit(project.parent / "routing.yaml", "chain: [alpha, beta]", "chain: [alpha, beta, gamma]")
    r = run_gate(project, results, "--json", str(tmp_path / "g.json"))
    assert r.exit_code == 0, r.output
    data = json.loads((tmp_path / "g.json").read_text())
    assert [(p["key"], p["verdict"]) for p in data["pairs"]] == [(["intents", "gamma", "base"], "new")]
    assert "new candidate: the routing table now reaches gamma" in r.output


def test_gate_run_refreshes_its_pairs_in_the_baseline(project: Path, tmp_path: Path) -> None:
    results = tmp_path / "results"
    make_repo(project, results)
    edit(project.parent.parent / "prompts/intents/claude.j2", "one of", "pick one of")
    r = run_gate(project, results, "--json", str(tmp_path / "g.json"))
    gate_run = json.loads((tmp_path / "g.json").read_text())["run_id"]
    r = harness("baseline", "update", str(project), "--results-dir", str(results), "--run", gate_run)
    assert r.exit_code == 0, r.output
    b = parse((project.parent / "baselines/tiny.jsonl").read_text(), "baseline")
    assert len(b.header["runs"]) == 2 and not b.problems() and len(b.signatures) == 5
    r = run_gate(project, results, "--base", "HEAD", "--plan-only")
    assert "this change edits evals/baselines/tiny.jsonl" in r.output  # the gate still reads HEAD's baseline


def test_partial_refresh_keeps_unreached_pairs() -> None:
    sig = {"template": {"path": "t.j2"}}
    a, b = ("t", "a", "base"), ("t", "b", "base")
    run = {"run_id": "r2", "suite": "s", "sim_seed": 0, "selection": {"variants": ["base"]}}
    existing = Baseline({"runs": ["r1"], "sim_seed": 0, "limit": None, "repeats": None, "variants": ["base"]},
                        {a: sig, b: sig}, {a: 1, b: 0}, {a: rows(a, [True])})  # fmt: skip
    snap, notes = snapshot(run, {a: rows(a, [False])}, {a: sig, b: sig}, existing)
    assert snap.cells == {a: 1, b: 0} and snap.header["runs"] == ["r1", "r2"] and not notes and not snap.problems()
    assert parse(dumps(snap), "x").rows == {a: rows(a, [False])}


def test_baseline_update_refuses_a_run_of_another_configuration(project: Path, tmp_path: Path) -> None:
    results = tmp_path / "results"
    make_repo(project, results)
    edit(project.parent.parent / "prompts/intents/claude.j2", "one of", "pick one of")
    r = harness("baseline", "update", str(project), "--results-dir", str(results))
    assert r.exit_code == 2 and "template intents/claude.j2 changed" in r.output


# --- Change detection (pure) --------------------------------------------------------------------------------------


def test_family_template_affects_only_that_family(project: Path) -> None:
    before = sigs(project)
    (project.parent.parent / "prompts/intents/gpt.j2").write_text("{% block user %}{{ text }}?{% endblock %}\n")
    plan = detect(before, project)
    assert actions(plan) == {("intents", "alpha", "base"): "reuse", ("intents", "beta", "base"): "run",
                             ("invoices", "alpha", "base"): "reuse", ("invoices", "beta", "base"): "reuse",
                             ("invoices", "fallback-canned", "base"): "reuse"}  # fmt: skip
    beta = next(p for p in plan if p.key == ("intents", "beta", "base"))
    assert beta.reasons == ("template intents/default.j2 → intents/gpt.j2",)


def test_canned_answers_ignore_template_edits(project: Path) -> None:
    before = sigs(project)
    edit(project.parent.parent / "prompts/invoices/default.j2", "Extract JSON", "Extract the JSON")
    got = {k: a for k, a in actions(detect(before, project)).items() if k[0] == "invoices"}
    assert got == {("invoices", "alpha", "base"): "run", ("invoices", "beta", "base"): "run",
                   ("invoices", "fallback-canned", "base"): "reuse"}  # fmt: skip


def test_grader_change_regrades_every_pair_of_the_task(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = sigs(project)
    edit(project, "args: {ignore_punctuation: true}", "args: {ignore_punctuation: false}")
    plan = detect(before, project)
    assert {k: a for k, a in actions(plan).items() if a != "reuse"} == {
        ("intents", "alpha", "base"): "regrade", ("intents", "beta", "base"): "regrade"}  # fmt: skip
    assert plan[0].reasons == ("grader exact args changed",)
    old = REGISTRY["json_fields"].version
    monkeypatch.setitem(REGISTRY, "json_fields", dataclasses.replace(REGISTRY["json_fields"], version="99"))
    plan = detect(before, project)
    assert [p.key[1] for p in plan if p.key[0] == "invoices" and p.action == "regrade"] == [
        "alpha", "beta", "fallback-canned"]  # fmt: skip
    assert plan[2].reasons == (f"grader json_fields version {old} → 99",)


def test_grader_version_bump_in_code_is_caught_by_the_baseline(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Base and working tree are both read with the current code; the baseline remembers the old version."""
    baseline = sigs(project)
    monkeypatch.setitem(REGISTRY, "exact", dataclasses.replace(REGISTRY["exact"], version="2"))
    now = sigs(project)
    plan = changes.plan_changes(now, now, baseline, "main")
    alpha = next(p for p in plan if p.key == ("intents", "alpha", "base"))
    assert alpha.action == "regrade" and alpha.reasons == (
        "grader exact version 1 → 2 (vs the baseline; same at main)",
    )


def test_dataset_version_change(project: Path) -> None:
    before = sigs(project)
    folder = project.parent.parent / "datasets/intents"
    new = project.parent.parent / "intents-new.jsonl"
    new.write_text((folder / "v1.jsonl").read_text().replace("parcel", "package"))
    r = harness("datasets", "add-version", "intents", str(new), "--datasets-dir", str(folder.parent))
    assert r.exit_code == 0, r.output
    edit(project, "dataset: intents@1", "dataset: intents@2")
    plan = detect(before, project)
    assert {k for k, a in actions(plan).items() if a == "run"} == {
        ("intents", "alpha", "base"),
        ("intents", "beta", "base"),
    }
    assert plan[0].reasons == ("dataset intents@1 → intents@2",)


def test_routing_change_adds_and_removes_candidates(project: Path) -> None:
    before = sigs(project)
    edit(project.parent / "routing.yaml", "chain: [alpha, beta]", "chain: [alpha, fallback-canned]")
    got = actions(detect(before, project))
    assert got[("intents", "fallback-canned", "base")] == "new" and got[("intents", "beta", "base")] == "removed"
    assert got[("intents", "alpha", "base")] == "reuse"


def test_judge_prompt_change_regrades_without_new_calls(project: Path) -> None:
    judges = project.parent.parent / "prompts/judges"
    judges.mkdir()
    (judges / "faithful.j2").write_text("{% block user %}Grade: {{ output }}{% endblock %}\n")
    p = load_suite(project)
    task = p.suite.tasks["invoices"]
    spec = GraderSpec(name="json_fields", args={"prompt": "judges/faithful.j2", "judge": "beta"})
    suite = p.suite.model_copy(
        update={"tasks": {**p.suite.tasks, "invoices": task.model_copy(update={"graders": [spec]})}}
    )
    p = dataclasses.replace(p, suite=suite)
    before = changes.signatures(p, ["base"])
    (judges / "faithful.j2").write_text("{% block user %}Grade strictly: {{ output }}{% endblock %}\n")
    plan = changes.plan_changes(before, changes.signatures(p, ["base"]), None, "main")
    changed = {p.key[1]: (p.action, p.reasons) for p in plan if p.action != "reuse"}
    assert changed == {d: ("regrade", ("judge prompt judges/faithful.j2 changed",))
                       for d in ("alpha", "beta", "fallback-canned")}  # fmt: skip


def test_a_constraint_added_later_changes_no_signature_at_its_default(project: Path) -> None:
    """`latency_budget_on` came after baselines recorded constraints whole: at its default ("total") a baseline made
    before it stays current; set, it is a change like any other."""
    routing = project.parent / "routing.yaml"
    edit(routing, "  intents:\n    chain: [alpha, beta]", "  intents:\n    chain: [alpha, beta]\n"
         "    constraints: {latency_budget_ms: 900}")  # fmt: skip
    before = sigs(project)
    assert all("latency_budget_on" not in r.get("constraints", {}) for s in before.values()
               for r in s["routing"]["routes"])  # fmt: skip
    edit(routing, "{latency_budget_ms: 900}", "{latency_budget_ms: 900, latency_budget_on: total}")
    assert all(p.action == "reuse" for p in detect(before, project))
    edit(routing, "latency_budget_on: total", "latency_budget_on: ttft")
    changed = {p.key for p in detect(before, project) if p.action != "reuse"}
    assert changed == {("intents", "alpha", "base"), ("intents", "beta", "base")}


# --- Verdicts (pure) ----------------------------------------------------------------------------------------------

BARS = {"alpha": 0.05, "non_inferiority_margin": 0.05, "equivalence_margin": 0.02, "regression_margin": 0.03,
        "max_error_rate_increase": 0.02, "min_detectable_effect": 0.05}  # fmt: skip


def rows(key: tuple[str, str, str], passes: list[bool], errors: int = 0) -> list[dict[str, Any]]:
    out = []
    for i, ok in enumerate(passes):
        err = i < errors
        out.append({"task": key[0], "deployment": key[1], "variant": key[2], "case_id": f"c{i:03d}", "sample": 0,
                    "score": None if err else float(ok), "passed": None if err else ok,
                    "status": "error" if err else "ok", "error_class": "server_error" if err else None,
                    "cluster": None, "output": None})  # fmt: skip
    return out


def evidence(base: dict[Any, Any], head: dict[Any, Any]) -> gate.Evidence:
    return gate.Evidence(
        baseline=base, head=head, planned={k: len(v) for k, v in head.items()}, base_modes={}, head_modes={},
        run_status="complete", base_chains={"t": ["p", "f"]}, head_chains={"t": ["p", "f"]}, bars={"t": BARS},
    )  # fmt: skip


def test_error_rate_rise_degrades() -> None:
    key = ("t", "p", "base")
    good = [True] * 300
    plan = [changes.PairPlan(key, "run", ("x",), ("template",)), changes.PairPlan(("t", "f", "base"), "reuse", ("",))]
    pairs, _ = gate.judge(plan, evidence({key: rows(key, good)}, {key: rows(key, good, errors=60)}))
    assert pairs[0].verdict == "degraded" and "error rate 0.0% → 20.0%" in pairs[0].notes[0]


def test_non_inferiority_lost_degrades() -> None:
    p, f = ("t", "p", "base"), ("t", "f", "base")
    same = [i % 10 != 0 for i in range(400)]
    worse = [i % 2 == 0 for i in range(400)]
    plan = [changes.PairPlan(p, "reuse", ("",)), changes.PairPlan(f, "run", ("x",), ("template",))]
    pairs, chains = gate.judge(plan, evidence({p: rows(p, same), f: rows(f, same)}, {f: rows(f, worse)}))
    assert [(c.before, c.after, c.outcome) for c in chains] == [("non-inferior", "inferior", "degraded")]
    assert gate.overall(pairs, chains, []) == "degraded"


def test_incomplete_never_passes() -> None:
    """CG-2: a cancelled run, missing cells, skipped cells or sim against live answers make the gate incomplete."""
    key = ("t", "p", "base")
    plan = [changes.PairPlan(key, "run", ("x",), ("template",))]
    good = rows(key, [True] * 100)
    cancelled = dataclasses.replace(evidence({key: good}, {key: good[:97]}), run_status="cancelled")
    cancelled.planned = {key: 100}
    pairs, _ = gate.judge(plan, cancelled)
    assert pairs[0].verdict == "incomplete" and pairs[0].notes == [
        "the gate run ended cancelled",
        "97 of 100 cells finished",
    ]
    skipped = [{**r, "status": "skipped", "error_class": "skipped_auth"} for r in good]
    pairs, _ = gate.judge(plan, evidence({key: good}, {key: skipped}))
    assert pairs[0].verdict == "incomplete" and "skipped_auth" in pairs[0].notes[0]
    live = dataclasses.replace(evidence({key: good}, {key: good}), base_modes={"p": "sim"}, head_modes={"p": "live"})
    pairs, chains = gate.judge(plan, live)
    assert pairs[0].notes == ["the baseline is sim, this run is live: simulated and real answers do not compare"]
    assert gate.exit_code(gate.overall(pairs, chains, []), allow_inconclusive=True) == 3


def test_drop_test_is_one_sided_on_the_lower_tail() -> None:
    from scipy.stats import norm

    from harness import stats  # the gate takes the report's drop test (stats.drop_p) and verdict

    for diff, se in [(-0.5, 0.15), (0.2, 0.1), (-0.04, 0.01)]:
        assert math.isclose(stats.drop_p(diff, se, 0.03), norm.cdf((diff + 0.03) / se), rel_tol=1e-9)


def test_exit_codes() -> None:
    assert [gate.exit_code(v) for v in ("pass", "degraded", "inconclusive", "incomplete")] == [0, 1, 3, 3]
    assert gate.exit_code("inconclusive", allow_inconclusive=True) == 0
    assert gate.exit_code("incomplete", allow_inconclusive=True) == 3
    pv = gate.PairVerdict(("t", "p", "base"), "run", "degraded")
    assert gate.overall([pv], [], ["baseline damaged"]) == "degraded"
    assert gate.overall([], [], ["baseline damaged"]) == "incomplete"


def test_a_suite_without_a_baseline_is_incomplete_and_says_how_to_make_one(project: Path, tmp_path: Path) -> None:
    """Issue 27: a new suite passed the gate with exit 0 although nothing was compared."""
    root = project.parent.parent
    git(root, "init", "-q", "-b", "main")
    (root / "README.md").write_text("a repository before the suite\n")
    git(root, "add", "README.md")
    git(root, "commit", "-qm", "before the suite")
    r = run_gate(project, tmp_path / "results")
    assert r.exit_code == 3, r.output
    assert "GATE INCOMPLETE" in r.output and "no baseline for 5 pair(s) (intents / alpha / base" in r.output
    assert "harness run evals/tiny.yaml` then `harness baseline update evals/tiny.yaml`" in r.output
    assert not (tmp_path / "results" / "runs").exists() or not list((tmp_path / "results" / "runs").glob("*.jsonl"))


def test_latest_is_the_last_ordinary_run_not_the_gates(project: Path, tmp_path: Path) -> None:
    """Issue 27: `harness.open().latest()` returned the gate's run when a gate ran last. The gate's run is recorded
    as such; `latest(suite=..., kind="run"|"gate")` picks, ordinary runs by default."""
    import harness as api

    results = tmp_path / "results"
    make_repo(project, results)
    edit(project.parent.parent / "prompts/intents/claude.j2", "one of", "pick one of")
    r = run_gate(project, results, "--allow-inconclusive")
    assert r.exit_code == 0, r.output
    db = api.open(results)
    runs = db.runs()
    assert len(runs) == 2
    ordinary, gate_run = runs["run_id"].iloc[0], runs["run_id"].iloc[1]
    assert db.latest() == ordinary and db.latest(suite="tiny") == ordinary
    assert db.latest(kind="gate") == gate_run and db.latest(suite="tiny", kind="gate") == gate_run
    with pytest.raises(InputError, match="no runs of suite 'other'"):
        db.latest(suite="other")
