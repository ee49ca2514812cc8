"""A query string can neither change, write out, nor load anything: `harness sql`, `harness.open().sql()` and every
read-only connection (issue 30 §1). Each vector is tried through the CLI, through the notebook API, and straight on a
read-only connection with the statement check skipped; the run's journal keeps its bytes and no file appears."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

import harness
from harness.cli import app
from harness.errors import InputError
from harness.store import db


@pytest.fixture
def results(project: Path) -> Path:
    res = project.parent.parent / "res"
    r = CliRunner().invoke(app, ["run", str(project), "--results-dir", str(res), "--no-report"])
    assert r.exit_code == 0, r.output
    return res


def fingerprint(results: Path) -> dict[str, str]:
    """sha256 of every file under the results directory but the database's own WAL."""
    return {
        str(p.relative_to(results)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(results.rglob("*"))
        if p.is_file() and not p.name.endswith(".wal")
    }


def vectors(results: Path, outside: Path) -> list[str]:
    journal = next((results / "runs").glob("*.jsonl"))
    return [
        f"COPY (SELECT 1 AS x) TO '{journal}'",
        f"COPY (SELECT * FROM cells) TO '{outside / 'leak.csv'}'",
        f"EXPORT DATABASE '{outside / 'export'}'",
        "INSTALL httpfs",
        f"LOAD '{outside / 'evil.duckdb_extension'}'",
        "SET enable_external_access = true",
        f"ATTACH '{outside / 'other.duckdb'}' AS other",
        f"SELECT * FROM read_csv('{journal}')",
        "CREATE TABLE t AS SELECT 1",
        "DELETE FROM cells",
        "PRAGMA enable_profiling",
        "SELECT 1; SELECT 2",
    ]


def test_the_cli_refuses_every_vector_with_one_line_and_changes_nothing(results: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    before = fingerprint(results)
    for query in vectors(results, outside):
        r = CliRunner().invoke(app, ["sql", query, "--results-dir", str(results)])
        lines = [line for line in r.output.splitlines() if line.strip()]
        assert r.exit_code == 2, (query, r.output)
        assert lines and lines[0].startswith("error:") and "Traceback" not in r.output, (query, r.output)
        assert fingerprint(results) == before, query
    assert list(outside.iterdir()) == []


def test_reads_still_answer(results: Path) -> None:
    for query in ("SELECT count(*) FROM cells", "WITH x AS (SELECT 1 AS a) SELECT a FROM x", "DESCRIBE cells",
                  "SHOW TABLES", "SUMMARIZE runs", "EXPLAIN SELECT 1", "FROM runs SELECT run_id"):  # fmt: skip
        r = CliRunner().invoke(app, ["sql", query, "--results-dir", str(results), "--json"])
        assert r.exit_code == 0, (query, r.output)


def test_the_notebook_api_refuses_writes(results: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    before = fingerprint(results)
    opened = harness.open(results)
    for query in vectors(results, outside):
        with pytest.raises((InputError, duckdb.PermissionException)):  # a SELECT of a file: the engine refuses
            opened.sql(query)
    assert fingerprint(results) == before
    assert list(outside.iterdir()) == []
    assert int(opened.sql("SELECT count(*) AS n FROM cells")["n"][0]) > 0


def test_the_connection_itself_is_locked_down(results: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    """Without `check_read` (a future read path that forgets it), the engine still refuses."""
    before = fingerprint(results)
    con = db.connect(db.db_path(results), read_only=True)
    try:
        for query in vectors(results, outside)[:8]:
            with pytest.raises(Exception) as caught:
                con.execute(query)
            assert "Permission" in type(caught.value).__name__ or "configuration" in str(caught.value), query
    finally:
        con.close()
    assert fingerprint(results) == before
    assert list(outside.iterdir()) == []
