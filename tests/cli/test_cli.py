"""The CLI end to end in a temporary project: output, exit codes and stored rows."""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from harness.cli import app

runner = CliRunner()


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def rows(results: Path, sql: str) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(results / "harness.duckdb"), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_run_end_to_end(project: Path, tmp_path: Path) -> None:
    results = tmp_path / "results"
    code, out = run("run", str(project), "--results-dir", str(results))
    assert code == 0, out
    assert "SIMULATED" in out and "Results per task and deployment" in out
    assert rows(results, "SELECT count(*), count(DISTINCT cell_key) FROM cells") == [(42, 42)]
    assert rows(results, "SELECT DISTINCT mode, simulated FROM results ORDER BY 1") == [
        ("local", False),
        ("sim", True),
    ]
    assert rows(results, "SELECT status, simulated, planned_cells FROM runs") == [("complete", True, 42)]
    # every ok cell is graded, every cell ends ok or as a recorded error
    assert rows(results, "SELECT count(*) FROM results WHERE status = 'ok' AND score IS NULL") == [(0,)]
    assert rows(results, "SELECT count(*) FROM cells WHERE status NOT IN ('ok', 'error')") == [(0,)]
    # attempts: one ok attempt per ok cell, retried 429s recorded
    assert rows(results, "SELECT count(*) FROM attempts WHERE status = 'ok'") == rows(
        results, "SELECT count(*) FROM cells WHERE status = 'ok'"
    )
    canned = rows(results, "SELECT DISTINCT output, score FROM results WHERE deployment = 'fallback-canned'")
    assert canned == [('{"vendor": null, "invoice_number": null, "total": null}', 0.0)]
    journals = list((results / "runs").glob("*.jsonl"))
    assert len(journals) == 1


def outputs(results: Path) -> list[tuple[object, ...]]:
    return rows(
        results,
        "SELECT run_id, task, deployment, case_id, output, score FROM results ORDER BY ALL",
    )


def test_sim_reruns_reproduce_and_seed_changes(project: Path, tmp_path: Path) -> None:
    for name, seed in [("a", "0"), ("b", "0"), ("c", "7")]:
        assert run("run", str(project), "--results-dir", str(tmp_path / name), "--sim-seed", seed)[0] == 0
    a, b, c = ([r[1:] for r in outputs(tmp_path / n)] for n in "abc")
    assert a == b
    assert a != c
    assert rows(tmp_path / "c", "SELECT sim_seed FROM runs") == [(7,)]


def test_prompt_edit_changes_recorded_template_hash(project: Path, tmp_path: Path) -> None:
    sql = "SELECT DISTINCT template_hash FROM cells WHERE deployment = 'beta' AND task = 'intents'"
    run("run", str(project), "--results-dir", str(tmp_path / "a"), "--tasks", "intents")
    tmpl = project.parent.parent / "prompts" / "intents" / "default.j2"
    tmpl.write_text(tmpl.read_text().replace("Label it.", "Label this message."))
    run("run", str(project), "--results-dir", str(tmp_path / "b"), "--tasks", "intents")
    assert rows(tmp_path / "a", sql) != rows(tmp_path / "b", sql)


def test_flags_select_and_repeat(project: Path, tmp_path: Path) -> None:
    results = tmp_path / "r"
    code, out = run(
        "run", str(project), "--results-dir", str(results), "--tasks", "intents", "--deployments", "beta",
        "--variants", "base,fewshot", "--limit", "3", "--repeats", "2",
    )  # fmt: skip
    assert code == 0, out
    assert rows(results, "SELECT variant, count(*) FROM cells GROUP BY 1 ORDER BY 1") == [
        ("base", 6),
        ("fewshot", 6),
    ]
    assert rows(results, "SELECT count(*), max(samples) FROM case_results") == [(6, 2)]


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda root: (root / "evals/models.yaml").write_text("deployments: [\n"),
            "models.yaml:2: malformed YAML",
        ),
        (
            lambda root: (root / "evals/tiny.yaml").write_text((root / "evals/tiny.yaml").read_text() + "tasks: {}\n"),
            "duplicate key 'tasks'",
        ),
        (
            lambda root: (root / "evals/tiny.yaml").write_text(
                (root / "evals/tiny.yaml")
                .read_text()
                .replace("repeats", "x")
                .replace("task_class: extraction", "task_class: extraction\n    repeets: 2")
            ),
            "tasks.invoices.repeets: unknown key",
        ),
        (
            lambda root: (root / "datasets/intents/v1.jsonl").write_bytes(
                b"x" + (root / "datasets/intents/v1.jsonl").read_bytes()
            ),
            "does not match the manifest",
        ),
        (
            lambda root: (root / "prompts/intents/default.j2").write_text("{% block user %}{{ nope }}{% endblock %}"),
            "undefined variable: 'nope'",
        ),
        (
            lambda root: (root / "prompts/intents/default.j2").write_text("{% block user %}{{ nope {% endblock %}"),
            "default.j2:1: template syntax error",
        ),
    ],
)
def test_bad_input_one_line_exit_2_nothing_written(project: Path, tmp_path: Path, mutate, message: str) -> None:  # type: ignore[no-untyped-def]
    mutate(project.parent.parent)
    results = tmp_path / "results"
    code, out = run("run", str(project), "--results-dir", str(results))
    assert code == 2, out
    assert message in out
    assert "Traceback" not in out
    assert not (results / "harness.duckdb").exists()


