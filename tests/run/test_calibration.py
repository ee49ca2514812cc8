"""`harness judges calibrate`: agreement of a task's judges with labelled outputs, stored in judge_calibrations."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from harness.cli import app
from harness.config.datasets import Case
from harness.run.calibration import Labelled, labelled_outputs, metrics
from harness.types import Grade
from tests.fakeprov import query
from tests.judged import add_judges


def quadratic_kappa(a: list[int], b: list[int], k: int) -> float:
    """Quadratic-weighted kappa written out (Cohen 1968), to check scikit-learn's use."""
    observed = np.zeros((k, k))
    for i, j in zip(a, b, strict=True):
        observed[i, j] += 1
    expected = np.outer(observed.sum(1), observed.sum(0)) / len(a)
    weights = np.array([[(i - j) ** 2 for j in range(k)] for i in range(k)]) / (k - 1) ** 2
    return float(1 - (weights * observed).sum() / (weights * expected).sum())


def item(score: float, output: str = "x") -> Labelled:
    return Labelled(Case("c", {}, None), 0, output, score == 1.0, score)


def test_metrics_match_the_definitions() -> None:
    labels = [0.0, 0.5, 1.0, 1.0, 0.0, 1.0, 0.5, 0.0]
    judged = [0.0, 1.0, 1.0, 0.5, 0.0, 1.0, 0.5, 0.5]
    items = [item(s, "x" * (10 + 7 * i)) for i, s in enumerate(labels)]
    grades = [Grade("j", "1", v, v == 1.0) for v in judged]
    m = metrics(items, grades)
    truth, said = [s == 1.0 for s in labels], [v == 1.0 for v in judged]
    assert m["n"] == 8 and m["errors"] == 0 and m["accuracy"] == pytest.approx(np.mean(np.equal(truth, said)))
    po = np.mean(np.equal(truth, said))
    pe = np.mean(truth) * np.mean(said) + (1 - np.mean(truth)) * (1 - np.mean(said))
    assert m["kappa"] == pytest.approx((po - pe) / (1 - pe), abs=1e-6)
    idx = {0.0: 0, 0.5: 1, 1.0: 2}
    assert m["weighted_kappa"] == pytest.approx(quadratic_kappa([idx[s] for s in labels], [idx[v] for v in judged], 3),
                                                abs=1e-6)  # fmt: skip
    assert m["confusion"]["levels"] == [0.0, 0.5, 1.0]
    assert m["confusion"]["matrix"] == [[2, 1, 0], [0, 1, 1], [0, 1, 2]]
    assert m["confusion"]["passed"] == [[4, 1], [1, 2]]
    lengths = [10 + 7 * i for i in range(8)]
    assert m["length_score_corr"] == pytest.approx(np.corrcoef(lengths, judged)[0, 1], abs=1e-6)


def test_errors_are_left_out_and_counted_and_degenerate_kappas_are_empty() -> None:
    items = [item(1.0), item(1.0), item(0.0)]
    grades = [Grade("j", "1", 1.0, True), Grade("j", "1", 1.0, True), Grade("j", "1", None, None, error="x")]
    m = metrics(items, grades)
    assert (m["n"], m["errors"], m["accuracy"], m["kappa"], m["length_score_corr"]) == (2, 1, 1.0, None, None)


def test_labelled_outputs_default_the_score_from_passed() -> None:
    case = Case("c", {}, "x", labels=({"output": "a", "passed": True}, {"output": "b", "passed": False, "score": 0.5},
                                       {"note": "no output"}))  # fmt: skip
    assert [(x.output, x.passed, x.score) for x in labelled_outputs([case])] == [("a", True, 1.0), ("b", False, 0.5)]


def calibrate(*args: str) -> object:
    return CliRunner().invoke(app, ["judges", "calibrate", *args])


def test_calibrate_stores_a_labelled_simulated_row(project: Path, tmp_path: Path) -> None:
    add_judges(project)
    results = tmp_path / "results"
    r = calibrate("intents", "--suite", str(project), "--results-dir", str(results))
    assert r.exit_code == 0, r.output
    assert "SIMULATED judge" in r.output and "intents@1" in r.output
    ((task, grader, judge, prompt, simulated, n, errors, acc, conf),) = query(
        results, "SELECT task, grader_id, judge_deployment, judge_prompt_hash, simulated, n, errors, accuracy, "
                 "confusion FROM judge_calibrations")  # fmt: skip
    assert (task, grader, judge, simulated, n, errors) == ("intents", "judge", "gamma", True, 24, 0)
    assert len(prompt) == 64 and 0.7 <= acc <= 1.0
    assert sum(map(sum, json.loads(conf)["passed"])) == 24
    (attempts,) = query(results, "SELECT count(*) FROM attempts WHERE deployment = 'gamma'")[0]
    assert attempts >= 24  # the judge's calls are journaled like any other
    assert len(list((results / "calibrations").glob("calibration-*.jsonl"))) == 1 and not (results / "runs").exists()


def test_calibrate_with_another_judge_and_list(project: Path, tmp_path: Path) -> None:
    add_judges(project)
    results = tmp_path / "results"
    assert (
        calibrate("intents", "--suite", str(project), "--judge", "beta", "--results-dir", str(results)).exit_code == 0
    )
    assert query(results, "SELECT judge_deployment FROM judge_calibrations") == [("beta",)]
    listed = CliRunner().invoke(app, ["judges", "list", "--results-dir", str(results)])
    assert listed.exit_code == 0 and "beta" in listed.output and "SIM" in listed.output


@pytest.mark.parametrize(
    "args, message",
    [(["nope"], "unknown task 'nope'"), (["invoices"], "task 'invoices' has no judge grader"),
     (["intents", "--judge", "nobody"], "unknown judge deployment 'nobody'"),
     (["intents", "--grader", "other"], "no judge grader with id 'other'"), (["intents", "--mode", "x"], "--mode")],
)  # fmt: skip
def test_calibrate_refuses_bad_input_in_one_line(project: Path, tmp_path: Path, args: list[str], message: str) -> None:
    add_judges(project)
    r = calibrate(*args, "--suite", str(project), "--results-dir", str(tmp_path / "r"))
    assert r.exit_code == 2 and message in r.output


def test_calibrate_needs_labelled_outputs(project: Path, tmp_path: Path) -> None:
    add_judges(project)
    text = project.read_text().replace("graders: [{name: json_fields}]",
                                       "graders: [{name: judge, args: {judge: gamma}}]")  # fmt: skip
    project.write_text(text)
    r = calibrate("invoices", "--suite", str(project), "--results-dir", str(tmp_path / "r"))
    assert r.exit_code == 2 and "has no labelled outputs" in r.output


def test_calibrate_refuses_a_judge_without_credentials_next_to_a_live_one(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_judges(project, grader="{name: judge, args: {judge: [gamma, beta]}}", pairwise=False)
    monkeypatch.setenv("TINY_KEY", "k")
    r = calibrate("intents", "--suite", str(project), "--results-dir", str(tmp_path / "r"))
    assert r.exit_code == 2 and "judge 'gamma' has no credentials" in r.output
