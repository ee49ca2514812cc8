"""JSON output graders: parse (tolerating code fences and prose around the object), compare field by field."""

from __future__ import annotations

import json
import math
import re
from typing import Any

from harness.errors import GraderError
from harness.graders.base import GradeFn, Sample, Score, grader

_FENCE = re.compile(r"```(?:json|JSON)?\s*\n?(.*?)```", re.S)


def parse_json_output(text: str) -> Any:
    """The JSON value in a model's output: the whole text, a fenced block, or the outermost {...} span."""
    candidates = [text.strip()]
    candidates += [m.group(1).strip() for m in _FENCE.finditer(text)]
    start, end = text.find("{"), text.rfind("}")
    if 0 <= start < end:
        candidates.append(text[start : end + 1])
    for c in candidates:
        try:
            return json.loads(c)
        except ValueError:
            continue
    raise ValueError("no JSON value found in the output")


def _norm_str(v: str) -> str:
    return " ".join(v.casefold().split())


def values_match(got: Any, want: Any, tolerance: float) -> bool:
    if want is None or got is None:
        return got is None and want is None
    if isinstance(want, bool) or isinstance(got, bool):
        return got is want
    if isinstance(want, int | float):
        if isinstance(got, str):
            try:
                got = float(got.replace(",", ""))
            except ValueError:
                return False
        if not isinstance(got, int | float):
            return False
        return math.isclose(float(got), float(want), rel_tol=0, abs_tol=tolerance + 1e-9)
    if isinstance(want, str):
        return isinstance(got, str) and _norm_str(got) == _norm_str(want)
    return bool(got == want)


@grader("json_fields", version="1")
def json_fields(*, fields: list[str] | None = None, tolerance: float = 0.0) -> GradeFn:
    """Parse the output as a JSON object and compare it with the reference object field by field.

    Score = share of fields that match (partial credit); passes only when all match. Strings compare
    case- and whitespace-insensitively, numbers within `tolerance`. `fields` limits the comparison.
    """
    if tolerance < 0:
        raise ValueError("tolerance must be >= 0")

    def grade(sample: Sample) -> Score:
        if not isinstance(sample.expected, dict):
            raise GraderError("json_fields needs an object as the reference (`expected`)")
        keys = fields or list(sample.expected)
        try:
            got = parse_json_output(sample.output)
        except ValueError:
            return Score(0.0, False, "output is not JSON")
        if not isinstance(got, dict):
            return Score(0.0, False, f"output is JSON {type(got).__name__}, not an object")
        wrong = []
        for k in keys:
            if not values_match(got.get(k), sample.expected.get(k), tolerance):
                wrong.append(f"{k}: got {got.get(k)!r}, want {sample.expected.get(k)!r}")
        ok = len(keys) - len(wrong)
        value = ok / len(keys) if keys else 1.0
        reason = f"{ok}/{len(keys)} fields match" + ("; " + "; ".join(wrong) if wrong else "")
        return Score(value, not wrong, reason)

    return grade
