"""Streamed answers ⇄ harness records, as pure state: each vendor's stream events folded back into the body its
non-streaming call would have answered, so one `to_completion` reads both and the two answers are equal.

- OpenAI Chat Completions: `chat.completion.chunk` deltas (text, refusal, tool-call name and argument pieces keyed
  by `index`); `stream_options.include_usage` puts the usage in a last chunk without choices.
- Anthropic Messages (and Bedrock's, Vertex's): `message_start` (model, input usage), `content_block_start` /
  `content_block_delta` (`text_delta`, `input_json_delta` pieces of a tool call's JSON) / `content_block_stop`,
  `message_delta` (stop reason, output usage); `ping` is a keep-alive.
- Gemini: every chunk is a whole `GenerateContentResponse`; text parts are concatenated, function calls arrive whole.

An error event in the middle of a stream (OpenAI's `{"error": ...}` chunk, Anthropic's `event: error`, a Bedrock
exception frame) is classified as the same error before the stream would be (an overloaded error is `overloaded`),
and carries the text delivered so far (`ProviderError.partial`). `Clock` stamps time to first content and chunks;
`Watch` lets the runner's deadlines see the first token and the partial text of a call it cancels.
"""

from __future__ import annotations

import json
import time
from dataclasses import replace
from typing import Any

from google.genai import types as gt

from harness.errors import ProviderError
from harness.providers.http_convert import Secrets, status_error
from harness.providers.watch import WATCH
from harness.types import Completion

#: Error types of a stream's error event -> the HTTP status the same error has before a stream starts.
_STATUS_OF_TYPE = {
    "overloaded_error": 529, "rate_limit_error": 429, "api_error": 500, "authentication_error": 401,
    "permission_error": 403, "not_found_error": 404, "request_too_large": 413, "invalid_request_error": 400,
    "timeout_error": 504, "rate_limit_exceeded": 429, "insufficient_quota": 429, "server_error": 500,
    "throttlingexception": 429, "serviceunavailableexception": 503, "modeltimeoutexception": 504,
    "internalserverexception": 500, "modelstreamerrorexception": 500, "validationexception": 400,
    "service_unavailable_error": 503, "unavailable": 503, "resource_exhausted": 429, "deadline_exceeded": 504,
}  # fmt: skip


class Clock:
    """When a call started, when its first content arrived, and how many events carried content. `source` (the
    stream's accumulator) lets a deadline that cancels the call keep the text delivered so far."""

    __slots__ = ("chunks", "first", "t0", "watch")

    def __init__(self, source: Any = None) -> None:
        self.t0 = time.perf_counter()
        self.first = 0.0
        self.chunks = 0
        self.watch = WATCH.get()
        if self.watch is not None:
            self.watch.source = source

    def content(self) -> None:
        if not self.chunks:
            self.first = time.perf_counter()
            if self.watch is not None:
                self.watch.first()
        self.chunks += 1

    def stamp(self, completion: Completion) -> Completion:
        ttft = round((self.first - self.t0) * 1000, 3) if self.chunks else None
        return replace(completion, ttft_ms=ttft, chunks=self.chunks)


def stream_error(vendor: str, error: Any, secret: Secrets, request_id: str | None, partial: str) -> ProviderError:
    """An error event inside a 200 stream, classified by the status the same error has before a stream."""
    err = error.get("error", error) if isinstance(error, dict) else {}
    err = err if isinstance(err, dict) else {"message": str(err)}
    status = err.get("code") if isinstance(err.get("code"), int) else None
    if status is None:
        kinds = (str(err.get(k) or "").lower() for k in ("type", "code", "status"))
        status = next((_STATUS_OF_TYPE[k] for k in kinds if k in _STATUS_OF_TYPE), 500)
    e = status_error(vendor, status, {"error": err}, {}, secret, request_id)
    e.message = f"{e.message} (mid-stream, after {len(partial)} characters)"
    e.partial = partial
    return e


class OpenAIStream:
    """Chat completion chunks folded into a chat completion body."""

    def __init__(self) -> None:
        self.text: list[str] = []
        self.refusal: list[str] = []
        self.calls: dict[int, dict[str, Any]] = {}
        self.finish: str | None = None
        self.usage: dict[str, Any] | None = None
        self.model: str | None = None
        self.choices = False

    @property
    def partial(self) -> str:
        return "".join(self.text)

    @property
    def ended(self) -> bool:
        """The stream said how it finished (a finish reason), or never had a choice to finish: not cut short."""
        return self.finish is not None or not self.choices

    def feed(self, data: dict[str, Any]) -> bool:
        """One chunk; True when it carried content (text, refusal or a tool call's piece). An error chunk raises
        KeyError-free: the caller checks `data.get("error")` first."""
        self.model = data.get("model") or self.model
        if data.get("usage"):
            self.usage = data["usage"]
        content = False
        for choice in data.get("choices") or ():
            if choice.get("index", 0) != 0:
                continue
            self.choices = True
            delta = choice.get("delta") or {}
            if delta.get("content"):
                self.text.append(delta["content"])
                content = True
            if delta.get("refusal"):
                self.refusal.append(delta["refusal"])
                content = True
            for piece in delta.get("tool_calls") or ():
                content = True
                self._call(piece)
            if choice.get("finish_reason"):
                self.finish = choice["finish_reason"]
        return content

    def _call(self, piece: dict[str, Any]) -> None:
        call = self.calls.setdefault(piece.get("index", 0), {"type": "function", "name": [], "arguments": []})
        if piece.get("type"):
            call["type"] = piece["type"]
        fn = piece.get("function") or {}
        if fn.get("name"):
            call["name"].append(fn["name"])
        if fn.get("arguments"):
            call["arguments"].append(fn["arguments"])

    def body(self) -> dict[str, Any]:
        message: dict[str, Any] = {"role": "assistant", "content": "".join(self.text) or None}
        if self.refusal:
            message["refusal"] = "".join(self.refusal)
        if self.calls:
            message["tool_calls"] = [
                {"type": c["type"], "function": {"name": "".join(c["name"]), "arguments": "".join(c["arguments"])}}
                for _, c in sorted(self.calls.items())
            ]
        choices = [{"index": 0, "message": message, "finish_reason": self.finish}] if self.choices else []
        return {"model": self.model, "choices": choices, "usage": self.usage}


