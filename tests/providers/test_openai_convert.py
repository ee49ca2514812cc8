"""OpenAI translation, tested with the SDK's own types built by hand."""

from __future__ import annotations

import base64
import json

import httpx2
import openai
import pytest
from openai.types import CompletionUsage
from openai.types.chat import ChatCompletion, ChatCompletionMessage, ChatCompletionMessageFunctionToolCall
from openai.types.chat.chat_completion import Choice
from openai.types.chat.chat_completion_message_function_tool_call import Function

from harness.errors import FailureClass, ProviderError
from harness.providers.openai_convert import loads, parse_arguments, to_completion, to_error, to_params
from harness.types import Image, Request, RequestOptions
from harness.types import Message as Msg

TOOL = {"name": "get_weather", "description": "Weather for a city.",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}  # fmt: skip


def request(**options: object) -> Request:
    msgs = (Msg("system", "Be brief."), Msg("user", "Weather in Paris?"))
    return Request("gpt", "gpt-x", msgs, RequestOptions(**options), "h")  # type: ignore[arg-type]


def test_params_carry_every_eval_option() -> None:
    p = to_params(request(temperature=0.0, max_tokens=200, stop=("END",), seed=7, json_mode=True))
    assert p["messages"][0] == {"role": "system", "content": "Be brief."}
    assert (p["temperature"], p["max_completion_tokens"], p["stop"], p["seed"]) == (0.0, 200, ["END"], 7)
    assert p["response_format"] == {"type": "json_object"}
    assert "max_tokens" not in p


def test_compatible_servers_get_max_tokens() -> None:
    p = to_params(request(max_tokens=64, temperature=None), compatible=True)
    assert p["max_tokens"] == 64 and "max_completion_tokens" not in p and "temperature" not in p


def test_tools_and_tool_choice() -> None:
    p = to_params(request(tools=(TOOL,), tool_choice="get_weather"))
    assert p["tools"] == [{"type": "function", "function": {"name": "get_weather", "description": "Weather for a city.",
                           "parameters": TOOL["parameters"]}}]  # fmt: skip
    assert p["tool_choice"] == {"type": "function", "function": {"name": "get_weather"}}
    assert to_params(request(tools=(TOOL,), tool_choice="any"))["tool_choice"] == "required"


def completion(message: ChatCompletionMessage, finish: str = "stop") -> bytes:
    """The JSON body the API sends, built from the SDK's own types."""
    return ChatCompletion(
        id="chatcmpl-1", object="chat.completion", created=0, model="gpt-x-2026-08-06",
        choices=[Choice(index=0, message=message, finish_reason=finish)],  # type: ignore[arg-type]
        usage=CompletionUsage(prompt_tokens=30, completion_tokens=7, total_tokens=37),
    ).model_dump_json().encode()  # fmt: skip


def test_completion_from_text_and_from_tool_calls() -> None:
    c = to_completion(completion(ChatCompletionMessage(role="assistant", content="Sunny")))
    assert (c.text, c.finish_reason, c.served_model, c.usage.input_tokens, c.usage.output_tokens) == (
        "Sunny", "stop", "gpt-x-2026-08-06", 30, 7)  # fmt: skip
    call = ChatCompletionMessageFunctionToolCall(
        id="call_1", type="function", function=Function(name="get_weather", arguments='{"city": "Paris"}')
    )
    c = to_completion(completion(ChatCompletionMessage(role="assistant", tool_calls=[call]), "tool_calls"))
    assert (c.text, c.finish_reason) == ("", "tool_calls")
    assert [(t.name, t.arguments) for t in c.tool_calls] == [("get_weather", {"city": "Paris"})]


def test_semantic_stops_are_reported_not_raised() -> None:
    assert to_completion(
        completion(ChatCompletionMessage(role="assistant", content="Sun"), "length")
    ).finish_reason == ("length")
    filtered = to_completion(completion(ChatCompletionMessage(role="assistant"), "content_filter"))
    assert (filtered.text, filtered.finish_reason) == ("", "content_filter")
    refused = to_completion(completion(ChatCompletionMessage(role="assistant", refusal="I can't help with that.")))
    assert refused.finish_reason == "refusal"


