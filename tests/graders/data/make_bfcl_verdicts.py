"""Write bfcl_verdicts.jsonl: model outputs for datasets/tool-calls@1 (and a few hand-made tools with object and
array-of-object parameters), each with the verdict of the Berkeley Function Calling Leaderboard's own AST checker.

tests/graders/test_calls.py checks that `function_call` agrees with every verdict. To regenerate, point
BFCL_PATH at a directory holding an importable `bfcl_eval` (bfcl-eval 2026.3.23; its `ast_checker.py` only needs
`constants/{enums,type_mappings,model_config}.py`, and model_config may be a stub with MODEL_CONFIG_MAPPING):

    BFCL_PATH=/tmp/bfclstub .venv/bin/python tests/graders/data/make_bfcl_verdicts.py

Deterministic (seed 8). bfcl-eval is not a project dependency.
"""

from __future__ import annotations

import copy
import json
import os
import random
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DATASET = HERE.parents[2] / "datasets" / "tool-calls" / "v1.jsonl"
OUT = HERE / "bfcl_verdicts.jsonl"

# Hand-made tools for the parameter types the dataset lacks (objects, arrays of objects, dotted names).
EXTRA = [
    {
        "id": "x-dict",
        "tools": [{"name": "book.table", "parameters": {"type": "object", "properties": {
            "restaurant": {"type": "string"},
            "party": {"type": "object", "properties": {"adults": {"type": "integer"}, "children": {"type": "integer"}}},
            "times": {"type": "array", "items": {"type": "string"}},
        }, "required": ["restaurant", "party"]}}],
        "expected": [{"name": "book.table", "arguments": {
            "restaurant": ["Chez Anna", "chez anna"],
            "party": [{"adults": [2], "children": [1, ""]}],
            "times": [["19:00", "19:30"], ""],
        }}],
    },
    {
        "id": "x-list-dict",
        "tools": [{"name": "add_items", "parameters": {"type": "object", "properties": {
            "items": {"type": "array", "items": {"type": "object"}},
            "priority": {"type": "number"},
        }, "required": ["items"]}}],
        "expected": [{"name": "add_items", "arguments": {
            "items": [[{"sku": ["A-1"], "qty": [2]}, {"sku": ["B-2"], "qty": [1, ""]}]],
            "priority": [1.5, ""],
        }}],
    },
]  # fmt: skip


def bfcl_schema(params: dict[str, Any]) -> dict[str, Any]:
    """Our JSON Schema parameters in BFCL's Python type names."""
    names = {"number": "float", "object": "dict"}

    def conv(p: dict[str, Any]) -> dict[str, Any]:
        p = dict(p)
        if isinstance(p.get("type"), str):
            p["type"] = names.get(p["type"], p["type"])
        if isinstance(p.get("items"), dict):
            p["items"] = conv(p["items"])
        if isinstance(p.get("properties"), dict):
            p["properties"] = {k: conv(v) for k, v in p["properties"].items()}
        return p

    out = conv(params)
    out["type"] = "dict"
    out.setdefault("required", [])
    return out


def pick(allowed: list[Any], rng: random.Random) -> tuple[bool, Any]:
    v = rng.choice(allowed)
    if v == "":
        return False, None
    if isinstance(v, dict):  # an object answer: pick each key's value the same way
        out = {}
        for k, opts in v.items():
            present, val = pick(opts, rng)
            if present:
                out[k] = val
        return True, out
    if isinstance(v, list) and v and all(isinstance(e, dict) for e in v):
        return True, [pick([e], rng)[1] for e in v]
    return True, copy.deepcopy(v)


def correct(expected: list[dict[str, Any]], rng: random.Random) -> list[dict[str, Any]]:
    calls = []
    for call in expected:
        args = {}
        for name, allowed in call["arguments"].items():
            present, value = pick(allowed, rng)
            if present:
                args[name] = value
        calls.append({"name": call["name"], "arguments": args})
    return calls


def _retype(v: Any, rng: random.Random) -> Any:
    if isinstance(v, bool):
        return rng.choice([str(v).lower(), int(v)])
    if isinstance(v, int):
        return rng.choice([float(v), str(v), v + 0.5])
    if isinstance(v, float):
        return rng.choice([int(v), str(v), round(v)])
    if isinstance(v, str):
        return rng.choice([[v], 7, (v.isdigit() and int(v)) or v])
    if isinstance(v, list):
        return rng.choice([", ".join(map(str, v)), [str(x).upper() for x in v], [1 for _ in v]])
    return v


def _restyle(v: Any, rng: random.Random) -> Any:
    if not isinstance(v, str):
        return v
    return rng.choice([v.upper(), v.replace(" ", "-"), v + ".", v.replace(" ", ""), f" {v} ", v.replace(",", "")])


