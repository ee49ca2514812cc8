from pathlib import Path

import pytest
from typer.testing import CliRunner

import harness
from harness.cli import app
from harness.errors import InputError


@pytest.fixture
def results(project: Path, tmp_path: Path) -> Path:
    r = CliRunner().invoke(app, ["run", str(project), "--results-dir", str(tmp_path / "res")])
    assert r.exit_code == 0, r.output
    return tmp_path / "res"


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


def test_open_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no results directory"):
        harness.open(tmp_path / "nope")


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
    assert r.exit_code == 0 and r.output.splitlines() == ["task,n", "intents,24", "invoices,18"]
    r = runner.invoke(app, ["sql", "SELECT 1 AS one", "--results-dir", str(results), "--json"])
    assert r.output.strip() == '{"one": 1}'
    r = runner.invoke(app, ["sql", "SELEC nonsense", "--results-dir", str(results)])
    assert r.exit_code == 2 and "SQL error" in r.output