class AnthropicStream:
    """Messages stream events folded into a Messages body."""

    def __init__(self) -> None:
        self.message: dict[str, Any] = {}
        self.blocks: dict[int, dict[str, Any]] = {}
        self.pieces: dict[int, list[str]] = {}
        self.usage: dict[str, Any] = {}
        self.ended = False
        """`message_stop` arrived: the stream was not cut short."""

    @property
    def partial(self) -> str:
        return "".join("".join(self.pieces[i]) for i, b in sorted(self.blocks.items()) if b.get("type") == "text")

    def feed(self, event: str | None, data: dict[str, Any]) -> bool:
        """One event (its name, or the `type` in its data); True when it carried content."""
        kind = data.get("type") or event
        if kind == "content_block_delta":
            delta = data.get("delta") or {}
            piece = delta.get("text") if delta.get("type") == "text_delta" else delta.get("partial_json")
            if piece:
                self.pieces.setdefault(data.get("index", 0), []).append(piece)
                return True
            return False
        if kind == "content_block_start":
            block = dict(data.get("content_block") or {})
            self.blocks[data.get("index", 0)] = block
            return block.get("type") == "tool_use"  # a tool call's name arrives here
        if kind == "message_start":
            self.message = dict(data.get("message") or {})
            self.usage.update(self.message.get("usage") or {})
        elif kind == "message_stop":
            self.ended = True
        elif kind == "message_delta":
            self.message.update({k: v for k, v in (data.get("delta") or {}).items() if v is not None})
            self.usage.update({k: v for k, v in (data.get("usage") or {}).items() if v is not None})
        return False

    def body(self) -> dict[str, Any]:
        content = []
        for i, block in sorted(self.blocks.items()):
            joined = "".join(self.pieces.get(i, ()))
            if block.get("type") == "text":
                content.append({**block, "text": block.get("text", "") + joined})
            elif block.get("type") == "tool_use":
                content.append({**block, "input": json.loads(joined) if joined.strip() else block.get("input", {})})
            else:
                content.append(block)
        return {**self.message, "content": content, "usage": self.usage}


class GoogleStream:
    """GenerateContentResponse chunks merged into one: adjacent text parts joined (thought and answer apart, the first
    part of a run keeps its other fields), function calls kept in order, the last chunk's finish reason, usage and
    grounding."""

    def __init__(self) -> None:
        self.parts: list[tuple[gt.Part, list[str]]] = []
        """Each part with the text pieces that follow it in its run (a function call's list stays empty)."""
        self.last: gt.GenerateContentResponse | None = None
        self.candidate: gt.Candidate | None = None
        self.grounding: gt.GroundingMetadata | None = None
        self.usage: gt.GenerateContentResponseUsageMetadata | None = None

    @property
    def partial(self) -> str:
        return "".join("".join(pieces) for part, pieces in self.parts if part.text is not None and not part.thought)

    def feed(self, chunk: gt.GenerateContentResponse) -> bool:
        self.last = chunk
        self.usage = chunk.usage_metadata or self.usage
        cand = chunk.candidates[0] if chunk.candidates else None
        if cand is None:
            return False
        self.candidate = cand
        self.grounding = cand.grounding_metadata or self.grounding
        content = False
        for part in (cand.content.parts if cand.content else None) or ():
            prev = self.parts[-1][0] if self.parts else None
            if part.text is not None and prev is not None and prev.text is not None and prev.thought == part.thought:
                self.parts[-1][1].append(part.text)
            else:
                self.parts.append((part, [part.text] if part.text is not None else []))
            content = content or bool(part.text or part.function_call)
        return content

    def response(self) -> gt.GenerateContentResponse:
        last = self.last or gt.GenerateContentResponse()
        if self.candidate is None:
            return last.model_copy(update={"usage_metadata": self.usage})
        parts = [part if part.text is None else part.model_copy(update={"text": "".join(pieces)})
                 for part, pieces in self.parts]  # fmt: skip
        cand = self.candidate.model_copy(update={
            "content": gt.Content(role="model", parts=parts), "grounding_metadata": self.grounding})  # fmt: skip
        return last.model_copy(update={"candidates": [cand], "usage_metadata": self.usage})
