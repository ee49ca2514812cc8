"""The hot-path JSON: what orjson writes reads back as json would, and what it refuses still gets written."""

from __future__ import annotations

import json
from dataclasses import dataclass

from harness.errors import FailureClass
from harness.store import fastjson


def test_records_round_trip_compact_in_key_order() -> None:
    rec = {"type": "cell", "output": "naïve café ✓", "tags": ["a"], "cost_usd": 1e-07, "n": 3, "none": None,
           "error_class": FailureClass.timeout, "args": {1: "int key"}}  # fmt: skip
    raw = fastjson.dumpb(rec)
    assert raw.startswith(b'{"type":"cell","output":"na\xc3\xafve caf')  # UTF-8, not \\u escapes; no spaces
    assert json.loads(raw) == {**rec, "error_class": "timeout", "args": {"1": "int key"}}
    assert fastjson.loads(raw) == json.loads(raw)


def test_what_orjson_refuses_is_still_written_as_utf8_json() -> None:
    big = {"arguments": {"id": 2**80}, "text": "✓"}  # beyond 64 bits: a model's tool call can say anything
    assert json.loads(fastjson.dumpb(big)) == big
    lone = {"output": "before \ud800 after ✓"}  # a lone surrogate, as json.loads makes of a model's "\\ud800"
    raw = fastjson.dumpb(lone)
    assert json.loads(raw.decode("utf-8")) == {"output": "before \ufffd after ✓"}


def test_values_json_cannot_write_become_text() -> None:
    @dataclass
    class Point:
        x: int

    class Opaque:
        def __str__(self) -> str:
            return "opaque"

    assert json.loads(fastjson.dumpb({"p": Point(1), "o": Opaque()})) == {"p": {"x": 1}, "o": "opaque"}
