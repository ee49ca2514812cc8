"""The function-call grader: the model's tool calls against the reference, with BFCL AST-checker semantics."""

from __future__ import annotations

import ast
import json
from typing import Any

from harness.errors import GraderError
from harness.graders.base import GradeFn, Sample, Score, grader
from harness.graders.calls_check import Call, check_calls
from harness.graders.structured import parse_json_output


def _literal(node: ast.expr) -> Any:
    """An argument value from BFCL's Python call syntax, without evaluating code: literals, containers, negative
    numbers; a bare name reads as its text and a call without keywords as its source (as BFCL's decoder does)."""
    if isinstance(node, ast.Constant):
        return "..." if node.value is Ellipsis else node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        inner = _literal(node.operand)
        if isinstance(inner, int | float) and not isinstance(inner, bool):
            return -inner if isinstance(node.op, ast.USub) else inner
    if isinstance(node, ast.List | ast.Tuple):
        return [_literal(e) for e in node.elts]
    if isinstance(node, ast.Dict):
        pairs = zip(node.keys, node.values, strict=True)
        return {_literal(k) if k is not None else None: _literal(v) for k, v in pairs}
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Call) and node.keywords:
        return _call(node)
    return ast.unparse(node)


def _call(node: ast.Call) -> Call:
    parts = []
    func: ast.expr = node.func
    while isinstance(func, ast.Attribute):
        parts.append(func.attr)
        func = func.value
    if isinstance(func, ast.Name):
        parts.append(func.id)
    return {".".join(reversed(parts)): {k.arg: _literal(k.value) for k in node.keywords if k.arg is not None}}


def _python_calls(text: str) -> list[Call]:
    """BFCL's prompting format: `[f(a=1), g(b='x')]` (brackets optional, backticks stripped)."""
    text = text.strip("`\n ")
    if text.startswith("python\n"):
        text = text[len("python\n") :]
    text = "[" + text.removeprefix("[").removesuffix("]") + "]"
    body = ast.parse(text.strip().strip("'"), mode="eval").body
    elts = body.elts if isinstance(body, ast.List) else [body]
    if not all(isinstance(e, ast.Call) for e in elts):
        raise ValueError("not a list of calls")
    return [_call(e) for e in elts if isinstance(e, ast.Call)]


def _json_calls(text: str) -> list[Call]:
    """`{"name": ..., "arguments": {...}}`, a list of those, or BFCL's `[{"name": {...}}]`."""
    value = parse_json_output(text)
    items = value if isinstance(value, list) else [value]
    calls: list[Call] = []
    for item in items:
        if not isinstance(item, dict):
            raise ValueError("not a call")
        if isinstance(item.get("name"), str):
            args = item.get("arguments", item.get("parameters", {}))
            args = json.loads(args) if isinstance(args, str) else args
            if not isinstance(args, dict):
                raise ValueError("arguments are not an object")
            calls.append({item["name"]: args})
        elif len(item) == 1 and isinstance(next(iter(item.values())), dict):
            calls.append({str(k): v for k, v in item.items()})
        else:
            raise ValueError("not a call")
    return calls


def calls_from_text(text: str) -> list[Call]:
    """Calls written in the output text (JSON or Python syntax); none when the text is not a call list."""
    for decode in (_json_calls, _python_calls):
        try:
            calls = decode(text)
        except (ValueError, SyntaxError, TypeError, RecursionError, MemoryError):
            continue
        return [c for c in calls if c and "" not in c]  # BFCL: [{}] is no call
    return []


def _expected_calls(expected: Any) -> list[Call]:
    if not isinstance(expected, list):
        raise GraderError("function_call needs a list of calls as the reference (`expected`), [] for no call")
    out: list[Call] = []
    for i, call in enumerate(expected):
        ok = isinstance(call, dict) and isinstance(call.get("name"), str) and isinstance(call.get("arguments"), dict)
        if not ok or not all(isinstance(v, list) for v in call["arguments"].values()):
            raise GraderError(f"function_call: expected[{i}] must be {{name, arguments: {{arg: [allowed values]}}}}")
        out.append({call["name"]: call["arguments"]})
    return out


def _schemas(tools: Any) -> dict[str, dict[str, Any]]:
    """Tool name -> JSON Schema `parameters`, from `{name, parameters}` or OpenAI `{type: function, function}`."""
    out: dict[str, dict[str, Any]] = {}
    for tool in tools if isinstance(tools, list) else []:
        spec = tool.get("function", tool) if isinstance(tool, dict) else None
        if isinstance(spec, dict) and isinstance(spec.get("name"), str):
            params = spec.get("parameters") or spec.get("input_schema") or {}
            out[spec["name"]] = params if isinstance(params, dict) else {}
    return out


@grader("function_call", version="1")
def function_call(*, tools_field: str = "tools", from_text: bool = True) -> GradeFn:
    """The tool calls match the reference calls with the Berkeley Function Calling Leaderboard AST checker's rules.

    Reference: `[{"name": ..., "arguments": {arg: [allowed values]}}]`, `""` marking an optional argument,
    `[]` meaning no call should be made. Parallel calls match in any order. Types come from the tool schemas
    in the case input field `tools_field`. With `from_text`, an output with no native tool calls is read for
    calls written as JSON or as `[f(a=1)]`. Binary: 1.0 when every call matches, else 0.0 with the reason.
    """

    def grade(sample: Sample) -> Score:
        expected = _expected_calls(sample.expected)
        outputs: list[Call] = [{c.name: dict(c.arguments)} for c in sample.tool_calls]
        source = "tool calls"
        if not outputs and from_text and sample.output.strip():
            outputs, source = calls_from_text(sample.output), "calls in the text"
        why = check_calls(_schemas(sample.input.get(tools_field)), outputs, expected)
        if why is not None:
            return Score(0.0, False, why)
        if not expected:
            return Score(1.0, True, "no call made, as expected")
        names = ", ".join(next(iter(c)) for c in outputs)
        return Score(1.0, True, f"{len(outputs)} {source} match ({names})")

    return grade
