"""JSON output graders: parse (tolerating code fences and prose around the value), validate against a JSON Schema,
compare with the reference field by field with partial credit and a reason per field."""

from __future__ import annotations

import json
import math
import re
from typing import Any

from harness.errors import GraderError
from harness.graders.base import GradeFn, Sample, Score, grader

_FENCE = re.compile(r"```[ \t]*(?:json|JSON|json5)?[ \t]*\n?(.*?)```", re.S)
_MISSING = object()


def parse_json_output(text: str) -> Any:
    """The JSON value in a model's output: the whole text, a fenced block, or the outermost {...} (or [...]) span."""
    candidates = [text.strip()]
    candidates += [m.group(1).strip() for m in _FENCE.finditer(text)]
    for open_, close in ("{}", "[]"):
        start, end = text.find(open_), text.rfind(close)
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


def _as_number(v: Any) -> float | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, int | float):
        return float(v)
    if isinstance(v, str):
        try:
            return float(v.strip().replace(",", ""))
        except ValueError:
            return None
    return None


def mismatch(got: Any, want: Any, tolerance: float, path: str) -> str | None:
    """Why `got` does not match `want` (None when it does). Recurses into objects and lists, naming the path.

    Strings compare case- and whitespace-insensitively; numbers within `tolerance` (numeric strings such as
    "1,204.50" count as numbers); a number given where a string is wanted compares by its text (`10045` matches
    "10045"); booleans only match booleans; null matches null or a missing key.
    """
    if got is _MISSING:
        return None if want is None else f"{path}: missing, want {want!r}"
    if want is None or got is None or isinstance(want, bool) or isinstance(got, bool):
        ok = got is want if isinstance(want, bool) or isinstance(got, bool) else got is None and want is None
        return None if ok else f"{path}: got {got!r}, want {want!r}"
    if isinstance(want, int | float):
        g = _as_number(got)
        ok = g is not None and math.isclose(g, float(want), rel_tol=0, abs_tol=tolerance + 1e-9)
        return None if ok else f"{path}: got {got!r}, want {want!r}"
    if isinstance(want, str):
        g_text = got if isinstance(got, str) else (str(got) if isinstance(got, int | float) else None)
        ok = g_text is not None and _norm_str(g_text) == _norm_str(want)
        return None if ok else f"{path}: got {got!r}, want {want!r}"
    if isinstance(want, dict):
        if not isinstance(got, dict):
            return f"{path}: got {got!r}, want an object"
        for k, w in want.items():
            why = mismatch(got.get(k, _MISSING), w, tolerance, f"{path}.{k}")
            if why:
                return why
        return None
    if isinstance(want, list):
        if not isinstance(got, list) or len(got) != len(want):
            return f"{path}: got {got!r}, want {want!r}"
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            why = mismatch(g, w, tolerance, f"{path}[{i}]")
            if why:
                return why
        return None
    return None if got == want else f"{path}: got {got!r}, want {want!r}"


@grader("json_fields", version="2")
def json_fields(*, fields: list[str] | None = None, tolerance: float = 0.0) -> GradeFn:
    """Parse the output as a JSON object and compare it with the reference object field by field.

    Score = share of fields that match (partial credit); passes only when all match. Strings compare
    case- and whitespace-insensitively, numbers within `tolerance`; nested objects and lists must match
    entirely (the reason names the first differing path). `fields` limits the comparison.
    Version 2: nested values compare with the same normalisation as top-level ones; a number matches a string
    reference with the same text; a missing key is reported as missing (it still matches a null reference).
    """
    if tolerance < 0:
        raise ValueError("tolerance must be >= 0")

    def grade(sample: Sample) -> Score:
        if not isinstance(sample.expected, dict) or not sample.expected:
            raise GraderError("json_fields needs a non-empty object as the reference (`expected`)")
        keys = fields or list(sample.expected)
        unknown = [k for k in keys if k not in sample.expected]
        if unknown:
            raise GraderError(f"json_fields: the reference has no field {unknown[0]!r}")
        try:
            got = parse_json_output(sample.output)
        except ValueError:
            return Score(0.0, False, "output is not JSON")
        if not isinstance(got, dict):
            return Score(0.0, False, f"output is JSON {type(got).__name__}, not an object")
        wrong = [w for k in keys if (w := mismatch(got.get(k, _MISSING), sample.expected[k], tolerance, k))]
        ok = len(keys) - len(wrong)
        reason = f"{ok}/{len(keys)} fields match" + ("; " + "; ".join(wrong) if wrong else "")
        return Score(ok / len(keys), not wrong, reason)

    return grade


@grader("json_schema", version="1")
def json_schema(*, schema: dict[str, Any], max_errors: int = 5) -> GradeFn:
    """Parse the output as JSON (fences tolerated) and validate it against `schema` (a JSON Schema, inline).

    Passes (1.0) when valid, else 0.0 with up to `max_errors` violations, each with its JSON path. The schema's
    `$schema` picks the draft (default 2020-12); an invalid schema is a config error at load time.
    """
    import jsonschema  # lazy: only suites that validate pay for the import

    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    try:
        cls.check_schema(schema)
    except jsonschema.SchemaError as e:
        raise ValueError(f"schema is not a valid JSON Schema: {e.message}") from None
    validator = cls(schema, format_checker=cls.FORMAT_CHECKER)

    def grade(sample: Sample) -> Score:
        try:
            value = parse_json_output(sample.output)
        except ValueError:
            return Score(0.0, False, "output is not JSON")
        errors = sorted(validator.iter_errors(value), key=lambda e: [str(p) for p in e.absolute_path])
        if not errors:
            return Score(1.0, True, "valid against the schema")
        shown = "; ".join(f"{e.json_path}: {e.message}" for e in errors[:max_errors])
        more = f" (+{len(errors) - max_errors} more)" if len(errors) > max_errors else ""
        return Score(0.0, False, f"{len(errors)} schema violation(s): {shown}{more}")

    return grade
