"""The vendors' wire formats as fakeprov speaks them: routes, request parsing (text, tools, images), answer and
error bodies. Pure functions over JSON; the HTTP server is in `server.py`, authentication in `cloud.py`.

```
POST /<lane>/v1/chat/completions                                       OpenAI Chat Completions
POST /<lane>/openai/deployments/<name>/chat/completions?api-version=V  Azure OpenAI (the same body)
POST /<lane>/v1/messages                                               Anthropic Messages
POST /<lane>/model/<model-id>/invoke                                   Anthropic on Bedrock (SigV4 or bearer)
POST /<lane>/v1/projects/<p>/locations/<r>/publishers/anthropic/models/<m>:rawPredict   Anthropic on Vertex
POST /<lane>/v1[beta]/models/<model>:generateContent                   Gemini API
POST /<lane>/v1[beta1]/projects/<p>/locations/<r>/publishers/google/models/<m>:generateContent   Gemini on Vertex
```
Streamed: OpenAI and Anthropic with `"stream": true` in the body, Bedrock's `invoke-with-response-stream`, Vertex's
`:streamRawPredict` (Anthropic) and `:streamGenerateContent` (Gemini, both clients): see `stream.py`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import unquote

Api = Literal["openai", "anthropic", "google"]
Infra = Literal["direct", "bedrock", "vertex", "azure"]
Body = Literal["truncated", "empty", "drop", "length"]


@dataclass(frozen=True)
class Fault:
    """What to do to one request instead of (or before) answering it normally."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    """Seconds to wait before answering (a slow response)."""
    body: Body | None = None
    """truncated: 200 with the JSON cut mid-object; empty: no content; drop: close the connection without an
    answer; length: stopped by max tokens."""
    code: str | None = None
    """Vendor error code/type in the error body (e.g. `insufficient_quota`)."""
    message: str = "injected fault"
    details: list[dict[str, Any]] | None = None
    """Gemini: the error's `details` (QuotaFailure, RetryInfo)."""
    ttft: float = 0.0
    """Streamed answers: seconds between the response headers and the first chunk."""
    mid_stream: int | None = None
    """Streamed answers: after the first content chunk, end with an error event of this HTTP status's kind."""
    stall: bool = False
    """Streamed answers: after the first content chunk, send nothing more (until the client hangs up)."""
    split: int | None = None
    """Streamed answers: write the stream in pieces of this many bytes (cutting UTF-8 characters and JSON)."""


@dataclass(frozen=True)
class Prompt:
    lane: str
    api: Api
    model: str
    system: str
    user: str
    tools: tuple[str, ...]
    max_tokens: int | None
    images: tuple[tuple[str, bytes], ...] = ()
    """(media type, decoded bytes) of every image part of the user turns, in order."""
    search: bool = False
    """Gemini: the request carried the Google Search grounding tool."""


@dataclass(frozen=True)
class Reply:
    text: str = ""
    calls: tuple[tuple[str, dict[str, Any]], ...] = ()
    grounding: dict[str, Any] | None = field(default=None, compare=False)
    """Gemini: the candidate's `groundingMetadata` (REST shape: webSearchQueries, groundingChunks, ...)."""


@dataclass
class Hit:
    """One request as the server saw it."""

    lane: str
    api: Api
    cell: str
    n: int
    t: float
    status: int
    outcome: str
    """ok | http | truncated | empty | drop | length | slow | unauthenticated"""
    input_tokens: int = 0
    output_tokens: int = 0
    request_id: str = ""
    credential: str | None = None
    """The API key, bearer token, or AWS access key id (SigV4) the request carried."""
    body: dict[str, Any] = field(default_factory=dict, repr=False)
    """The request body as sent: what the SDK made of our parameters."""
    infra: Infra = "direct"
    auth: str = ""
    """How it authenticated: x-api-key | x-goog-api-key | api-key | bearer | sigv4 (verified) | none."""
    path: str = ""
    query: str = ""
    images: tuple[tuple[str, bytes], ...] = field(default=(), repr=False)
    streamed: bool = False
    """The answer went out as a stream (SSE or AWS event-stream frames)."""


