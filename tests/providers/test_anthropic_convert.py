"""Anthropic translation, tested with the SDK's own types built by hand."""

from __future__ import annotations

import base64

import anthropic
import httpx2
import pytest
from anthropic.types import Message, TextBlock, ToolUseBlock, Usage

from harness.errors import FailureClass, ProviderError
from harness.providers.anthropic_convert import to_completion, to_error, to_params
from harness.providers.http_convert import Seen
from harness.types import Image, Request, RequestOptions
from harness.types import Message as Msg

TOOL = {"name": "get_weather", "description": "Weather for a city.",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}  # fmt: skip


def request(**options: object) -> Request:
    msgs = (Msg("system", "Be brief."), Msg("system", "Use XML."), Msg("user", "Hi"), Msg("assistant", "Hello"),
            Msg("user", "Weather in Paris?"))  # fmt: skip
    return Request("claude", "claude-x", msgs, RequestOptions(**options), "h")  # type: ignore[arg-type]


def test_params_place_system_on_top_and_keep_turns_in_order() -> None:
    p = to_params(request(max_tokens=300, stop=("</a>",)))
    assert p["system"] == "Be brief.\n\nUse XML."
    assert [m["role"] for m in p["messages"]] == ["user", "assistant", "user"]
    assert (p["model"], p["max_tokens"], p["stop_sequences"]) == ("claude-x", 300, ["</a>"])


def test_params_leave_out_what_api_2026_10_21_rejects() -> None:
    p = to_params(request(temperature=0.0, seed=7, json_mode=True))
    assert not {"temperature", "top_p", "top_k", "seed", "output_config"} & set(p)


def test_tools_and_tool_choice() -> None:
    p = to_params(request(tools=(TOOL,), tool_choice="get_weather"))
    assert p["tools"] == [{"name": "get_weather", "description": "Weather for a city.",
                           "input_schema": TOOL["parameters"]}]  # fmt: skip
    assert p["tool_choice"] == {"type": "tool", "name": "get_weather"}
    assert to_params(request(tools=(TOOL,), tool_choice="required"))["tool_choice"] == {"type": "any"}
    assert "tool_choice" not in to_params(request(tool_choice="auto"))  # no tools, no choice


def message(**kw: object) -> bytes:
    """The JSON body the API sends, built from the SDK's own types."""
    base: dict[str, object] = {
        "id": "msg_1", "type": "message", "role": "assistant", "model": "claude-x-20261001",
        "content": [TextBlock(type="text", text="Sunny")], "stop_reason": "end_turn",
        "usage": Usage(input_tokens=20, output_tokens=5, cache_read_input_tokens=100),
    }  # fmt: skip
    return Message(**{**base, **kw}).model_dump_json().encode()


def test_a_body_of_another_shape_is_an_invalid_response_with_its_status_and_request_id() -> None:
    for body in (b'{"content": [{"type": "text"}]}', b'{"content": [', b"[1]", b'{"content": [{"type": "tool_use"}]}'):
        with pytest.raises(ProviderError) as info:
            to_completion(body, "req_1", 200)
        err = info.value
        assert (err.failure_class, err.status, err.request_id) == (FailureClass.invalid_response, 200, "req_1")
        assert err.message.startswith("anthropic Messages response did not match its schema ("), err.message


def test_completion_from_text() -> None:
    c = to_completion(message())
    assert (c.text, c.finish_reason, c.served_model) == ("Sunny", "stop", "claude-x-20261001")
    assert (c.usage.input_tokens, c.usage.output_tokens) == (120, 5)  # cache reads are input tokens too


def test_completion_from_tool_use() -> None:
    blocks = [TextBlock(type="text", text="Let me check. "),
              ToolUseBlock(type="tool_use", id="toolu_1", name="get_weather", input={"city": "Paris"})]  # fmt: skip
    c = to_completion(message(content=blocks, stop_reason="tool_use"))
    assert c.finish_reason == "tool_calls"
    assert [(t.name, t.arguments) for t in c.tool_calls] == [("get_weather", {"city": "Paris"})]


def test_semantic_stops_are_reported_not_raised() -> None:
    assert to_completion(message(stop_reason="max_tokens")).finish_reason == "length"
    assert to_completion(message(stop_reason="refusal")).finish_reason == "refusal"
    empty = to_completion(message(content=[]))
    assert (empty.text, empty.tool_calls, empty.finish_reason) == ("", (), "stop")


def status(cls: type[anthropic.APIStatusError], code: int, body: object, **headers: str) -> anthropic.APIStatusError:
    req = httpx2.Request("POST", "https://api.anthropic.com/v1/messages")
    resp = httpx2.Response(code, headers={"request-id": "req_011", **headers}, request=req)
    return cls(f"Error code: {code}", response=resp, body=body)


def test_errors_map_once_with_status_retry_after_and_request_id() -> None:
    err = to_error(status(anthropic.RateLimitError, 429, {"type": "error", "error": {"type": "rate_limit_error",
                   "message": "slow down"}}, **{"retry-after": "2"}), None)  # fmt: skip
    assert (err.failure_class, err.status, err.retry_after, err.request_id) == (
        FailureClass.rate_limited,
        429,
        2.0,
        "req_011",
    )
    assert err.message == "anthropic HTTP 429: rate_limit_error slow down"
    overloaded = status(anthropic.OverloadedError, 529, {"error": {"type": "overloaded_error", "message": "busy"}})
    assert to_error(overloaded, None).failure_class == FailureClass.overloaded
    auth = status(anthropic.AuthenticationError, 401, {"error": {"type": "authentication_error", "message": "x"}})
    assert to_error(auth, None).failure_class == FailureClass.auth_error
    long = status(anthropic.BadRequestError, 400, {"error": {"type": "invalid_request_error",
                  "message": "prompt is too long: 250000 tokens > 200000 maximum"}})  # fmt: skip
    assert to_error(long, None).failure_class == FailureClass.context_overflow


def test_transport_errors_keep_what_the_response_hook_saw() -> None:
    req = httpx2.Request("POST", "https://api.anthropic.com/v1/messages")
    err = to_error(anthropic.APITimeoutError(req), None, Seen(None, None))
    assert err.failure_class == FailureClass.timeout
    err = to_error(ValueError("Unterminated string"), None, Seen(200, "req_77"))
    assert (err.failure_class, err.status, err.request_id) == (FailureClass.invalid_response, 200, "req_77")


def test_images_become_base64_image_blocks_before_the_text() -> None:
    image = Image("image/png", b"\x89PNG-bytes", "sha", "images/a.png")
    req = Request("claude", "claude-x", (Msg("user", "Read the chart.", (image,)),), RequestOptions(), "h")
    (message,) = to_params(req)["messages"]
    assert message["content"] == [
        {"type": "image", "source": {"type": "base64", "media_type": "image/png",
                                     "data": base64.b64encode(b"\x89PNG-bytes").decode()}},
        {"type": "text", "text": "Read the chart."},
    ]  # fmt: skip
    assert to_params(request())["messages"][0]["content"] == "Hi"  # no images: plain text as before
