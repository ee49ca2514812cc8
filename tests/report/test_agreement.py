"""The ladder's agreement column compares what is graded, per task class, and says what it compared (issue 27:
it compared text, empty for tool calls, so tool-call tasks showed 100% agreement while the calls differed)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from harness.report.compare import ladders

BARS = {"t": {"non_inferiority_margin": 0.05, "equivalence_margin": 0.02, "alpha": 0.05}}


def rows(task_class: str, outputs: dict[str, list[Any]]) -> list[dict[str, Any]]:
    """Cells of task t: per deployment (primary first), one first-sample output per case."""
    out = []
    for position, (dep, values) in enumerate(outputs.items()):
        for i, value in enumerate(values):
            calls = value if task_class == "function-calling" else None
            out.append({"task": "t", "variant": "base", "deployment": dep, "chain_position": position,
                        "role": "primary" if position == 0 else f"fallback {position}", "task_class": task_class,
                        "case_id": f"c{i}", "sample": 0, "output": "" if calls is not None else value,
                        "tool_calls": json.dumps(calls) if calls is not None else None, "score": 1.0,
                        "passed": True, "cluster": None, "simulated": False})  # fmt: skip
    return out


def agreement(task_class: str, outputs: dict[str, list[Any]]) -> tuple[float, str]:
    (ladder,) = ladders(rows(task_class, outputs), BARS)
    return ladder["steps"][1]["agreement"], ladder["agreement_on"]


def call(name: str, **args: Any) -> dict[str, Any]:
    return {"name": name, "arguments": args}


def test_tool_calls_are_compared_not_their_empty_text() -> None:
    primary = [[call("weather", city="Lyon")], [call("a", x=1), call("b", y=2)], [call("f", n=3)], []]
    other = [[call("weather", city="Paris")], [call("b", y=2), call("a", x=1)], [call("f", n=3)], []]
    value, what = agreement("function-calling", {"p": primary, "f": other})
    assert value == pytest.approx(3 / 4)  # the city differs; parallel calls in another order agree
    assert what.startswith("tool calls")


@pytest.mark.parametrize(
    ("task_class", "primary", "other", "expected", "what"),
    [
        ("extraction", ['{"a": 1, "b": "x"}', '{"a": 2}'], ['```json\n{"b": "x", "a": 1}\n```', '{"a": 3}'], 0.5,
         "parsed JSON"),
        ("classification", ["billing", "refund"], ["Billing.", "shipping"], 0.5, "labels"),
        ("qa", ["Paris", "two"], ["paris ", "2"], 0.5, "text outputs"),
    ],
)  # fmt: skip
def test_each_class_compares_its_graded_value(
    task_class: str, primary: list[str], other: list[str], expected: float, what: str
) -> None:
    value, said = agreement(task_class, {"p": primary, "f": other})
    assert value == pytest.approx(expected) and said.startswith(what)
