"""The Berkeley Function Calling Leaderboard's AST checker semantics, for Python-typed calls (pure functions).

Reference: `bfcl_eval/eval_checker/ast_eval/ast_checker.py` (bfcl-eval 2026.3.23), re-implemented, not copied,
and checked verdict for verdict against it (tests/graders/data/bfcl_verdicts.jsonl). What it decides:

- the expected calls are `{name: {param: [allowed values...]}}`; `""` among the allowed values marks the
  parameter optional; a call must name the function (a `.` in the expected name may come back as `_`);
- every `required` parameter of the tool's schema is present; no parameter outside the schema or the answer;
- types are exact (`type(v) is T`): an int is accepted for a float parameter (converted), a float never for an
  int, a bool is not an int; a value of the answer's own type is accepted as a "variable" and compared raw;
- strings compare after dropping spaces and `,./-_*^`, lower-casing and turning `'` into `"`; lists compare
  element-wise with the same string normalisation, order significant; objects key by key;
- parallel calls match in any order, greedily: each expected call takes the first unmatched output that fits.

Our tools use JSON Schema type names; `number` maps to BFCL's `float` and `object` to `dict`.
"""

from __future__ import annotations

import re
from typing import Any, cast

Call = dict[str, dict[str, Any]]
"""One call in BFCL form: {function name: {argument: value}}."""

TYPES: dict[str, type] = {
    "string": str, "integer": int, "float": float, "number": float, "boolean": bool,
    "array": list, "tuple": list, "dict": dict, "object": dict, "any": str,
}  # fmt: skip
_STRIP = re.compile(r"[ ,./\-_*^]")


def standardise(s: str) -> str:
    return _STRIP.sub("", s).lower().replace("'", '"')


def _answer_type(allowed: list[Any]) -> type | None:
    """The type of the first non-optional allowed value (BFCL treats a differing type as a variable name)."""
    for a in allowed:
        if a != "":
            return type(a)
    return None


def _infer_type_name(allowed: list[Any]) -> str | None:
    t = _answer_type(allowed)
    names = {str: "string", bool: "boolean", int: "integer", float: "float", list: "array", dict: "dict"}
    return names.get(t) if t else None


def _type_check(value: Any, allowed: list[Any], want: type, nested: type | None) -> tuple[bool, bool]:
    """(valid, is_variable) as BFCL's type_checker decides them."""
    answer_type = _answer_type(allowed)
    is_variable = answer_type is not None and answer_type is not want
    if type(value) is want:
        if nested is None:
            return True, is_variable
        elements = cast(list[Any], value)
        for item in allowed:
            if isinstance(item, list) and not all(_type_check(v, item, nested, None)[0] for v in elements):
                continue
            return True, is_variable
        return False, False
    if answer_type is not None and type(value) is answer_type:
        return True, True
    return False, False


def _std_items(seq: Any) -> list[Any]:
    return [standardise(x) if type(x) is str else x for x in seq]


def _string_ok(value: str, allowed: list[Any]) -> bool:
    return standardise(value) in [standardise(a) for a in allowed if type(a) is str]


def _list_ok(value: list[Any], allowed: list[Any]) -> bool:
    return _std_items(value) in [_std_items(a) for a in allowed if isinstance(a, list | str)]


def _dict_ok(value: dict[str, Any], allowed: list[Any]) -> bool:
    for answer in allowed:
        if answer == "" or not isinstance(answer, dict):
            continue
        fits = True
        for k, v in value.items():
            options = answer.get(k)
            if options is None or not isinstance(options, list):
                fits = False
                break
            std = standardise(v) if type(v) is str else v
            if std not in _std_items(options):
                fits = False
                break
        if fits and all(k in value or "" in opts for k, opts in answer.items()):
            return True
    return False


def _list_dict_ok(value: list[Any], allowed: list[Any]) -> bool:
    for answer in allowed:
        if not isinstance(answer, list | str) or len(value) != len(answer):
            continue
        if all(isinstance(v, dict) and _dict_ok(v, [a]) for v, a in zip(value, answer, strict=True)):
            return True
    return False


def check_value(param: str, value: Any, allowed: list[Any], prop: dict[str, Any] | None) -> str | None:
    """Why one argument value is wrong, or None."""
    type_name = (prop or {}).get("type")
    if not isinstance(type_name, str) or type_name not in TYPES:
        type_name = _infer_type_name(allowed)
    if type_name is None:  # untyped and only optional answers: BFCL cannot type it either; compare raw
        return None if value in allowed else f"invalid value for {param!r}: {value!r}, want one of {allowed}"
    want = TYPES[type_name]
    items = (prop or {}).get("items")
    nested_name = items.get("type") if isinstance(items, dict) else None
    nested = TYPES.get(nested_name) if want is list and isinstance(nested_name, str) else None
    if want is float and type(value) is int:
        value = float(value)
    valid, is_variable = _type_check(value, allowed, want, nested)
    if not valid:
        return f"wrong type for {param!r}: want {type_name}, got {type(value).__name__} {value!r}"
    if not is_variable:
        if want is dict:
            ok = _dict_ok(value, allowed)
        elif want is list and nested is dict:
            ok = _list_dict_ok(value, allowed)
        elif want is str:
            ok = _string_ok(value, allowed)
        elif want is list:
            ok = _list_ok(value, allowed)
        else:
            ok = value in allowed
    else:
        ok = value in allowed
    return None if ok else f"invalid value for {param!r}: {value!r}, want one of {allowed}"


def check_call(schema: dict[str, Any] | None, output: Call, expected: Call) -> str | None:
    """Why one output call does not fit one expected call (None when it does). `schema` is the tool's JSON Schema
    `parameters` object, or None when the tool is not described (then types come from the allowed values)."""
    (want_name, answer), (got_name, args) = next(iter(expected.items())), next(iter(output.items()))
    if got_name not in (want_name, want_name.replace(".", "_")):
        return f"wrong function: got {got_name!r}, want {want_name!r}"
    props: dict[str, Any] = (schema or {}).get("properties") or {}
    for param in (schema or {}).get("required") or []:
        if param not in args:
            return f"missing required argument {param!r}"
    for param, value in args.items():
        if (schema is not None and param not in props) or param not in answer:
            return f"unexpected argument {param!r}"
        why = check_value(param, value, answer[param], props.get(param))
        if why:
            return why
    for param, allowed in answer.items():
        if param not in args and "" not in allowed:
            return f"missing argument {param!r} (not optional)"
    return None


def check_calls(schemas: dict[str, dict[str, Any]], outputs: list[Call], expected: list[Call]) -> str | None:
    """Why the outputs do not match the expected calls in any order (None when they do). An empty `expected`
    means no call should be made (BFCL's irrelevance category)."""
    if not expected:
        return None if not outputs else f"made {len(outputs)} call(s), want none"
    if len(outputs) != len(expected):
        return f"wrong number of calls: got {len(outputs)}, want {len(expected)}"
    used: set[int] = set()
    for i, want in enumerate(expected):
        schema = schemas.get(next(iter(want)))
        errors = []
        for j, got in enumerate(outputs):
            if j in used:
                continue
            why = check_call(schema, got, want)
            if why is None:
                used.add(j)
                break
            errors.append(why)
        else:
            detail = errors[0] if len(errors) == 1 else "; ".join(f"[{k}] {e}" for k, e in enumerate(errors))
            return f"no output call matches expected call {i} ({next(iter(want))}): {detail}"
    return None
