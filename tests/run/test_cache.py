from pathlib import Path

import pytest

from harness.errors import InputError
from harness.run.cache import ResponseCache, export_bundle, import_bundle, request_key
from harness.types import Completion, ToolCall, Usage


def completion() -> Completion:
    return Completion("hi", Usage(3, 1), (ToolCall("f", {"a": [1]}),), "tool_calls", 12.5, "req-1", "m-1")


def test_key_is_content_addressed() -> None:
    k = request_key("openai", "direct", None, "m", "p" * 64, "o", 0)
    assert k == request_key("openai", "direct", None, "m", "p" * 64, "o", 0)
    assert k != request_key("openai", "direct", None, "m", "p" * 64, "o", 1)
    assert k != request_key("openai", "azure", None, "m", "p" * 64, "o", 0)
    assert k != request_key("openai", "direct", "http://x", "m", "p" * 64, "o", 0)


def test_roundtrip_and_modes(tmp_path: Path) -> None:
    cache = ResponseCache(tmp_path)
    key = "a" * 64
    assert cache.get(key) is None
    cache.put(key, completion())
    assert cache.get(key) == completion() and cache.hits == 1
    ResponseCache(tmp_path, "ro").put("b" * 64, completion())
    assert not ResponseCache(tmp_path).has("b" * 64)
    assert ResponseCache(tmp_path, "off").get(key) is None
    cache._path(key).write_text("{torn")
    assert cache.get(key) is None  # a damaged entry is a miss


def test_bundle_export_import(tmp_path: Path) -> None:
    src = ResponseCache(tmp_path / "a")
    keys = [c * 64 for c in "abc"]
    for k in keys:
        src.put(k, completion())
    assert export_bundle(src, keys[:2] + ["d" * 64], tmp_path / "b.jsonl.gz") == 2
    dst = ResponseCache(tmp_path / "b")
    assert import_bundle(dst, tmp_path / "b.jsonl.gz") == 2
    assert dst.get(keys[0]) == completion() and dst.get(keys[2]) is None
    (tmp_path / "bad.gz").write_bytes(b"nope")
    with pytest.raises(InputError, match="unreadable cache bundle"):
        import_bundle(dst, tmp_path / "bad.gz")
