"""function_call: the BFCL AST checker's verdicts, reproduced."""

import json
import random
from pathlib import Path
from typing import Any

import pytest

from harness.errors import GraderError
from harness.graders import Sample, build_grader
from harness.graders.calls import calls_from_text
from harness.providers.sim import shape_output
from harness.types import SimHint, ToolCall

ROOT = Path(__file__).parents[2]
CASES = {c["id"]: c for c in map(json.loads, (ROOT / "datasets/tool-calls/v1.jsonl").read_text().splitlines())}
GRADE = build_grader("function_call", {}).fn

WEATHER = {
    "name": "get_weather",
    "parameters": {
        "type": "object",
        "properties": {
            "location": {"type": "string"},
            "days": {"type": "integer"},
            "threshold": {"type": "number"},
            "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
        },
        "required": ["location"],
    },
}
EXPECTED = [{"name": "get_weather", "arguments": {"location": ["Lyon, France", "Lyon"], "days": [3],
                                                  "threshold": [2.0], "unit": ["", "celsius"]}}]  # fmt: skip


def grade(calls: list[ToolCall], expected: Any = EXPECTED, output: str = "", **args: Any):  # type: ignore[no-untyped-def]
    fn = build_grader("function_call", args).fn if args else GRADE
    return fn(Sample(output, expected, tuple(calls), {"tools": [WEATHER]}))


def test_agrees_with_bfcl_eval_on_every_recorded_verdict() -> None:
    """tests/graders/data/bfcl_verdicts.jsonl: 2,404 outputs judged by bfcl-eval 2026.3.23's ast_checker."""
    rows = [json.loads(line) for line in (Path(__file__).parent / "data/bfcl_verdicts.jsonl").read_text().splitlines()]
    disagreements = []
    for r in rows:
        case = CASES.get(r["case"], {})
        tools = r.get("tools") or case["input"]["tools"]
        expected = r.get("expected") or case["expected"]
        calls = tuple(ToolCall(o["name"], o["arguments"]) for o in r["outputs"])
        s = GRADE(Sample("", expected, calls, {"tools": tools}))
        if s.passed is not r["bfcl_valid"]:
            disagreements.append((r["case"], r["outputs"], r["bfcl_error_type"], s.reason))
    assert len(rows) > 2000 and sum(r["bfcl_valid"] for r in rows) > 1000
    assert disagreements == []


@pytest.mark.parametrize(
    ("args", "passed"),
    [
        ({"location": "Lyon", "days": 3, "threshold": 2.0}, True),
        ({"location": "LYON, france", "days": 3, "threshold": 2}, True),  # string normalisation; int for float
        ({"location": "Lyon", "days": 3.0, "threshold": 2.0}, False),  # float for int: never
        ({"location": "Lyon", "days": True, "threshold": 2.0}, False),  # bool is not int
        ({"location": "Lyon", "days": "3", "threshold": 2.0}, False),
        ({"location": "Lyon", "days": 3, "threshold": 2.0, "unit": "Celsius"}, True),  # optional given
        ({"location": "Lyon", "days": 3, "threshold": 2.0, "unit": "kelvin"}, False),
        ({"location": "Lyon", "days": 3}, False),  # not optional
        ({"days": 3, "threshold": 2.0}, False),  # required
        ({"location": "Lyon", "days": 3, "threshold": 2.0, "lang": "fr"}, False),  # unexpected
        ({"location": "Paris", "days": 3, "threshold": 2.0}, False),
    ],
)
def test_argument_rules(args: dict[str, Any], passed: bool) -> None:
    s = grade([ToolCall("get_weather", args)])
    assert s.passed is passed and s.value == (1.0 if passed else 0.0), s.reason


