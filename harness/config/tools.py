"""Tool definitions in cases (`input.tools`), checked when the dataset loads.

A tool is `{name, description, parameters}` with `parameters` a JSON Schema object. Public function-calling sets
in the Berkeley Function Calling Leaderboard's style also write Python's names for types (`dict`, `float`, `tuple`,
`any`, ...) and dotted function names (`math.factorial`); those are accepted here and translated per vendor when
the request is built (`harness.providers.tool_schema`). Anything else (an unknown type, a `required` name with no
property, a name no vendor takes) is refused at load time, naming the case and the field.
"""

from __future__ import annotations

import re
from typing import Any

#: JSON Schema's types: every vendor takes these as they are.
JSON_TYPES = frozenset({"object", "array", "string", "number", "integer", "boolean", "null"})
#: Python's names for types, as BFCL-style sets write them -> the JSON Schema type (None: any value, no `type`).
ALIASES: dict[str, str | None] = {
    "dict": "object", "float": "number", "tuple": "array", "list": "array", "int": "integer", "bool": "boolean",
    "str": "string", "any": None,
}  # fmt: skip
#: The widest name rule of the three vendors (Gemini's: letters, digits, `_ . : -`, first a letter or `_`, at most
#: 64); a name OpenAI or Anthropic would refuse (dots, colons) is sent under a safe alias and mapped back.
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$")
#: Keywords whose value is one schema, or a list of schemas.
_ONE = ("items", "additionalProperties", "not")
_MANY = ("items", "anyOf", "oneOf", "allOf", "prefixItems")  # `items` as a list: the old tuple form


def tools_error(tools: Any) -> str | None:
    """What is wrong with a case's `tools`, as `tools[i].field: problem`; None when they can be sent."""
    if not isinstance(tools, list):
        return "tools: must be a list of {name, description, parameters}"
    names: set[str] = set()
    for i, tool in enumerate(tools):
        at = f"tools[{i}]"
        if not isinstance(tool, dict):
            return f"{at}: must be an object"
        unknown = set(tool) - {"name", "description", "parameters"}
        if unknown:
            return f"{at}: unknown key {sorted(unknown)[0]!r} (keys are name, description, parameters)"
        name = tool.get("name")
        if not isinstance(name, str) or not NAME.match(name):
            return f"{at}.name: {name!r} is not a function name (letters, digits, _ . : -, first a letter or _, <= 64)"
        if name in names:
            return f"{at}.name: {name!r} is defined twice"
        names.add(name)
        if not isinstance(tool.get("description", ""), str):
            return f"{at}.description: must be a string"
        params = tool.get("parameters")
        if params is None:
            continue
        if not isinstance(params, dict) or params.get("type", "object") not in ("object", "dict"):
            return f"{at}.parameters: must be an object schema (type object)"
        problem = _schema_error(params, f"{at}.parameters")
        if problem:
            return problem
    return None


def _schema_error(schema: Any, at: str) -> str | None:
    """Depth first: the first problem of a (sub)schema."""
    if not isinstance(schema, dict):
        return f"{at}: must be a schema (an object)"
    kind = schema.get("type")
    for t in kind if isinstance(kind, list) else [kind] if kind is not None else []:
        if not isinstance(t, str) or (t not in JSON_TYPES and t not in ALIASES):
            known = ", ".join(sorted(JSON_TYPES | set(ALIASES)))
            return f"{at}.type: unknown type {t!r} (known: {known})"
    props = schema.get("properties")
    if props is not None and not isinstance(props, dict):
        return f"{at}.properties: must be an object of schemas"
    required = schema.get("required")
    if required is not None:
        if not isinstance(required, list) or not all(isinstance(r, str) for r in required):
            return f"{at}.required: must be a list of property names"
        missing = [r for r in required if r not in (props or {})]
        if missing:
            return f"{at}.required: {missing[0]!r} is not a property"
    if "enum" in schema and not isinstance(schema["enum"], list):
        return f"{at}.enum: must be a list"
    for sub_at, sub in _subschemas(schema, at):
        problem = _schema_error(sub, sub_at)
        if problem:
            return problem
    return None


def _subschemas(schema: dict[str, Any], at: str) -> list[tuple[str, Any]]:
    """The schemas inside one: properties, items, and the keywords that hold one or a list of them."""
    props = schema.get("properties")
    out = [(f"{at}.properties.{k}", v) for k, v in props.items()] if isinstance(props, dict) else []
    out += [(f"{at}.{key}", schema[key]) for key in _ONE if isinstance(schema.get(key), dict)]
    for key in _MANY:
        subs = schema.get(key)
        out += [(f"{at}.{key}[{j}]", sub) for j, sub in enumerate(subs)] if isinstance(subs, list) else []
    return out
