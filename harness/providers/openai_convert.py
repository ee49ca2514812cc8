"""OpenAI Chat Completions ⇄ harness records, as pure functions: request params out, the JSON body back.

Also serves OpenAI-compatible servers (vLLM, Ollama, llama.cpp, LM Studio, LiteLLM, Portkey): for those the
output budget goes out as the widely supported `max_tokens`; OpenAI itself (and Azure) gets
`max_completion_tokens`. A message with images becomes content parts: each image as an `image_url` data URL, then
the text.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import openai
import orjson

from harness.errors import ProviderError
from harness.providers.http_convert import Secrets, Seen, body_error, status_error, transport_error
from harness.types import Completion, Message, Request, ToolCall, Usage

FINISH = {
    "stop": "stop",
    "length": "length",
    "tool_calls": "tool_calls",
    "function_call": "tool_calls",
    "content_filter": "content_filter",
}


def tool_choice(choice: str) -> str | dict[str, Any]:
    """`auto` | `none` | `required`/`any` | a tool's name."""
    if choice in ("auto", "none", "required"):
        return choice
    if choice == "any":
        return "required"
    return {"type": "function", "function": {"name": choice}}


def tool_param(tool: dict[str, Any]) -> dict[str, Any]:
    fn: dict[str, Any] = {"name": tool["name"], "parameters": tool.get("parameters") or {"type": "object"}}
    if tool.get("description"):
        fn["description"] = tool["description"]
    return {"type": "function", "function": fn}


def content(m: Message) -> str | list[dict[str, Any]]:
    """A message's content: plain text, or image parts (data URLs) followed by the text."""
    if not m.images:
        return m.content
    parts: list[dict[str, Any]] = [
        {"type": "image_url",
         "image_url": {"url": f"data:{image.media_type};base64,{base64.b64encode(image.data).decode('ascii')}"}}
        for image in m.images
    ]  # fmt: skip
    return [*parts, {"type": "text", "text": m.content}] if m.content else parts


def to_params(request: Request, compatible: bool = False) -> dict[str, Any]:
    """Keyword arguments for `client.chat.completions.create`."""
    o = request.options
    params: dict[str, Any] = {
        "model": request.model,
        "messages": [{"role": m.role, "content": content(m)} for m in request.messages],
        ("max_tokens" if compatible else "max_completion_tokens"): o.max_tokens,
    }
    if o.temperature is not None:
        params["temperature"] = o.temperature
    if o.stop:
        params["stop"] = list(o.stop)
    if o.seed is not None:
        params["seed"] = o.seed
    if o.json_mode:
        params["response_format"] = {"type": "json_object"}
    if o.tools:
        params["tools"] = [tool_param(t) for t in o.tools]
        if o.tool_choice:
            params["tool_choice"] = tool_choice(o.tool_choice)
    return params


def parse_arguments(raw: str) -> dict[str, Any]:
    """A tool call's JSON arguments; text that is not a JSON object is kept under `_unparsed` for the graders."""
    try:
        value = json.loads(raw) if raw.strip() else {}
    except json.JSONDecodeError:
        return {"_unparsed": raw}
    return value if isinstance(value, dict) else {"_unparsed": raw}


def loads(data: bytes | str) -> Any:
    """JSON as `json.loads` reads it, by orjson when it can (a fifth of the time); what orjson refuses and json
    takes (a lone surrogate escape, NaN) goes through json. An integer beyond 64 bits comes back a float: no field
    read from a chat completion is one (tool arguments are a JSON string, read by `parse_arguments`)."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return json.loads(data)


def to_completion(body: bytes | dict[str, Any], request_id: str | None = None, status: int | None = 200) -> Completion:
    """A chat completion's JSON body (or a stream's chunks folded into one, see `stream_convert`); a body of another
    shape is an `invalid_response`, not a crash."""
    try:
        data = loads(body) if isinstance(body, bytes) else body
        usage = data.get("usage") or {}
        tokens = Usage(usage.get("prompt_tokens") or 0, usage.get("completion_tokens") or 0)
        model, choices = data.get("model"), data.get("choices") or []
        if not choices:
            return Completion("", tokens, finish_reason="other", request_id=request_id, served_model=model)
        choice = choices[0]
        msg = choice["message"]
        calls = tuple(
            ToolCall(c["function"]["name"], parse_arguments(c["function"].get("arguments") or ""))
            for c in msg.get("tool_calls") or []
            if c.get("type", "function") == "function"
        )
        text = msg.get("content") or ""
        finish = "refusal" if msg.get("refusal") and not text else FINISH.get(choice.get("finish_reason"), "other")
    except (ValueError, TypeError, KeyError, AttributeError) as e:
        raise body_error("openai chat completion", e, status, request_id) from None
    return Completion(text, tokens, calls, finish, request_id=request_id, served_model=model)


def to_error(exc: Exception, secret: Secrets, seen: Seen | None = None) -> ProviderError:
    """The one mapping of an openai SDK exception (or a body that would not parse) to a ProviderError."""
    if isinstance(exc, openai.APIStatusError):
        return status_error("openai", exc.status_code, exc.body, exc.response.headers, secret, exc.request_id)
    seen = seen or Seen()
    return transport_error("openai", exc, secret, seen.request_id, seen.status)