def test_parallel_calls_match_in_any_order_and_count_must_agree() -> None:
    a = {"location": ["Lyon"], "days": [1], "threshold": [1.0], "unit": [""]}
    b = {"location": ["Oslo"], "days": [2], "threshold": [1.0], "unit": [""]}
    expected = [{"name": "get_weather", "arguments": a}, {"name": "get_weather", "arguments": b}]
    lyon = ToolCall("get_weather", {"location": "Lyon", "days": 1, "threshold": 1.0})
    oslo = ToolCall("get_weather", {"location": "Oslo", "days": 2, "threshold": 1.0})
    assert grade([oslo, lyon], expected).passed and grade([lyon, oslo], expected).passed
    s = grade([lyon], expected)
    assert not s.passed and s.reason == "wrong number of calls: got 1, want 2"
    assert "no output call matches expected call 1" in grade([lyon, lyon], expected).reason


def test_irrelevance_passes_only_without_a_call() -> None:
    assert grade([], []).passed
    assert grade([], [], output="None of these tools can help.").passed
    s = grade([ToolCall("get_weather", {"location": "Lyon"})], [])
    assert not s.passed and s.reason == "made 1 call(s), want none"


@pytest.mark.parametrize(
    "text",
    [
        "[get_weather(location='Lyon', days=3, threshold=2.0)]",
        "```\nget_weather(location='Lyon', days=3, threshold=2)\n```",
        '{"name": "get_weather", "arguments": {"location": "Lyon", "days": 3, "threshold": 2.0}}',
        '[{"name": "get_weather", "arguments": "{\\"location\\": \\"Lyon\\", \\"days\\": 3, \\"threshold\\": 2.0}"}]',
        'Calling: ```json\n[{"get_weather": {"location": "Lyon", "days": 3, "threshold": 2.0}}]\n```',
    ],
)
def test_calls_written_in_the_text(text: str) -> None:
    assert grade([], output=text).passed
    assert not grade([], output=text, from_text=False).passed


def test_text_decoding_never_evaluates_code() -> None:
    assert calls_from_text("[f(a=__import__('os').getcwd())]") == [{"f": {"a": "__import__('os').getcwd()"}}]
    assert calls_from_text("[f(a=-2, b=[1, (2, 3)], c={'k': x})]") == [{"f": {"a": -2, "b": [1, [2, 3]],
                                                                              "c": {"k": "x"}}}]  # fmt: skip
    assert calls_from_text("The weather is nice.") == [] and calls_from_text("{}") == []


def test_openai_style_tool_definitions_are_read() -> None:
    tools = [{"type": "function", "function": WEATHER}]
    s = GRADE(Sample("", EXPECTED, (ToolCall("get_weather", {"location": "Lyon", "days": 3.0, "threshold": 2}),),
                     {"tools": tools}))  # fmt: skip
    assert not s.passed and "wrong type for 'days'" in s.reason


def test_without_a_schema_types_come_from_the_allowed_values() -> None:
    def untyped(args: dict[str, Any]) -> bool:
        return GRADE(Sample("", EXPECTED, (ToolCall("get_weather", args),), {})).passed

    assert untyped({"location": "lyon", "days": 3, "threshold": 2})  # 2.0 in the answer: a float, int accepted
    assert not untyped({"location": "Lyon", "days": 3.0, "threshold": 2.0})  # 3 in the answer: an int
    assert not untyped({"location": "Lyon", "days": 3, "threshold": 2.0, "lang": "fr"})  # not in the answer


@pytest.mark.parametrize("expected", [None, "get_weather", [{"name": "f"}], [{"name": "f", "arguments": {"a": 1}}]])
def test_bad_reference_is_a_grader_error(expected: object) -> None:
    with pytest.raises(GraderError):
        GRADE(Sample("", expected))


def test_simulated_answers_grade_as_intended() -> None:
    """The simulator's right answers pass and most of its wrong ones fail, on every dataset case."""
    rng = random.Random(0)
    wrong_passed = 0
    for case in CASES.values():
        hint = SimHint("function-calling", case["id"], case["expected"])
        for correct in (True, False):
            text, calls = shape_output(hint, correct, rng, case["input"])
            s = GRADE(Sample(text, case["expected"], calls, case["input"]))
            if correct:
                assert s.passed, (case["id"], calls, s.reason)
            wrong_passed += (not correct) and s.passed
    assert wrong_passed < len(CASES) * 0.1
