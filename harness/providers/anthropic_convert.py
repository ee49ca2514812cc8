"""Anthropic Messages API ⇄ harness records, as pure functions: request params out, the JSON body back.

Placement: system messages go to the top-level `system` parameter; user/assistant turns stay in order. A message
with images becomes content blocks: each image as a base64 `image` block, then the text (Anthropic's advice).
The same parameters serve Bedrock and Vertex: their SDK clients move `model` into the URL.
Not sent, because API version 2026-10-21 (anthropic SDK 2.x) rejects or lacks them: `temperature` (sampling
parameters were removed: any value is a 400), `seed` (no such parameter) and schema-less JSON mode (Anthropic's
structured output needs a schema; say "answer in JSON" in the Claude prompt instead).
"""

from __future__ import annotations

import base64
import json
from typing import Any

import anthropic

from harness.errors import ProviderError
from harness.providers.http_convert import Secrets, Seen, body_error, status_error, transport_error
from harness.types import Completion, Message, Request, ToolCall, Usage

#: Anthropic stop_reason -> the harness's normalised finish reason.
FINISH = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "tool_use": "tool_calls",
    "max_tokens": "length",
    "model_context_window_exceeded": "length",
    "refusal": "refusal",
    "pause_turn": "other",
}


def tool_choice(choice: str) -> dict[str, Any]:
    """`auto` | `none` | `required`/`any` | a tool's name."""
    if choice in ("auto", "none", "any"):
        return {"type": choice}
    if choice == "required":
        return {"type": "any"}
    return {"type": "tool", "name": choice}


def tool_param(tool: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": tool["name"],
        "input_schema": tool.get("parameters") or {"type": "object", "properties": {}},
    }
    if tool.get("description"):
        out["description"] = tool["description"]
    return out


def content(m: Message) -> str | list[dict[str, Any]]:
    """A message's content: plain text, or image blocks followed by the text."""
    if not m.images:
        return m.content
    blocks: list[dict[str, Any]] = [
        {"type": "image", "source": {"type": "base64", "media_type": image.media_type,
                                     "data": base64.b64encode(image.data).decode("ascii")}}
        for image in m.images
    ]  # fmt: skip
    return [*blocks, {"type": "text", "text": m.content}] if m.content else blocks


def to_params(request: Request) -> dict[str, Any]:
    """Keyword arguments for `client.messages.create`."""
    o = request.options
    system = "\n\n".join(m.content for m in request.messages if m.role == "system")
    params: dict[str, Any] = {
        "model": request.model,
        "max_tokens": o.max_tokens,
        "messages": [{"role": m.role, "content": content(m)} for m in request.messages if m.role != "system"],
    }
    if system:
        params["system"] = system
    if o.stop:
        params["stop_sequences"] = list(o.stop)
    if o.tools:
        params["tools"] = [tool_param(t) for t in o.tools]
        if o.tool_choice:
            params["tool_choice"] = tool_choice(o.tool_choice)
    return params


def to_completion(body: bytes | dict[str, Any], request_id: str | None = None, status: int | None = 200) -> Completion:
    """A Messages API JSON body (Bedrock and Vertex answer with the same, and a stream's events fold into one, see
    `stream_convert`); a body of another shape is an `invalid_response`, not a crash."""
    try:
        data = json.loads(body) if isinstance(body, bytes) else body
        blocks = data.get("content") or []
        text = "".join(b["text"] for b in blocks if b.get("type") == "text")
        calls = tuple(ToolCall(b["name"], dict(b.get("input") or {})) for b in blocks if b.get("type") == "tool_use")
        u = data.get("usage") or {}
        input_tokens = (
            (u.get("input_tokens") or 0)
            + (u.get("cache_creation_input_tokens") or 0)
            + (u.get("cache_read_input_tokens") or 0)
        )
        usage = Usage(input_tokens, u.get("output_tokens") or 0)
        finish = FINISH.get(data.get("stop_reason") or "", "other")
    except (ValueError, TypeError, KeyError, AttributeError) as e:
        raise body_error("anthropic Messages", e, status, request_id) from None
    return Completion(text=text, usage=usage, tool_calls=calls, finish_reason=finish, request_id=request_id,
                      served_model=data.get("model"))  # fmt: skip


def to_error(exc: Exception, secret: Secrets, seen: Seen | None = None) -> ProviderError:
    """The one mapping of an anthropic SDK exception (or a body that would not parse) to a ProviderError."""
    if isinstance(exc, anthropic.APIStatusError):
        rid = exc.request_id or (seen.request_id if seen else None)
        return status_error("anthropic", exc.status_code, exc.body, exc.response.headers, secret, rid)
    seen = seen or Seen()
    return transport_error("anthropic", exc, secret, seen.request_id, seen.status)
