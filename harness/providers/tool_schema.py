"""Tool definitions as each vendor takes them: the one place a case's tools are translated for a request.

Cases may carry tools in the style of public function-calling sets (BFCL): Python's type names and dotted function
names (checked at load time by `harness.config.tools`). Per vendor:

- types, everywhere: `dict` -> `object`, `float` -> `number`, `tuple` / `list` -> `array`, `int` -> `integer`,
  `bool` -> `boolean`, `str` -> `string`, `any` -> no `type` (any value);
- arrays without `items` get `items: {}` (OpenAI refuses an array schema without them);
- names: OpenAI and Anthropic take `[A-Za-z0-9_-]{1,64}`, so `math.factorial` is sent as `math_factorial` (a
  suffix when that is taken); Gemini takes dots and colons, so names go to it unchanged.

A translation is reversible: `restore` maps the names a model calls back to the dataset's before the call is
graded or stored, and `Translation.record()` is what the cell records so a user can see what was sent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from harness.config.tools import ALIASES
from harness.types import ToolCall

#: The name rule of OpenAI's Chat Completions and Anthropic's Messages (Bedrock, Vertex and Azure share them).
STRICT_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
#: Vendors (the model table's `provider`) whose names must match STRICT_NAME.
STRICT_NAMES = frozenset({"openai", "anthropic"})


@dataclass(frozen=True)
class Translation:
    tools: tuple[dict[str, Any], ...]
    """The tools as sent."""
    names: dict[str, str] = field(default_factory=dict)
    """Sent name -> the dataset's, for every renamed tool."""
    changes: tuple[str, ...] = ()
    """What was changed, one line each: `tools[1].parameters.type: dict -> object`."""

    def record(self) -> dict[str, Any] | None:
        """What the cell records (`cells.tool_schema`); None when the tools went as they are."""
        if not self.names and not self.changes:
            return None
        return {"renamed": self.names, "changes": list(self.changes)}


def translate(provider: str, tools: tuple[dict[str, Any], ...] | list[dict[str, Any]]) -> Translation:
    """The tools as `provider` takes them (sim, sklearn and canned deployments: as their vendor twin would)."""
    taken = {str(t.get("name")) for t in tools}
    names: dict[str, str] = {}
    changes: list[str] = []
    out = []
    for i, tool in enumerate(tools):
        sent = dict(tool)
        name = str(tool.get("name"))
        if provider in STRICT_NAMES and not STRICT_NAME.match(name):
            safe = _safe_name(name, taken)
            taken.add(safe)
            names[safe] = name
            sent["name"] = safe
            changes.append(f"tools[{i}].name: {name} -> {safe}")
        if isinstance(tool.get("parameters"), dict):
            sent["parameters"] = _schema(tool["parameters"], f"tools[{i}].parameters", changes)
        out.append(sent)
    return Translation(tuple(out), names, tuple(changes))


def restore(calls: tuple[ToolCall, ...], names: dict[str, str]) -> tuple[ToolCall, ...]:
    """The calls under the dataset's names (a name not renamed stays as it is, so restoring twice is harmless)."""
    if not names:
        return calls
    return tuple(ToolCall(names.get(c.name, c.name), c.arguments) for c in calls)


def _safe_name(name: str, taken: set[str]) -> str:
    base = re.sub(r"[^A-Za-z0-9_-]", "_", name)[:64] or "tool"
    safe, n = base, 1
    while safe in taken:
        n += 1
        safe = f"{base[: 64 - len(str(n)) - 1]}_{n}"
    return safe


def _schema(schema: dict[str, Any], at: str, changes: list[str]) -> dict[str, Any]:
    out = dict(schema)
    kind = schema.get("type")
    if isinstance(kind, str) and kind in ALIASES:
        new = ALIASES[kind]
        if new is None:
            del out["type"]
        else:
            out["type"] = new
        changes.append(f"{at}.type: {kind} -> {new or '(any: no type)'}")
    elif isinstance(kind, list) and any(k in ALIASES for k in kind):
        mapped = [ALIASES.get(k, k) if isinstance(k, str) else k for k in kind]
        if None in mapped:
            del out["type"]
        else:
            out["type"] = list(dict.fromkeys(mapped))
        changes.append(f"{at}.type: {kind} -> {out.get('type', '(any: no type)')}")
    if isinstance(schema.get("properties"), dict):
        out["properties"] = {
            k: _schema(v, f"{at}.properties.{k}", changes) if isinstance(v, dict) else v
            for k, v in schema["properties"].items()
        }
    if out.get("type") == "array" and "items" not in out:
        out["items"] = {}  # OpenAI refuses an array schema without `items`; {} is any item
        changes.append(f"{at}.items: (missing) -> {{}}")
    for key in ("items", "additionalProperties", "not"):
        if isinstance(schema.get(key), dict):
            out[key] = _schema(schema[key], f"{at}.{key}", changes)
    for key in ("items", "anyOf", "oneOf", "allOf", "prefixItems"):
        if isinstance(schema.get(key), list):
            out[key] = [_schema(s, f"{at}.{key}[{j}]", changes) if isinstance(s, dict) else s
                        for j, s in enumerate(schema[key])]  # fmt: skip
    return out