def test_a_body_of_another_shape_is_an_invalid_response_with_its_status_and_request_id() -> None:
    for body in (
        b'{"choices": [{"message": null}]}',
        b'{"choices": [',
        b"[1]",
        b'{"choices": [{"message": {"tool_calls": [{}]}}]}',
    ):
        with pytest.raises(ProviderError) as info:
            to_completion(body, "req_1", 200)
        err = info.value
        assert (err.failure_class, err.status, err.request_id) == (FailureClass.invalid_response, 200, "req_1")
        assert err.message.startswith("openai chat completion response did not match its schema ("), err.message
    empty = to_completion(b'{"model": "m", "choices": []}')
    assert (empty.text, empty.finish_reason, empty.served_model) == ("", "other", "m")


def test_tool_arguments_that_are_not_json_are_kept_for_the_graders() -> None:
    assert parse_arguments('{"a": 1}') == {"a": 1}
    assert parse_arguments("") == {}
    assert parse_arguments('{"a": ') == {"_unparsed": '{"a": '}
    assert parse_arguments("[1, 2]") == {"_unparsed": "[1, 2]"}


def status(cls: type[openai.APIStatusError], code: int, body: object, **headers: str) -> openai.APIStatusError:
    req = httpx2.Request("POST", "https://api.openai.com/v1/chat/completions")
    resp = httpx2.Response(code, headers={"x-request-id": "req_abc", **headers}, request=req)
    return cls(f"Error code: {code}", response=resp, body=body)


def test_errors_map_once() -> None:
    quota = status(openai.RateLimitError, 429, {"message": "You exceeded your current quota",
                   "type": "insufficient_quota", "code": "insufficient_quota"})  # fmt: skip
    err = to_error(quota, None)
    assert (err.failure_class, err.status, err.request_id) == (FailureClass.quota_exhausted, 429, "req_abc")
    limited = to_error(status(openai.RateLimitError, 429, {"message": "slow", "type": "requests"},
                              **{"retry-after-ms": "250"}), None)  # fmt: skip
    assert (limited.failure_class, limited.retry_after) == (FailureClass.rate_limited, 0.25)
    ctx = status(openai.BadRequestError, 400, {"message": "too long", "code": "context_length_exceeded"})
    assert to_error(ctx, None).failure_class == FailureClass.context_overflow
    assert to_error(status(openai.InternalServerError, 502, None), None).failure_class == FailureClass.server_error
    req = httpx2.Request("POST", "https://api.openai.com/v1/chat/completions")
    assert to_error(openai.APIConnectionError(request=req), None).failure_class == FailureClass.connection_error


def test_images_become_data_url_parts_before_the_text() -> None:
    image = Image("image/jpeg", b"\xff\xd8\xff-bytes", "sha", "images/a.jpg")
    req = Request("gpt", "gpt-x", (Msg("user", "Read the receipt.", (image,)),), RequestOptions(), "h")
    (message,) = to_params(req)["messages"]
    url = "data:image/jpeg;base64," + base64.b64encode(b"\xff\xd8\xff-bytes").decode()
    assert message["content"] == [{"type": "image_url", "image_url": {"url": url}},
                                  {"type": "text", "text": "Read the receipt."}]  # fmt: skip


def test_bodies_read_as_json_reads_them_even_where_orjson_refuses() -> None:
    lone = b'{"choices": [{"message": {"content": "a\\ud800b"}, "finish_reason": "stop"}], "x": NaN}'
    c = to_completion(lone, "r", 200)
    assert (c.text, c.finish_reason) == ("a\ud800b", "stop")
    assert loads(b'{"a": [1, 2.5, "\\u00e9"]}') == json.loads(b'{"a": [1, 2.5, "\\u00e9"]}')