@dataclass(frozen=True)
class Route:
    api: Api
    infra: Infra
    model: str | None = None
    project: str | None = None
    region: str | None = None
    stream: bool = False
    """The path asks for a streamed answer (Bedrock, Vertex, Gemini; OpenAI and Anthropic say it in the body)."""


_VERTEX = re.compile(r"^(v1|v1beta1)/projects/([^/]+)/locations/([^/]+)/publishers/(anthropic|google)/models/(.+)$")


def route(path: str) -> Route | None:
    """The API and infrastructure of a path below the lane (no query string)."""
    if path == "v1/chat/completions":
        return Route("openai", "direct")
    if path == "v1/messages":
        return Route("anthropic", "direct")
    if path.startswith("openai/deployments/") and path.endswith("/chat/completions"):
        return Route("openai", "azure", unquote(path.split("/")[2]))
    for end, streamed in (("/invoke", False), ("/invoke-with-response-stream", True)):
        if path.startswith("model/") and path.endswith(end):
            model = unquote(path.removeprefix("model/").removesuffix(end))
            return Route("anthropic", "bedrock", model, stream=streamed)
    m = _VERTEX.match(path)
    if m:
        version, project, region, publisher, rest = m.groups()
        model, _, method = rest.rpartition(":")
        if publisher == "anthropic" and version == "v1" and method in ("rawPredict", "streamRawPredict"):
            return Route("anthropic", "vertex", unquote(model), project, region, method == "streamRawPredict")
        if publisher == "google" and method in ("generateContent", "streamGenerateContent"):
            return Route("google", "vertex", unquote(model), project, region, method == "streamGenerateContent")
        return None
    version, _, tail = path.partition("/models/")
    model, _, method = tail.rpartition(":")
    if version in ("v1", "v1beta") and method in ("generateContent", "streamGenerateContent"):
        return Route("google", "direct", model, stream=method == "streamGenerateContent")
    return None


def cell_of(user_text: str) -> str:
    return hashlib.sha256(user_text.encode()).hexdigest()[:16]


