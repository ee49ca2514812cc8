"""The response cache: content-addressed provider answers under `results/cache/responses/`.

The key hashes (provider, client, endpoint, model, rendered messages, request options, sample index): the same
request always maps to the same file, a changed prompt or option never does. Only successful answers are cached
(errors are not), written atomically. Entries hold the normalised Completion, never credentials: the key material
holds no header or key either. A bundle (`harness cache export/import`) carries entries to CI without secrets, so
`--mode replay` can answer from it.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from harness.errors import InputError
from harness.store import fastjson
from harness.types import Completion, Grounding, ToolCall, Usage

CacheMode = Literal["rw", "ro", "off"]
BUNDLE_FORMAT = "harness-cache-bundle/1"
_CHUNK = 1 << 16


def request_key(provider: str, client: str, endpoint: str | None, model: str, prompt_hash: str, options_hash: str,
                sample: int) -> str:  # fmt: skip
    raw = "\x1f".join([provider, client, endpoint or "", model, prompt_hash, options_hash, str(sample)])
    return hashlib.sha256(raw.encode()).hexdigest()


def sim_key(request_hash: str, sim_seed: int, profile_hash: str) -> str:
    """A simulated answer depends on the seed and the twin's profile too: its entry never answers a live call."""
    return hashlib.sha256(f"sim\x1f{request_hash}\x1f{sim_seed}\x1f{profile_hash}".encode()).hexdigest()


def to_record(c: Completion) -> dict[str, Any]:
    grounded = {"grounding": c.grounding.record()} if c.grounding else {}  # entries without it stay as they were
    streamed = {"ttft_ms": c.ttft_ms, "chunks": c.chunks} if c.ttft_ms is not None else {}
    return {
        **grounded,
        **streamed,
        "text": c.text,
        "tool_calls": [{"name": t.name, "arguments": t.arguments} for t in c.tool_calls],
        "input_tokens": c.usage.input_tokens,
        "output_tokens": c.usage.output_tokens,
        "finish_reason": c.finish_reason,
        "latency_ms": c.latency_ms,
        "request_id": c.request_id,
        "served_model": c.served_model,
        "simulated": c.simulated,
    }


def from_record(r: dict[str, Any]) -> Completion:
    return Completion(
        text=r["text"],
        usage=Usage(r.get("input_tokens", 0), r.get("output_tokens", 0)),
        tool_calls=tuple(ToolCall(t["name"], t["arguments"]) for t in r.get("tool_calls", [])),
        finish_reason=r.get("finish_reason", "stop"),
        latency_ms=r.get("latency_ms", 0.0),
        request_id=r.get("request_id"),
        served_model=r.get("served_model"),
        simulated=bool(r.get("simulated", False)),
        grounding=Grounding.from_record(r.get("grounding")),
        ttft_ms=r.get("ttft_ms"),
        chunks=r.get("chunks"),
    )


@dataclass
class ResponseCache:
    root: Path
    mode: CacheMode = "rw"
    hits: int = 0
    stores: int = 0

    def __post_init__(self) -> None:
        self._dir = os.fspath(self.root)  # lookups build str paths: pathlib costs more than the read itself
        self._made: set[str] = set()  # prefix folders known to exist

    def _path(self, key: str) -> Path:
        return Path(self._file(key))

    def _file(self, key: str) -> str:
        return f"{self._dir}/{key[:2]}/{key}.json"

    def get(self, key: str) -> Completion | None:
        if self.mode == "off":
            return None
        try:
            fd = os.open(self._file(key), os.O_RDONLY)  # half the cost of open(): no buffered reader
            try:
                chunks = [os.read(fd, _CHUNK)]
                while len(chunks[-1]) == _CHUNK:  # a short read on a regular file is its end
                    chunks.append(os.read(fd, _CHUNK))
            finally:
                os.close(fd)
            data = fastjson.loads(b"".join(chunks))
        except (FileNotFoundError, NotADirectoryError, ValueError):
            return None  # a damaged entry is a miss, never an error
        self.hits += 1
        return from_record(data)

    def has(self, key: str) -> bool:
        return self.mode != "off" and os.path.exists(self._file(key))

    def first(self, keys: Iterable[str]) -> tuple[str, Completion] | None:
        """The first of `keys` the cache holds, with its answer."""
        for key in keys:
            hit = self.get(key)
            if hit is not None:
                return key, hit
        return None

    def put(self, key: str, completion: Completion) -> None:
        """Write an entry atomically (temporary file, then rename). Plain os calls on str paths: a put through
        pathlib cost 258 us, this 70 (the live path's largest cost after the SDK's)."""
        if self.mode != "rw":
            return
        folder = f"{self._dir}/{key[:2]}"
        if folder not in self._made:
            os.makedirs(folder, exist_ok=True)
            self._made.add(folder)
        path = f"{folder}/{key}.json"
        tmp = f"{path}.tmp-{os.getpid()}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            data = memoryview(fastjson.dumpb(to_record(completion)))
            while data:
                data = data[os.write(fd, data) :]
        finally:
            os.close(fd)
        os.replace(tmp, path)
        self.stores += 1

    def keys(self) -> Iterator[str]:
        for path in self.root.glob("??/*.json"):
            yield path.stem


def export_bundle(cache: ResponseCache, keys: Iterable[str], dest: Path) -> int:
    """Write the given entries (those present) to a gzipped JSONL bundle; return how many."""
    n = 0
    with gzip.open(dest, "wt", encoding="utf-8") as fh:
        fh.write(json.dumps({"format": BUNDLE_FORMAT}) + "\n")
        for key in keys:
            path = cache._path(key)
            if path.exists():
                fh.write(json.dumps({"key": key, "entry": json.loads(path.read_text(encoding="utf-8"))}) + "\n")
                n += 1
    return n


def import_bundle(cache: ResponseCache, src: Path) -> int:
    """Add a bundle's entries to the cache; return how many."""
    n = 0
    try:
        with gzip.open(src, "rt", encoding="utf-8") as fh:
            header = json.loads(fh.readline() or "{}")
            if header.get("format") != BUNDLE_FORMAT:
                raise InputError(f"{src}: not a harness cache bundle")
            writer = ResponseCache(cache.root, "rw")
            for line in fh:
                rec = json.loads(line)
                key = rec["key"]
                if len(key) != 64 or not all(ch in "0123456789abcdef" for ch in key):
                    raise InputError(f"{src}: bad key {key[:80]!r}")
                writer.put(key, from_record(rec["entry"]))
                n += 1
    except (OSError, ValueError, KeyError) as e:
        raise InputError(f"{src}: unreadable cache bundle ({e})") from None
    return n
