import math
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import harness
from harness.cli import app
from harness.errors import InputError
from harness.report.data import build


def run(project: Path, results: Path, *extra: str) -> str:
    r = CliRunner().invoke(app, ["run", str(project), "--results-dir", str(results), "--no-report", *extra])
    assert r.exit_code == 0, r.output
    found = re.search(r"^run (\S+) complete", r.output, re.M)
    assert found, r.output
    return found.group(1)


def two_runs(project: Path, results: Path) -> tuple[str, str]:
    """A baseline, then the intents task again with an edited default prompt and a few-shot variant."""
    base = run(project, results)
    tmpl = project.parent.parent / "prompts/intents/default.j2"
    tmpl.write_text(tmpl.read_text().replace("Label it.", "Label this message please."))
    return base, run(project, results, "--tasks", "intents", "--variants", "base,fewshot")


@pytest.fixture
def results(project: Path, tmp_path: Path) -> Path:
    r = CliRunner().invoke(app, ["run", str(project), "--results-dir", str(tmp_path / "res")])
    assert r.exit_code == 0, r.output
    return tmp_path / "res"


def same(a: Any, b: Any) -> bool:
    """Equal, with None on one side matching NaN / <NA> on the other."""
    missing = (a is None or (isinstance(a, float) and math.isnan(a)), b is None or str(b) in ("nan", "<NA>"))
    return all(missing) if any(missing) else bool(a == b)


def test_public_api_is_complete() -> None:
    assert set(harness.__all__) == {"Results", "__version__", "open"}


def test_frames_with_dtypes(results: Path) -> None:
    db = harness.open(results)
    runs = db.runs()
    assert len(runs) == 1 and str(runs["started_at"].dtype).startswith("datetime64")
    cells = db.cells(run=db.latest(), task="intents")
    assert len(cells) == 24 and str(cells["deployment"].dtype) == "category"
    assert set(cells["deployment"]) == {"alpha", "beta"} and cells["simulated"].all()
    grades = db.grades(task="invoices", deployment="fallback-canned")
    assert len(grades) == 6 and set(grades["grader_id"]) == {"json_fields"}
    df = db.sql("SELECT deployment, avg(score) AS s FROM results WHERE task = ? GROUP BY 1", ["intents"])
    assert set(df["deployment"]) == {"alpha", "beta"}


def test_compare_summary_is_the_reports_drift(project: Path, tmp_path: Path) -> None:
    base, cur = two_runs(project, tmp_path)
    summary = harness.open(tmp_path).compare(base, cur, summary=True)
    pairs = build(tmp_path, cur, base)["drift"]["pairs"]
    assert len(summary) == len(pairs) == 2  # intents × {alpha, beta} × base: fewshot and invoices are in one run only
    assert str(summary["verdict"].dtype) == "category" and str(summary["n"].dtype) == "int64"
    for row, pair in zip(summary.to_dict("records"), pairs, strict=True):
        assert [row["ci_low"], row["ci_high"]] == pair.pop("ci")
        assert all(same(pair[k], row[k]) for k in pair), (row, pair)


def test_compare_per_case(project: Path, tmp_path: Path) -> None:
    base, cur = two_runs(project, tmp_path)
    db = harness.open(tmp_path)
    cases, summary = db.compare(base, cur), db.compare(base, cur, summary=True)
    assert len(cases) == 24 and set(cases["variant"]) == {"base"}
    assert {str(cases[c].dtype) for c in ("passed_a", "passed_b")} == {"boolean"}
    assert list(cases["flipped"].cat.categories) == ["pass → fail", "fail → pass"]
    flips = build(tmp_path, cur, base)["drift"]["flips"]
    flipped = cases[cases["flipped"].notna()]
    assert flips and {(f["deployment"], f["case_id"], f["direction"], f["before"], f["after"]) for f in flips} == {
        (r.deployment, r.case_id, r.flipped, r.output_a, r.output_b) for r in flipped.itertuples()
    }
    by_group = cases.groupby(["task", "deployment", "variant"], observed=True)
    for row in summary.itertuples():
        group = by_group.get_group((row.task, row.deployment, row.variant))
        assert math.isclose(group["delta"].mean(), row.diff, abs_tol=1e-12)
        assert (group["flipped"] == "pass → fail").sum() == row.pass_to_fail
        assert (group["flipped"] == "fail → pass").sum() == row.fail_to_pass


def ladder_record(ladder: dict[str, Any], step: dict[str, Any]) -> dict[str, Any]:
    """A report ladder step as the degradation frame should show it."""
    vs = step.get("vs_primary", {})
    low, high = vs.get("ci", (None, None))
    plain = ("deployment", "role", "n", "mean", "simulated", "non_inferiority", "equivalence", "agreement", "kappa")
    return {
        **{k: ladder[k] for k in ("task", "variant", "primary", "margin")},
        **{k: step.get(k) for k in plain},
        **{k: vs.get(k) for k in ("diff", "se", "p", "mde")},
        "n_paired": vs.get("n"), "mean_primary": vs.get("mean_a"), "ci_low": low, "ci_high": high,
    }  # fmt: skip


