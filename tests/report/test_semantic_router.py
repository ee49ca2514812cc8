"""The semantic router, evaluated like a model: known answers on separable and confusable tasks."""

from __future__ import annotations

import random
from typing import Any

import pytest

from harness.config.routing import Policy
from harness.report.semantic_router import RouterCase, Routing, evaluate, request_text, split

WORDS = "order parcel refund invoice login crash password delivery charge account screen label".split()


def cell(task: str, case: str, dep: str, pos: int, score: float) -> dict[str, Any]:
    return {"task": task, "case_id": case, "deployment": dep, "chain_position": pos, "variant": "base", "sample": 0,
            "status": "ok", "output": "x", "tool_calls": [], "finish_reason": "stop", "error_class": None,
            "latency_ms": 10.0, "cost_usd": 0.0, "score": score, "cell_key": f"{task}/{case}/{dep}",
            "task_class": "classification", "simulated": True}  # fmt: skip


def suite(texts: dict[str, list[str]], a_also_on_y: float | None = None) -> tuple[list[RouterCase], Routing]:
    """Tasks A (chain x) and B (chain y), every case served right by its own chain; with `a_also_on_y`, A's chain
    is x → y and its cases also have a y cell scoring that."""
    cases, cells = [], []
    for task, rows in texts.items():
        for i, text in enumerate(rows):
            case = f"{task}{i:03d}"
            cases.append(RouterCase(task, case, text, evaluated=True))
            cells.append(cell(task, case, "x" if task == "A" else "y", 0, 1.0))
            if task == "A" and a_also_on_y is not None:
                cells.append(cell(task, case, "y", 1, a_also_on_y))
    chains = {"A": ["x", "y"] if a_also_on_y is not None else ["x"], "B": ["y"]}
    return cases, Routing(cells, chains, {"A": Policy(), "B": Policy()}, {})


def separable(n: int = 80) -> dict[str, list[str]]:
    rng = random.Random(1)
    return {
        "A": [f"my parcel {rng.choice(WORDS)} delivery tracking courier late {i}" for i in range(n)],
        "B": [f"python function returns list sort {rng.choice(WORDS)} bug code {i}" for i in range(n)],
    }


def confusable(n: int = 120) -> dict[str, list[str]]:
    rng = random.Random(2)
    return {t: [" ".join(rng.choices(WORDS, k=8)) for _ in range(n)] for t in ("A", "B")}


def test_separable_tasks_are_routed_right_and_served_as_the_oracle() -> None:
    cases, routing = suite(separable())
    out = evaluate(cases, routing, holdout=0.5, seed=0)
    assert out["held_out"] == 80 and out["trained_on"] == 80
    assert out["accuracy"] >= 0.95 and out["accuracy_ci"][0] > 0.85
    assert out["served"]["router"] == pytest.approx(out["served"]["oracle"], abs=0.05)
    assert out["served"]["oracle"] == 1.0


def test_confusable_tasks_misroute_and_served_quality_drops_below_the_oracle() -> None:
    cases, routing = suite(confusable())
    out = evaluate(cases, routing, holdout=0.5, seed=0)
    assert 0.3 < out["accuracy"] < 0.7 and out["accuracy_ci"][1] < 0.85
    served = out["served"]
    assert served["oracle"] == 1.0 and served["router"] == pytest.approx(out["accuracy"])  # a misroute has no cell
    assert served["router_ci"][1] < 0  # the drop is significant
    assert {"A → B", "B → A"} <= set(out["confusions"])
    per_case = out["cases"]
    assert all(r["router_score"] == (1.0 if r["correct"] else 0.0) for r in per_case)


def test_a_misroute_is_graded_where_the_wrong_chain_answered_the_case_and_strictly_counted_failed() -> None:
    cases, routing = suite(confusable(), a_also_on_y=0.5)
    out = evaluate(cases, routing, holdout=0.5, seed=0)
    misrouted_a = [r for r in out["cases"] if r["task"] == "A" and not r["correct"]]
    assert misrouted_a and all(r["router_score"] == 0.5 and r["router_strict"] == 0.0 for r in misrouted_a)
    assert all(r["router_served_by"] == "y" for r in misrouted_a)
    assert out["served"]["strict"] < out["served"]["router"] < out["served"]["oracle"]


def test_split_is_seeded_stratified_and_keeps_train_only_cases_in_training() -> None:
    cases = [RouterCase(t, f"{t}{i}", "x", evaluated=True) for t in "AB" for i in range(10)]
    cases.append(RouterCase("A", "train-only", "x", evaluated=False))
    train, held = split(cases, 0.3, seed=4)
    assert sorted(c.task for c in held) == ["A"] * 3 + ["B"] * 3
    assert any(c.case_id == "train-only" for c in train)
    assert split(cases, 0.3, seed=4) == (train, held) and split(cases, 0.3, seed=5)[1] != held


def test_request_text_reads_text_fields_not_tool_schemas_or_images() -> None:
    text = request_text({"request": "Find the customer", "tools": [{"name": "lookup"}], "images": ["a.png"],
                         "parts": ["one", "two"]})  # fmt: skip
    assert text == "Find the customer\none two"