def test_unknown_task_and_deployment_exit_2(project: Path, tmp_path: Path) -> None:
    code, out = run("run", str(project), "--results-dir", str(tmp_path), "--tasks", "nope")
    assert code == 2 and "unknown task 'nope'" in out
    code, out = run("run", str(project), "--results-dir", str(tmp_path), "--deployments", "nope")
    assert code == 2 and "unknown deployment 'nope'" in out


def test_prompts_show(project: Path) -> None:
    code, out = run("prompts", "show", "intents", "alpha", "--case", "c001", "--suite", str(project))
    assert code == 0, out
    assert "intents/claude.j2" in out and "<m>Where is my parcel 1?" in out
    code, out = run("prompts", "show", "intents", "alpha", "--case", "zzz", "--suite", str(project))
    assert code == 2 and "no test case 'zzz'" in out


def test_datasets_commands(project: Path, tmp_path: Path) -> None:
    root = str(project.parent.parent / "datasets")
    code, out = run("datasets", "list", "--datasets-dir", root)
    assert code == 0 and "intents" in out and "16 cases" in out
    code, out = run("datasets", "verify", "--datasets-dir", root)
    assert code == 0 and "ok  intents@1" in out
    code, out = run("datasets", "show", "intents", "--datasets-dir", root)
    assert code == 0 and "train 4" in out
    new = tmp_path / "new.jsonl"
    new.write_text(json.dumps({"id": "n1", "input": {"text": "hi"}, "expected": "billing"}) + "\n")
    code, out = run("datasets", "add-version", "intents", str(new), "--datasets-dir", root)
    assert code == 0 and "recorded intents@2" in out


def test_schema_writes_json_schemas(tmp_path: Path) -> None:
    code, _ = run("schema", "--out", str(tmp_path))
    assert code == 0
    schema = json.loads((tmp_path / "models.schema.json").read_text())
    assert schema["additionalProperties"] is False
    assert "deployments" in schema["properties"]


def test_runs_list(project: Path, tmp_path: Path) -> None:
    run("run", str(project), "--results-dir", str(tmp_path), "--tasks", "intents")
    code, out = run("runs", "list", "--results-dir", str(tmp_path))
    assert code == 0 and "complete" in out and "SIM" in out


def test_dry_run_sends_nothing(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TINY_KEY", "test-not-a-real-key")
    results = tmp_path / "results"
    code, out = run("run", str(project), "--results-dir", str(results), "--dry-run")
    assert code == 0, out
    assert "Dry run: nothing was sent" in out and "cost ceiling" in out
    assert "alpha" in out and "live" in out
    assert not results.exists()


def test_end_of_run_load_is_said_in_cells(project: Path, tmp_path: Path) -> None:
    """Issue 27: `loaded 2972 records` after a 4,711-cell run read like lost data. The note says what was loaded in
    cells (the unit the run printed) and how many cells of the run the database holds, in-run loads included."""
    results = tmp_path / "results"
    code, out = run("run", str(project), "--results-dir", str(results), "--no-report")
    assert code == 0, out
    run_id = rows(results, "SELECT run_id FROM runs")[0][0]
    flat = " ".join(out.split())
    assert "run " + str(run_id) + ": 42 cells" in flat
    assert re.search(r"loaded 42 cells \(\d+ records with attempts and grades\) into", flat), flat
    assert f"which now holds 42 cells of run {run_id}" in flat
    # a second load finds nothing new and says so in the same units
    code, out = run("db", "load", "--results-dir", str(results))
    assert code == 0 and "(0 cells)" in out, out


def test_cases_and_samples_are_named_where_each_is_meant(project: Path, tmp_path: Path) -> None:
    """Issue 27: the CLI counted samples as `n`, the report counted cases as `n`. With 2 repeats of 12 + 6 cases,
    every output says which it counts."""
    results = tmp_path / "results"
    code, out = run("run", str(project), "--results-dir", str(results), "--repeats", "2", "--report-dir",
                    str(tmp_path / "reports"))  # fmt: skip
    assert code == 0, out
    header = next(line for line in out.splitlines() if "deployment" in line and "score" in line)
    assert re.search(r"\bcases\b.*\bsamples\b", header) and not re.search(r"[┃│] +n +[┃│]", header), header
    intents_alpha = next(line for line in out.splitlines() if "intents" in line and "alpha" in line)
    assert re.search(r"[│┃] +12 +[│┃] +24 +[│┃]", intents_alpha), intents_alpha
    md = tmp_path / "r.md"
    assert run("report", "--results-dir", str(results), "--format", "md", "--out", str(md))[0] == 0
    assert "| task | deployment | role | cases | samples |" in md.read_text()
    js = tmp_path / "r.json"
    assert run("report", "--results-dir", str(results), "--format", "json", "--out", str(js))[0] == 0
    row = next(
        r for r in json.loads(js.read_text())["overview"] if r["task"] == "intents" and r["deployment"] == "alpha"
    )
    assert (row["cases"], row["samples"], row["n"]) == (12, 24, 12)  # `n` kept for existing readers
    html = next((tmp_path / "reports").glob("2*.html")).read_text()
    assert "<th>cases</th><th>samples</th>" in html and "<th>n</th>" not in html.split('id="calibration')[0]
    import harness as api

    deg = api.open(results).degradation()
    assert (deg["cases"] == deg["n"]).all() and set(deg["cases"]) == {12, 6}
