"""Gemini translation, tested with google-genai's own types built by hand."""

from __future__ import annotations

import httpx2
from google.genai import errors as genai_errors
from google.genai import types as gt

from harness.errors import FailureClass
from harness.providers.google_convert import finish_reason, to_completion, to_config, to_contents, to_error
from harness.providers.http_convert import Seen
from harness.types import Image, Request, RequestOptions
from harness.types import Message as Msg

TOOL = {"name": "get_weather", "description": "Weather for a city.",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}  # fmt: skip


def request(**options: object) -> Request:
    msgs = (Msg("system", "Answer in JSON."), Msg("user", "Hi"), Msg("assistant", "Hello"), Msg("user", "Paris?"))
    return Request("gemini", "gemini-x", msgs, RequestOptions(**options), "h")  # type: ignore[arg-type]


def test_contents_and_config() -> None:
    contents = to_contents(request())
    assert [(c.role, c.parts[0].text) for c in contents if c.parts] == [
        ("user", "Hi"), ("model", "Hello"), ("user", "Paris?")]  # fmt: skip
    cfg = to_config(request(temperature=0.2, max_tokens=99, stop=("END",), seed=3, json_mode=True))
    assert cfg.system_instruction == "Answer in JSON."
    assert (cfg.temperature, cfg.max_output_tokens, cfg.stop_sequences, cfg.seed) == (0.2, 99, ["END"], 3)
    assert cfg.response_mime_type == "application/json"
    assert cfg.tools is None and cfg.tool_config is None


def test_tools_and_tool_choice() -> None:
    cfg = to_config(request(tools=(TOOL,), tool_choice="get_weather"))
    assert cfg.tools is not None
    decl = cfg.tools[0].function_declarations[0]  # type: ignore[union-attr,index]
    assert (decl.name, decl.parameters_json_schema) == ("get_weather", TOOL["parameters"])
    fcc = cfg.tool_config.function_calling_config  # type: ignore[union-attr]
    assert fcc is not None
    assert (fcc.mode, fcc.allowed_function_names) == (gt.FunctionCallingConfigMode.ANY, ["get_weather"])
    assert cfg.automatic_function_calling is not None and cfg.automatic_function_calling.disable


def response(parts: list[gt.Part], reason: gt.FinishReason = gt.FinishReason.STOP) -> gt.GenerateContentResponse:
    return gt.GenerateContentResponse(
        candidates=[gt.Candidate(content=gt.Content(role="model", parts=parts), finish_reason=reason)],
        usage_metadata=gt.GenerateContentResponseUsageMetadata(
            prompt_token_count=12, candidates_token_count=4, thoughts_token_count=30),
        model_version="gemini-x-002", response_id="resp-1",
    )  # fmt: skip


def test_completion_counts_thinking_as_output_and_skips_thought_text() -> None:
    c = to_completion(response([gt.Part(text="hmm", thought=True), gt.Part(text="Sunny")]))
    assert (c.text, c.finish_reason, c.served_model, c.request_id) == ("Sunny", "stop", "gemini-x-002", "resp-1")
    assert (c.usage.input_tokens, c.usage.output_tokens) == (12, 34)


def test_completion_from_function_call() -> None:
    call = gt.Part(function_call=gt.FunctionCall(name="get_weather", args={"city": "Paris"}))
    c = to_completion(response([call]))
    assert c.finish_reason == "tool_calls"
    assert [(t.name, t.arguments) for t in c.tool_calls] == [("get_weather", {"city": "Paris"})]


def test_semantic_stops_are_reported_not_raised() -> None:
    assert to_completion(response([gt.Part(text="Sun")], gt.FinishReason.MAX_TOKENS)).finish_reason == "length"
    assert to_completion(response([], gt.FinishReason.SAFETY)).finish_reason == "content_filter"
    blocked = gt.GenerateContentResponse(
        prompt_feedback=gt.GenerateContentResponsePromptFeedback(block_reason=gt.BlockedReason.SAFETY)
    )
    assert to_completion(blocked).finish_reason == "content_filter"
    assert finish_reason("MALFORMED_FUNCTION_CALL", False) == "other"


def api_error(code: int, status: str, message: str, **headers: str) -> genai_errors.APIError:
    req = httpx2.Request("POST", "https://generativelanguage.googleapis.com/v1beta/models/g:generateContent")
    resp = httpx2.Response(code, headers=headers, request=req)
    body = {"error": {"code": code, "message": message, "status": status}}
    cls = genai_errors.ClientError if code < 500 else genai_errors.ServerError
    return cls(code, body, resp)


def test_errors_map_once() -> None:
    err = to_error(api_error(429, "RESOURCE_EXHAUSTED", "Quota exceeded", **{"retry-after": "4"}), None,
                   Seen(429, "g-req-1"))  # fmt: skip
    assert (err.failure_class, err.status, err.retry_after, err.request_id) == (
        FailureClass.rate_limited, 429, 4.0, "g-req-1")  # fmt: skip
    assert to_error(api_error(503, "UNAVAILABLE", "overloaded"), None).failure_class == FailureClass.overloaded
    bad_key = api_error(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.")
    assert to_error(bad_key, None).failure_class == FailureClass.auth_error
    req = httpx2.Request("POST", "http://127.0.0.1/v1beta/models/g:generateContent")
    assert to_error(httpx2.ReadTimeout("", request=req), None).failure_class == FailureClass.timeout
    assert to_error(httpx2.ConnectError("refused", request=req), None).failure_class == FailureClass.connection_error


def test_images_become_inline_data_parts_before_the_text() -> None:
    image = Image("image/png", b"\x89PNG-bytes", "sha", "images/a.png")
    req = Request("gemini", "gemini-x", (Msg("user", "Read the chart.", (image,)),), RequestOptions(), "h")
    (content,) = to_contents(req)
    blob, text = content.parts or []
    assert (blob.inline_data.mime_type, blob.inline_data.data, text.text) == (  # type: ignore[union-attr]
        "image/png", b"\x89PNG-bytes", "Read the chart.")  # fmt: skip