def _change(v: Any, rng: random.Random) -> Any:
    return v + " x" if isinstance(v, str) else (v + 1 if isinstance(v, int | float) else [])


def _reorder(v: Any, rng: random.Random) -> Any:
    if not isinstance(v, list):
        return v
    return list(reversed(v)) if rng.random() < 0.5 else v + v[:1]


VALUE_MUTATIONS = {"value": _change, "case": _restyle, "type": _retype, "array": _reorder,
                   "empty": lambda v, rng: "", "none": lambda v, rng: None}  # fmt: skip


def mutate(calls: list[dict[str, Any]], tools: list[dict[str, Any]], rng: random.Random) -> list[dict[str, Any]]:
    calls = copy.deepcopy(calls)
    c = rng.choice(calls)
    args = c["arguments"]
    kind = rng.choice(["omit", "extra", "value", "case", "type", "type", "name", "count", "order", "empty", "none",
                       "array"])  # fmt: skip
    key = rng.choice(sorted(args)) if args else None
    if kind in VALUE_MUTATIONS and key:
        args[key] = VALUE_MUTATIONS[kind](args[key], rng)
    elif kind == "omit" and key:
        del args[key]
    elif kind == "extra":
        args[rng.choice(["verbose", "limit", "unit"])] = rng.choice([True, 5, "celsius"])
    elif kind == "name":
        others = [t["name"] for t in tools if t["name"] != c["name"]]
        c["name"] = rng.choice(others) if others and rng.random() < 0.7 else c["name"].upper()
    elif kind == "count":
        if len(calls) > 1 and rng.random() < 0.5:
            calls.remove(c)
        else:
            calls.append(copy.deepcopy(c))
    elif kind == "order":
        calls.reverse()
    if key in args and rng.random() < 0.5:
        args[key] = _mutate_objects(args[key], rng)
    return calls


def _mutate_objects(v: Any, rng: random.Random) -> Any:
    """Objects and lists of objects: drop, add or change a key, or change the case of a string inside."""
    if isinstance(v, list) and v and all(isinstance(e, dict) for e in v):
        i = rng.randrange(len(v))
        return [_mutate_objects(e, rng) if j == i else e for j, e in enumerate(v)]
    if not isinstance(v, dict) or not v:
        return v
    v = dict(v)
    k = rng.choice(sorted(v))
    kind = rng.choice(["drop", "add", "change", "case", "type"])
    if kind == "drop":
        del v[k]
    elif kind == "add":
        v["note"] = "x"
    elif kind == "change":
        v[k] = v[k] + 1 if isinstance(v[k], int) else str(v[k]) + "x"
    elif kind == "case" and isinstance(v[k], str):
        v[k] = v[k].lower().replace("-", " ")
    elif kind == "type":
        v[k] = str(v[k]) if not isinstance(v[k], str) else 3
    return v


def main() -> None:
    sys.path.insert(0, os.environ["BFCL_PATH"])
    from bfcl_eval.constants.enums import Language
    from bfcl_eval.eval_checker.ast_eval.ast_checker import ast_checker

    rng = random.Random(8)
    cases = [json.loads(line) for line in DATASET.read_text().splitlines()]
    sources = [(c["id"], c["input"]["tools"], c["expected"], False) for c in cases] + [
        (x["id"], x["tools"], x["expected"], True) for x in EXTRA
    ]
    rows = []
    for case_id, tools, expected, inline in sources:
        if not expected:
            continue  # irrelevance: no AST check (a call is simply wrong)
        funcs = [{"name": t["name"], "parameters": bfcl_schema(t["parameters"])} for t in tools]
        answer = [{c["name"]: c["arguments"]} for c in expected]
        category = "parallel" if len(expected) > 1 else "multiple"
        variants = [correct(expected, rng) for _ in range(2)]
        variants += [mutate(correct(expected, rng), tools, rng) for _ in range(60 if inline else 6)]
        for outputs in variants:
            model_output = [{o["name"]: o["arguments"]} for o in outputs]
            verdict = ast_checker(funcs, model_output, answer, Language.PYTHON, category, "gorilla-openfunctions-v2")
            row = {"case": case_id, "outputs": outputs, "bfcl_valid": verdict["valid"]}
            row["bfcl_error_type"] = verdict.get("error_type", "")
            if inline:
                row |= {"tools": tools, "expected": expected}
            rows.append(row)
    OUT.write_text("".join(json.dumps(r, sort_keys=True) + "\n" for r in rows))
    valid = sum(r["bfcl_valid"] for r in rows)
    print(f"{len(rows)} outputs, {valid} valid per bfcl-eval, written to {OUT}")


if __name__ == "__main__":
    main()