def test_degradation_is_the_reports_ladder(project: Path, tmp_path: Path) -> None:
    base, cur = two_runs(project, tmp_path)
    db = harness.open(tmp_path)
    for run_id in (base, cur):
        frame = db.degradation(run_id).to_dict("records")
        wanted = [ladder_record(lad, s) for lad in build(tmp_path, run_id)["ladders"] for s in lad["steps"]]
        assert len(frame) == len(wanted) > 0
        for row, want in zip(frame, wanted, strict=True):
            assert all(same(want[k], row[k]) for k in want), (row, want)
    ladder = db.degradation()  # the latest run: intents, one block per variant
    blocks = {("base", 0, "alpha"), ("base", 1, "beta"), ("fewshot", 0, "alpha"), ("fewshot", 1, "beta")}
    assert set(zip(ladder["variant"], ladder["position"], ladder["deployment"], strict=True)) == blocks
    assert str(ladder["non_inferiority"].dtype) == "category" and ladder["equivalence"].isna().all()
    eq = db.degradation(base, same_model={"alpha": "m", "beta": "m"})
    assert set(eq["equivalence"].dropna()) <= {"equivalent", "inconclusive", "different"}
    assert eq["equivalence"].notna().sum() == 2  # beta on intents and invoices; the canned answer is no model


def test_unknown_run(results: Path) -> None:
    with pytest.raises(InputError, match="no run 'nope'"):
        harness.open(results).degradation("nope")


def test_open_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no results directory"):
        harness.open(tmp_path / "nope")


def test_calls_load_new_journals(results: Path, tmp_path: Path) -> None:
    fresh = tmp_path / "fresh"
    (fresh / "runs").mkdir(parents=True)
    for journal in (results / "runs").glob("*.jsonl"):
        (fresh / "runs" / journal.name).write_bytes(journal.read_bytes())
    with pytest.raises(InputError, match="no database"):
        harness.open(fresh, load=False).runs()
    assert len(harness.open(fresh).cells()) == 42


HOLD = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
print("held", flush=True)
time.sleep(float(sys.argv[2]))
con.close()
"""


def test_no_connection_kept_and_lock_retried(results: Path) -> None:
    db = harness.open(results)
    db.runs()
    # Between calls nothing is open: another process can take the file read-write at once.
    held = subprocess.run([sys.executable, "-c", HOLD, str(results / "harness.duckdb"), "0"],
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert held.returncode == 0 and held.stdout.strip() == "held", held.stderr
    # A call that meets a writer's lock waits for it instead of failing.
    with subprocess.Popen([sys.executable, "-c", HOLD, str(results / "harness.duckdb"), "1.5"],
                          stdout=subprocess.PIPE, text=True) as holder:  # fmt: skip
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        start = time.monotonic()
        assert len(db.cells(task="invoices")) == 18
        assert time.monotonic() - start > 0.5
    assert holder.returncode == 0


def test_sql_command(results: Path) -> None:
    runner = CliRunner()
    r = runner.invoke(
        app,
        [
            "sql",
            "SELECT task, count(*) AS n FROM results GROUP BY 1 ORDER BY 1",
            "--results-dir",
            str(results),
            "--csv",
        ],
    )
    assert r.exit_code == 0 and r.output == "task,n\nintents,24\ninvoices,18\n"  # LF only, no CR
    r = runner.invoke(app, ["sql", "SELECT 1 AS one", "--results-dir", str(results), "--json"])
    assert r.output.strip() == '{"one": 1}'
    r = runner.invoke(app, ["sql", "SELEC nonsense", "--results-dir", str(results)])
    assert r.exit_code == 2 and "SQL error" in r.output


def test_latency_frame_and_streaming_columns(results: Path) -> None:
    """Simulated twins stream: cells carry TTFT, tokens/s and chunks; `latency()` is the report's overview numbers
    (TTFT and total p50/p95 beside quality and cost); the canned deployment streams nothing."""
    db = harness.open(results)
    cells = db.cells(task="intents")
    assert {"ttft_ms", "tokens_per_s", "chunks"} <= set(cells.columns)
    assert (cells["ttft_ms"] <= cells["latency_ms"]).all() and (cells["chunks"] >= 1).all()
    frame = db.latency()
    assert str(frame["ttft_p95_ms"].dtype) == "float64" and str(frame["deployment"].dtype) == "category"
    alpha = frame[(frame["task"] == "intents") & (frame["deployment"] == "alpha")].iloc[0]
    mine = sorted(cells[cells["deployment"] == "alpha"]["ttft_ms"])
    assert alpha["ttft_p50_ms"] == mine[len(mine) // 2] and alpha["ttft_p95_ms"] <= alpha["p95_ms"]
    assert alpha["streamed"] == alpha["samples"] and alpha["simulated"]
    canned = frame[frame["deployment"] == "fallback-canned"].iloc[0]
    assert canned["streamed"] == 0 and same(canned["ttft_p50_ms"], None)


def test_served_is_routed_play_one_row_per_request(project: Path, tmp_path: Path) -> None:
    import json

    import pandas as pd

    results = tmp_path / "res"
    run_id = run(project, results, "--routed")
    db = harness.open(results)
    served = db.served(run_id)
    (expected,) = db.sql("SELECT count(*) AS n FROM served WHERE run_id = ?", [run_id])["n"]
    assert len(served) == expected > 0
    assert list(served.columns[:5]) == ["run_id", "task", "case_id", "variant", "sample"]
    assert served["simulated"].all()  # the example's fleet is simulated: labelled so
    for _, row in served.iterrows():
        path = json.loads(row["path"])
        if row["status"] == "ok":
            assert any(s["outcome"] == "ok" and s["position"] == row["served_position"] for s in path)
        else:
            assert pd.isna(row["served_deployment"]) and row["failure_class"]
    intents = db.served(run_id, task="intents")
    assert 0 < len(intents) < len(served) and set(intents["task"]) == {"intents"}
    assert len(db.served()) == len(served)  # every run's: one run here
