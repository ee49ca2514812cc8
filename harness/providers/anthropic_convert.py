"""Anthropic Messages API ⇄ harness records, as pure functions over the SDK's own types.

Placement: system messages go to the top-level `system` parameter; user/assistant turns stay in order.
Not sent, because API version 2026-10-21 (anthropic SDK 2.x) rejects or lacks them: `temperature` (sampling
parameters were removed: any value is a 400), `seed` (no such parameter) and schema-less JSON mode (Anthropic's
structured output needs a schema; say "answer in JSON" in the Claude prompt instead).
"""

from __future__ import annotations

from typing import Any

import anthropic
from anthropic.types import Message

from harness.errors import FailureClass, ProviderError
from harness.providers.http_convert import Seen, status_error, transport_error
from harness.types import Completion, Request, ToolCall, Usage

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


def to_params(request: Request) -> dict[str, Any]:
    """Keyword arguments for `client.messages.create`."""
    o = request.options
    system = "\n\n".join(m.content for m in request.messages if m.role == "system")
    params: dict[str, Any] = {
        "model": request.model,
        "max_tokens": o.max_tokens,
        "messages": [{"role": m.role, "content": m.content} for m in request.messages if m.role != "system"],
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


def to_completion(message: Message) -> Completion:
    text = "".join(block.text for block in message.content if block.type == "text")
    calls = tuple(ToolCall(b.name, dict(b.input)) for b in message.content if b.type == "tool_use")
    u = message.usage
    input_tokens = u.input_tokens + (u.cache_creation_input_tokens or 0) + (u.cache_read_input_tokens or 0)
    return Completion(
        text=text,
        usage=Usage(input_tokens, u.output_tokens),
        tool_calls=calls,
        finish_reason=FINISH.get(message.stop_reason or "", "other"),
        request_id=getattr(message, "_request_id", None),
        served_model=message.model,
    )


def to_error(exc: Exception, secret: str | None, seen: Seen | None = None) -> ProviderError:
    """The one mapping of an anthropic SDK exception (or a body that would not parse) to a ProviderError."""
    if isinstance(exc, anthropic.APIStatusError):
        return status_error("anthropic", exc.status_code, exc.body, exc.response.headers, secret, exc.request_id)
    if isinstance(exc, anthropic.APIResponseValidationError):
        rid = exc.response.headers.get("request-id")
        message = "anthropic response did not match the Messages schema"
        return ProviderError(FailureClass.invalid_response, message, status=exc.status_code, request_id=rid)
    seen = seen or Seen()
    return transport_error("anthropic", exc, secret, seen.request_id, seen.status)