def tokens(text: str) -> int:
    return max(1, len(text) // 4)


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
    return ""


def _b64(data: Any) -> bytes:
    try:
        return base64.b64decode(str(data), validate=True)
    except (binascii.Error, ValueError):
        return b"<not base64>"


def _images(api: Api, content: Any) -> list[tuple[str, bytes]]:
    """Image parts in each vendor's shape: OpenAI `image_url` data URLs, Anthropic base64 `image` blocks, Gemini
    `inlineData` (google-genai writes `mime_type`, the REST docs `mimeType`)."""
    out: list[tuple[str, bytes]] = []
    for part in content if isinstance(content, list) else []:
        if not isinstance(part, dict):
            continue
        if api == "openai" and part.get("type") == "image_url":
            head, _, data = str(part["image_url"]["url"]).partition(",")
            out.append((head.removeprefix("data:").removesuffix(";base64"), _b64(data)))
        elif api == "anthropic" and part.get("type") == "image":
            source = part["source"]
            out.append((source["media_type"], _b64(source["data"])))
        elif api == "google" and ("inlineData" in part or "inline_data" in part):
            blob = part.get("inlineData") or part.get("inline_data")
            out.append((blob.get("mimeType") or blob.get("mime_type"), _b64(blob["data"])))
    return out


def parse_prompt(api: Api, lane: str, model: str, body: dict[str, Any]) -> Prompt:
    if api == "google":
        contents = [c for c in body.get("contents") or [] if c.get("role", "user") == "user"]
        user = "".join(_text(c.get("parts")) for c in contents)
        images = tuple(i for c in contents for i in _images(api, c.get("parts")))
        system = _text((body.get("systemInstruction") or {}).get("parts"))
        decls = [d for t in body.get("tools") or [] for d in t.get("functionDeclarations") or []]
        max_tokens = (body.get("generationConfig") or {}).get("maxOutputTokens")
        search = any("googleSearch" in t or "google_search" in t for t in body.get("tools") or [])
        return Prompt(lane, api, model, system, user, tuple(d["name"] for d in decls), max_tokens, images, search)
    msgs = body.get("messages") or []
    users = [m for m in msgs if m.get("role") == "user"]
    user = "".join(_text(m.get("content")) for m in users)
    images = tuple(i for m in users for i in _images(api, m.get("content")))
    if api == "anthropic":
        system = _text(body.get("system"))
        tools = tuple(t["name"] for t in body.get("tools") or [])
    else:
        system = "".join(_text(m.get("content")) for m in msgs if m.get("role") in ("system", "developer"))
        tools = tuple(t["function"]["name"] for t in body.get("tools") or [])
    max_tokens = body.get("max_tokens") or body.get("max_completion_tokens")
    return Prompt(lane, api, model, system, user, tools, max_tokens, images)


_GOOGLE_STATUS = {
    429: "RESOURCE_EXHAUSTED", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
    503: "UNAVAILABLE", 504: "DEADLINE_EXCEEDED",
}  # fmt: skip
_BEDROCK_TYPE = {
    429: "ThrottlingException", 403: "AccessDeniedException", 401: "UnrecognizedClientException",
    404: "ResourceNotFoundException", 503: "ServiceUnavailableException", 400: "ValidationException",
}  # fmt: skip


def error_body(api: Api, fault: Fault, infra: Infra = "direct") -> tuple[dict[str, Any], dict[str, str]]:
    """The error body, and the headers that go with it, in the vendor's (or the cloud's) shape."""
    if infra == "bedrock":  # AWS errors: a bare message, the type in a header
        kind = fault.code or _BEDROCK_TYPE.get(fault.status, "InternalServerException")
        return {"message": fault.message}, {"x-amzn-errortype": f"{kind}:http://internal.amazon.com/coral/"}
    if api == "anthropic":
        kind = fault.code or {429: "rate_limit_error", 529: "overloaded_error", 401: "authentication_error"}.get(
            fault.status, "api_error" if fault.status >= 500 else "invalid_request_error"
        )
        return {"type": "error", "error": {"type": kind, "message": fault.message}}, {}
    if api == "openai":
        code = fault.code or (str(fault.status) if infra == "azure" else None)
        return {"error": {"message": fault.message, "type": "error", "code": code, "param": None}}, {}
    status = fault.code or _GOOGLE_STATUS.get(fault.status, "INTERNAL" if fault.status >= 500 else "INVALID_ARGUMENT")
    error: dict[str, Any] = {"code": fault.status, "message": fault.message, "status": status}
    if fault.details:
        error["details"] = fault.details
    return {"error": error}, {}


def success_body(api: Api, p: Prompt, r: Reply, finish: str | None, hit: Hit) -> dict[str, Any]:
    served = f"{p.model}-served"
    if api == "openai":
        calls = [{"id": f"call_{i}", "type": "function", "function": {"name": n, "arguments": json.dumps(a)}}
                 for i, (n, a) in enumerate(r.calls)]  # fmt: skip
        message: dict[str, Any] = {"role": "assistant", "content": r.text or None}
        if calls:
            message["tool_calls"] = calls
        reason = finish or ("tool_calls" if calls else "stop")
        return {"id": hit.request_id, "object": "chat.completion", "created": 0, "model": served,
                "choices": [{"index": 0, "message": message, "finish_reason": reason, "logprobs": None}],
                "usage": {"prompt_tokens": hit.input_tokens, "completion_tokens": hit.output_tokens,
                          "total_tokens": hit.input_tokens + hit.output_tokens}}  # fmt: skip
    if api == "anthropic":
        blocks: list[dict[str, Any]] = [{"type": "text", "text": r.text}] if r.text else []
        blocks += [{"type": "tool_use", "id": f"toolu_{i}", "name": n, "input": a} for i, (n, a) in enumerate(r.calls)]
        reason = "max_tokens" if finish else ("tool_use" if r.calls else "end_turn")
        return {"id": f"msg_{hit.request_id}", "type": "message", "role": "assistant", "model": served,
                "content": blocks, "stop_reason": reason, "stop_sequence": None,
                "usage": {"input_tokens": hit.input_tokens, "output_tokens": hit.output_tokens}}  # fmt: skip
    parts: list[dict[str, Any]] = [{"text": r.text}] if r.text else []
    parts += [{"functionCall": {"name": n, "args": a}} for n, a in r.calls]
    candidate = {"content": {"role": "model", "parts": parts}, "finishReason": "MAX_TOKENS" if finish else "STOP",
                 "index": 0}  # fmt: skip
    if r.grounding is not None:
        candidate["groundingMetadata"] = r.grounding
    return {"candidates": [candidate], "modelVersion": served, "responseId": hit.request_id,
            "usageMetadata": {"promptTokenCount": hit.input_tokens, "candidatesTokenCount": hit.output_tokens,
                              "totalTokenCount": hit.input_tokens + hit.output_tokens}}  # fmt: skip


def request_id_header(api: Api, infra: Infra) -> str:
    if infra == "bedrock":
        return "x-amzn-requestid"
    return "request-id" if api == "anthropic" else "x-request-id"


#: The vendors' function-name rules as their request validators state them (OpenAI: Chat Completions; Anthropic:
#: Messages, also on Bedrock and Vertex; Gemini: FunctionDeclaration.name).
TOOL_NAME = {
    "openai": re.compile(r"^[a-zA-Z0-9_-]{1,64}$"),
    "anthropic": re.compile(r"^[a-zA-Z0-9_-]{1,128}$"),
    "google": re.compile(r"^[a-zA-Z_][a-zA-Z0-9_.:-]{0,63}$"),
}
_JSON_TYPES = {"object", "array", "string", "number", "integer", "boolean", "null"}


def _schema_problem(api: Api, schema: Any, at: str) -> str | None:
    """A parameters schema as the vendor's validator sees it: JSON Schema types only (Gemini's OpenAPI
    `parameters` spell them in capitals); OpenAI also wants `items` on every array."""
    if not isinstance(schema, dict):
        return f"{at}: not a schema"
    kind = schema.get("type")
    for t in kind if isinstance(kind, list) else [kind] if kind is not None else []:
        if not isinstance(t, str) or t.lower() not in _JSON_TYPES:
            return f"{at}.type: {t!r} is not valid under any of the given schemas"
    if api == "openai" and kind == "array" and "items" not in schema:
        return f"{at}: array schema missing items"
    subs = [(f"{at}.properties.{k}", v) for k, v in (schema.get("properties") or {}).items()]
    subs += [(f"{at}.{k}", schema[k]) for k in ("items", "additionalProperties") if isinstance(schema.get(k), dict)]
    if isinstance(schema.get("items"), list):
        return f"{at}.items: must be a schema, not a list"
    for sub_at, sub in subs:
        problem = _schema_problem(api, sub, sub_at)
        if problem:
            return problem
    return None


def tool_problem(api: Api, body: dict[str, Any]) -> str | None:
    """Why the vendor would refuse the request's tools with a 400 (None: it takes them)."""
    if api == "google":
        decls = [d for t in body.get("tools") or [] for d in t.get("functionDeclarations") or []]
        # google-genai writes `parameters_json_schema` (proto JSON takes both spellings)
        keys = ("parametersJsonSchema", "parameters_json_schema", "parameters")
        tools = [(d.get("name"), next((d[k] for k in keys if k in d), None), "functionDeclarations") for d in decls]
    elif api == "anthropic":
        tools = [(t.get("name"), t.get("input_schema"), "tools") for t in body.get("tools") or []]
    else:
        tools = [(t["function"].get("name"), t["function"].get("parameters"), "tools") for t in body.get("tools") or []]
    for i, (name, params, where) in enumerate(tools):
        if not isinstance(name, str) or not TOOL_NAME[api].match(name):
            return f"Invalid '{where}[{i}].name': {name!r} does not match pattern {TOOL_NAME[api].pattern}"
        if api == "anthropic" and (params or {}).get("type") != "object":
            return f"tools.{i}.custom.input_schema.type: Input should be 'object'"
        problem = _schema_problem(api, params or {}, f"{where}[{i}].parameters")
        if problem:
            return f"Invalid schema for function {name!r}: {problem}"
    return None
