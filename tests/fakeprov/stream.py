"""The vendors' streamed answers as fakeprov speaks them: the same reply as `wire.success_body`, cut into each
vendor's stream events, then framed (SSE, or AWS event-stream frames for Bedrock).

- OpenAI: `data: {chat.completion.chunk}` lines (text pieces, tool-call name then argument pieces), a usage chunk
  without choices (`stream_options.include_usage`), `data: [DONE]`; a `: ping` comment first (a keep-alive).
- Anthropic (direct, Vertex's `streamRawPredict`): `event: message_start`, `event: ping`, content blocks
  (`text_delta`, `input_json_delta` pieces), `message_delta` with the stop reason and usage, `message_stop`.
- Bedrock (`invoke-with-response-stream`): the Anthropic events, each base64 in a `chunk` event-stream frame.
- Gemini (`streamGenerateContent?alt=sse`): `data: {GenerateContentResponse}` per piece; the last one carries the
  finish reason and usage.

Errors mid-stream: OpenAI `data: {"error": ...}`, Anthropic `event: error`, Bedrock an exception frame, Gemini
`data: {"error": {code, message, status}}`.
"""

from __future__ import annotations

import base64
import binascii
import json
import struct
from typing import Any

from tests.fakeprov.wire import Api, Fault, Infra, error_body

PIECE = 5
"""Characters of text (or of a tool call's JSON) per event."""


def pieces(text: str, size: int = PIECE) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)] or []


def sse(data: Any, event: str | None = None) -> bytes:
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {json.dumps(data, ensure_ascii=False)}\n\n".encode()


def events(api: Api, body: dict[str, Any]) -> list[tuple[str | None, dict[str, Any], bool]]:
    """The non-streaming `body` as (event name, data, carries content) in the vendor's stream order."""
    if api == "openai":
        return _openai(body)
    if api == "anthropic":
        return _anthropic(body)
    return _google(body)


