"""Gemini generateContent ⇄ harness records, as pure functions over google-genai's own types.

Placement: system messages become `system_instruction`; assistant turns are role `model`. JSON mode is
`response_mime_type: application/json`. Output tokens include thinking tokens (`thoughts_token_count`), which
are billed as output. A message with images becomes parts: each image as `inline_data` (bytes, sent base64),
then the text. Vertex AI takes the same request. A deployment's `tools: [google_search]` adds the Google Search
grounding tool; the answer's `grounding_metadata` (queries, web sources, supported segments) becomes `Grounding`.
"""

from __future__ import annotations

from typing import Any

from google.genai import errors as genai_errors
from google.genai import types as gt

from harness.errors import ProviderError
from harness.providers.http_convert import Secrets, Seen, status_error, transport_error
from harness.types import Completion, Grounding, Message, Request, Source, Support, ToolCall, Usage

_FILTERED = {
    "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY",
    "IMAGE_PROHIBITED_CONTENT", "MODEL_ARMOR", "LANGUAGE",
}  # fmt: skip


def finish_reason(reason: str | None, has_calls: bool) -> str:
    if reason in (None, "STOP", "FINISH_REASON_UNSPECIFIED"):
        return "tool_calls" if has_calls else "stop"
    if reason == "MAX_TOKENS":
        return "length"
    if reason in _FILTERED:
        return "content_filter"
    return "other"


def tool_config(choice: str) -> gt.ToolConfig:
    """`auto` | `none` | `required`/`any` | a tool's name."""
    modes = {"auto": gt.FunctionCallingConfigMode.AUTO, "none": gt.FunctionCallingConfigMode.NONE}
    mode = modes.get(choice, gt.FunctionCallingConfigMode.ANY)
    named = choice not in ("auto", "none", "any", "required")
    return gt.ToolConfig(
        function_calling_config=gt.FunctionCallingConfig(mode=mode, allowed_function_names=[choice] if named else None)
    )


def parts(m: Message) -> list[gt.Part]:
    images = [gt.Part(inline_data=gt.Blob(mime_type=image.media_type, data=image.data)) for image in m.images]
    return [*images, gt.Part(text=m.content)] if m.content or not images else images


def to_contents(request: Request) -> list[gt.Content]:
    return [
        gt.Content(role="model" if m.role == "assistant" else "user", parts=parts(m))
        for m in request.messages
        if m.role != "system"
    ]


def to_config(request: Request) -> gt.GenerateContentConfig:
    o = request.options
    system = "\n\n".join(m.content for m in request.messages if m.role == "system")
    tools = None
    if o.tools:
        decls = [
            gt.FunctionDeclaration(
                name=t["name"], description=t.get("description"), parameters_json_schema=t.get("parameters")
            )
            for t in o.tools
        ]
        tools = [gt.Tool(function_declarations=decls)]
    if "google_search" in o.builtin_tools:
        tools = [*(tools or []), gt.Tool(google_search=gt.GoogleSearch())]
    return gt.GenerateContentConfig(
        system_instruction=system or None,
        temperature=o.temperature,
        max_output_tokens=o.max_tokens,
        stop_sequences=list(o.stop) or None,
        seed=o.seed,
        response_mime_type="application/json" if o.json_mode else None,
        tools=tools,
        tool_config=tool_config(o.tool_choice) if o.tools and o.tool_choice else None,
        automatic_function_calling=gt.AutomaticFunctionCallingConfig(disable=True) if o.tools else None,
    )


def to_params(request: Request) -> dict[str, Any]:
    """Keyword arguments for `client.aio.models.generate_content`."""
    return {"model": request.model, "contents": to_contents(request), "config": to_config(request)}


def to_completion(response: gt.GenerateContentResponse, request_id: str | None = None) -> Completion:
    cand = response.candidates[0] if response.candidates else None
    parts = (cand.content.parts if cand and cand.content else None) or []
    text = "".join(p.text for p in parts if p.text and not p.thought)
    calls = tuple(ToolCall(c.name or "", dict(c.args or {})) for c in (p.function_call for p in parts) if c)
    um = response.usage_metadata
    usage = (
        Usage(um.prompt_token_count or 0, (um.candidates_token_count or 0) + (um.thoughts_token_count or 0))
        if um
        else Usage()
    )
    if cand is None:
        blocked = response.prompt_feedback is not None and response.prompt_feedback.block_reason is not None
        finish = "content_filter" if blocked else "other"
    else:
        reason = cand.finish_reason.value if cand.finish_reason is not None else None
        finish = finish_reason(reason, bool(calls))
    headers = response.sdk_http_response.headers if response.sdk_http_response else None
    rid = response.response_id or (headers or {}).get("x-request-id") or request_id
    grounding = to_grounding(cand.grounding_metadata) if cand else None
    return Completion(text, usage, calls, finish, request_id=rid, served_model=response.model_version,
                      grounding=grounding)  # fmt: skip


def to_grounding(meta: gt.GroundingMetadata | None) -> Grounding | None:
    """Search grounding's metadata: the queries run, the web sources (chunks without a web page keep their index with
    an empty uri, so support indices still point at the right source), the supported segments."""
    if meta is None:
        return None
    sources = tuple(
        Source(c.web.uri or "", c.web.title or "", c.web.domain or "") if c.web else Source("")
        for c in meta.grounding_chunks or []
    )
    supports = tuple(
        Support(s.segment.text or "" if s.segment else "", tuple(s.grounding_chunk_indices or ()),
                s.segment.start_index if s.segment else None, s.segment.end_index if s.segment else None,
                tuple(s.confidence_scores or ()))
        for s in meta.grounding_supports or []
    )  # fmt: skip
    queries = tuple(meta.web_search_queries or ())
    if not (queries or sources or supports):
        return None
    return Grounding(queries, sources, supports)


def to_error(exc: Exception, secret: Secrets, seen: Seen | None = None) -> ProviderError:
    """The one mapping of a google-genai exception (or a transport error, or a body that would not parse)."""
    if isinstance(exc, genai_errors.APIError):
        headers = getattr(exc.response, "headers", None) or {}
        rid = seen.request_id if seen else None
        return status_error("google", int(exc.code or 500), exc.details, headers, secret, rid)
    seen = seen or Seen()
    return transport_error("google", exc, secret, seen.request_id, seen.status)
