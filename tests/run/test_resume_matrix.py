"""A journal cut after each kind of record, then resumed, ends equal to the uninterrupted run, grade for grade
(issue 30 §2); two seeded simulated runs are equal cell for cell, verdict for verdict (§5)."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from harness.cli import app
from tests.judged import add_judges

State = dict[str, dict[Any, Any]]


def run(*args: str) -> str:
    r = CliRunner().invoke(app, ["run", *args, "--no-report"])
    assert r.exit_code == 0, r.output
    return r.output


def records(journal: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in journal.read_text().splitlines()]


def state(journal: Path) -> State:
    """What a run decided, by names that do not hold the run id: answers, grades per grader, pairwise verdicts."""
    recs = records(journal)
    name = {r["cell_key"]: (r["task"], r["case_id"], r["deployment"], r["variant"], r["sample"])
            for r in recs if r["type"] == "cell"}  # fmt: skip
    grades = Counter((r["cell_key"], r["grader_id"]) for r in recs if r["type"] == "grade")
    assert max(grades.values()) == 1, "a grade journaled twice"
    return {
        "cells": {name[r["cell_key"]]: (r["status"], r["output"]) for r in recs if r["type"] == "cell"},
        "grades": {
            (name[r["cell_key"]], r["grader_id"]): (r["value"], r["passed"], r["error"])
            for r in recs
            if r["type"] == "grade"
        },  # fmt: skip
        "pairwise": {
            (r["task"], r["case_id"], r["a_deployment"], r["b_deployment"]): (
                r["winner"],
                r["first_order"],
                r["second_order"],
            )
            for r in recs
            if r["type"] == "pairwise"
        },  # fmt: skip
    }


@pytest.fixture
def clean(project: Path, tmp_path: Path) -> tuple[Path, Path]:
    """An uninterrupted simulated run with a judge grader and pairwise judging: (suite, results)."""
    add_judges(project)
    results = tmp_path / "clean"
    run(str(project), "--mode", "sim", "--tasks", "intents", "--limit", "4", "--results-dir", str(results))
    return project, results


def cut_after(recs: list[dict[str, Any]], kind: str) -> int:
    """Index of the record to cut after: the first of `kind`; for `grade`, the first grade followed by another
    grade of its cell (so the cell keeps some grades and loses the judge's); for `cell`, a graded cell."""
    for i, r in enumerate(recs[:-1]):
        nxt = recs[i + 1]
        if r["type"] != kind:
            continue
        if kind == "grade" and not (nxt["type"] == "grade" and nxt["cell_key"] == r["cell_key"]):
            continue
        if kind == "cell" and not (r["status"] == "ok" and nxt["type"] == "grade"):
            continue
        return i
    raise AssertionError(f"no {kind} record to cut after")


@pytest.mark.parametrize("kind", ["attempt", "cell", "grade", "pairwise"])
def test_a_journal_cut_after_any_record_resumes_to_the_uninterrupted_run(
    clean: tuple[Path, Path], tmp_path: Path, kind: str
) -> None:
    suite, results = clean
    (journal,) = (results / "runs").glob("*.jsonl")
    cut = tmp_path / f"cut-{kind}"
    shutil.copytree(results, cut, ignore=shutil.ignore_patterns("harness.duckdb*"))
    lines = journal.read_text().splitlines(keepends=True)
    i = cut_after(records(journal), kind)
    (cut / "runs" / journal.name).write_text("".join(lines[: i + 1]))
    run(str(suite), "--resume", journal.stem, "--results-dir", str(cut))
    assert state(cut / "runs" / journal.name) == state(journal)


def test_two_runs_with_one_sim_seed_are_equal(clean: tuple[Path, Path], tmp_path: Path) -> None:
    suite, results = clean
    other = tmp_path / "again"
    run(str(suite), "--mode", "sim", "--tasks", "intents", "--limit", "4", "--results-dir", str(other))
    ((first,), (second,)) = (list((results / "runs").glob("*.jsonl")), list((other / "runs").glob("*.jsonl")))
    assert first.stem != second.stem
    a, b = state(first), state(second)
    assert len(a["pairwise"]) >= 4 and a == b