def _openai(body: dict[str, Any]) -> list[tuple[str | None, dict[str, Any], bool]]:
    head = {k: body[k] for k in ("id", "created", "model")} | {"object": "chat.completion.chunk"}
    choice, msg = body["choices"][0], body["choices"][0]["message"]

    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return {**head, "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}]}

    out: list[tuple[str | None, dict[str, Any], bool]] = [(None, chunk({"role": "assistant", "content": ""}), False)]
    out += [(None, chunk({"content": p}), True) for p in pieces(msg.get("content") or "")]
    for i, call in enumerate(msg.get("tool_calls") or ()):
        fn = call["function"]
        start = {"index": i, "id": call["id"], "type": "function", "function": {"name": fn["name"], "arguments": ""}}
        out.append((None, chunk({"tool_calls": [start]}), True))
        out += [(None, chunk({"tool_calls": [{"index": i, "function": {"arguments": p}}]}), True)
                for p in pieces(fn["arguments"])]  # fmt: skip
    out.append((None, chunk({}, choice["finish_reason"]), False))
    out.append((None, {**head, "choices": [], "usage": body["usage"]}, False))
    return out


def _anthropic(body: dict[str, Any]) -> list[tuple[str | None, dict[str, Any], bool]]:
    usage = body["usage"]
    start = {k: v for k, v in body.items() if k not in ("content", "stop_reason", "usage")}
    start |= {"content": [], "stop_reason": None, "usage": {"input_tokens": usage["input_tokens"], "output_tokens": 1}}
    out: list[tuple[str | None, dict[str, Any], bool]] = [
        ("message_start", {"type": "message_start", "message": start}, False),
        ("ping", {"type": "ping"}, False),
    ]
    for i, block in enumerate(body["content"]):
        if block["type"] == "text":
            out.append(("content_block_start", {"type": "content_block_start", "index": i,
                                                "content_block": {"type": "text", "text": ""}}, False))  # fmt: skip
            deltas = [{"type": "text_delta", "text": p} for p in pieces(block["text"])]
        else:
            first = {**block, "input": {}}
            out.append(("content_block_start", {"type": "content_block_start", "index": i, "content_block": first},
                        True))  # fmt: skip
            deltas = [{"type": "input_json_delta", "partial_json": p} for p in pieces(json.dumps(block["input"]))]
        out += [("content_block_delta", {"type": "content_block_delta", "index": i, "delta": d}, True) for d in deltas]
        out.append(("content_block_stop", {"type": "content_block_stop", "index": i}, False))
    delta = {"stop_reason": body["stop_reason"], "stop_sequence": None}
    out.append(("message_delta", {"type": "message_delta", "delta": delta,
                                  "usage": {"output_tokens": usage["output_tokens"]}}, False))  # fmt: skip
    out.append(("message_stop", {"type": "message_stop"}, False))
    return out


def _google(body: dict[str, Any]) -> list[tuple[str | None, dict[str, Any], bool]]:
    cand = body["candidates"][0]
    head = {"modelVersion": body["modelVersion"], "responseId": body["responseId"]}

    def chunk(parts: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
        return {**head, "candidates": [{"content": {"role": "model", "parts": parts}, "index": 0, **extra}]}

    out: list[tuple[str | None, dict[str, Any], bool]] = []
    for part in cand["content"]["parts"]:
        if "text" in part:
            out += [(None, chunk([{"text": p}]), True) for p in pieces(part["text"])]
        else:
            out.append((None, chunk([part]), True))
    last = {"finishReason": cand["finishReason"]}
    if "groundingMetadata" in cand:
        last["groundingMetadata"] = cand["groundingMetadata"]
    out.append((None, {**chunk([], **last), "usageMetadata": body["usageMetadata"]}, False))
    return out


def frame(api: Api, infra: Infra, event: str | None, data: dict[str, Any]) -> bytes:
    if infra == "bedrock":
        payload = json.dumps({"bytes": base64.b64encode(json.dumps(data).encode()).decode()}).encode()
        return aws_frame({":event-type": "chunk", ":content-type": "application/json", ":message-type": "event"},
                         payload)  # fmt: skip
    return sse(data, event if api == "anthropic" else None)


def keep_alive(api: Api, infra: Infra) -> bytes:
    """OpenAI's SSE comment (Anthropic's keep-alive is its `ping` event, in `events`; Gemini sends none)."""
    return b": ping\n\n" if api == "openai" else b""


def done(api: Api) -> bytes:
    return b"data: [DONE]\n\n" if api == "openai" else b""


_OPENAI_TYPE = {429: "rate_limit_exceeded", 503: "service_unavailable_error", 529: "overloaded_error"}
_BEDROCK_EXC = {429: "throttlingException", 503: "serviceUnavailableException", 500: "internalServerException"}


def error_frame(api: Api, infra: Infra, fault: Fault) -> bytes:
    """The error event a stream ends with when it fails mid-way."""
    if infra == "bedrock":
        kind = _BEDROCK_EXC.get(fault.status, "modelStreamErrorException")
        headers = {":exception-type": kind, ":content-type": "application/json", ":message-type": "exception"}
        return aws_frame(headers, json.dumps({"message": fault.message}).encode())
    if api == "openai":
        kind = fault.code or _OPENAI_TYPE.get(fault.status, "server_error")
        return sse({"error": {"message": fault.message, "type": kind, "code": kind, "param": None}})
    payload, _ = error_body(api, fault, infra)
    return sse(payload, "error" if api == "anthropic" else None)


def aws_frame(headers: dict[str, str], payload: bytes) -> bytes:
    """One AWS event-stream message: prelude (total length, headers length, CRC32), string headers, payload, CRC32."""
    head = b"".join(
        struct.pack("B", len(k)) + k.encode() + b"\x07" + struct.pack(">H", len(v)) + v.encode()
        for k, v in headers.items()
    )
    total = 12 + len(head) + len(payload) + 4
    prelude = struct.pack(">II", total, len(head))
    prelude += struct.pack(">I", binascii.crc32(prelude) & 0xFFFFFFFF)
    message = prelude + head + payload
    return message + struct.pack(">I", binascii.crc32(message) & 0xFFFFFFFF)
