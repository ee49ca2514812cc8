"""stream_convert: each vendor's stream events folded into the body its non-streaming call answers (pure, with the
vendors' own event shapes and google-genai's types built by hand), and mid-stream errors classified."""

from __future__ import annotations

import json

from google.genai import types as gt

from harness.errors import FailureClass
from harness.providers import anthropic_convert, google_convert, openai_convert
from harness.providers.stream_convert import AnthropicStream, GoogleStream, OpenAIStream, stream_error

F = FailureClass


def test_openai_pieces_refusal_and_usage_in_the_last_chunk() -> None:
    acc = OpenAIStream()
    chunks = [
        {"model": "gpt-x", "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}}]},
        {"choices": [{"index": 0, "delta": {"tool_calls": [{"index": 0, "id": "c0", "type": "function",
                                                             "function": {"name": "look", "arguments": ""}}]}}]},
        {"choices": [{"index": 0, "delta": {"tool_calls": [{"index": 0, "function": {"arguments": '{"q": "pa'}}]}}]},
        {"choices": [{"index": 1, "delta": {"content": "another choice, ignored"}}]},
        {"choices": [{"index": 0, "delta": {"tool_calls": [{"index": 0, "function": {"arguments": 'ris"}'}}]}}]},
        {"choices": [{"index": 0, "delta": {}, "finish_reason": "tool_calls"}]},
        {"choices": [], "usage": {"prompt_tokens": 7, "completion_tokens": 5}},
    ]  # fmt: skip
    carried = [acc.feed(c) for c in chunks]
    assert carried == [False, True, True, False, True, False, False] and acc.ended
    c = openai_convert.to_completion(acc.body())
    assert [(t.name, t.arguments) for t in c.tool_calls] == [("look", {"q": "paris"})]
    assert (c.usage.input_tokens, c.usage.output_tokens, c.finish_reason, c.served_model) == (
        7,
        5,
        "tool_calls",
        "gpt-x",
    )
    refusal = OpenAIStream()
    refusal.feed({"choices": [{"index": 0, "delta": {"refusal": "I can't"}, "finish_reason": "stop"}]})
    assert openai_convert.to_completion(refusal.body()).finish_reason == "refusal"


def test_anthropic_blocks_keep_their_order_and_usage_merges() -> None:
    acc = AnthropicStream()
    events = [
        {"type": "message_start", "message": {"model": "claude-x", "usage": {"input_tokens": 9, "output_tokens": 1}}},
        {"type": "content_block_start", "index": 0, "content_block": {"type": "thinking", "thinking": "hm"}},
        {"type": "content_block_start", "index": 1, "content_block": {"type": "text", "text": ""}},
        {"type": "content_block_delta", "index": 1, "delta": {"type": "text_delta", "text": "Hel"}},
        {"type": "content_block_delta", "index": 1, "delta": {"type": "text_delta", "text": "lo"}},
        {"type": "content_block_start", "index": 2,
         "content_block": {"type": "tool_use", "id": "t", "name": "look", "input": {}}},
        {"type": "content_block_delta", "index": 2, "delta": {"type": "input_json_delta", "partial_json": '{"q": '}},
        {"type": "content_block_delta", "index": 2, "delta": {"type": "input_json_delta", "partial_json": "[1, 2]}"}},
        {"type": "message_delta", "delta": {"stop_reason": "tool_use", "stop_sequence": None},
         "usage": {"output_tokens": 12}},
    ]  # fmt: skip
    for e in events:
        acc.feed(None, e)
    assert acc.partial == "Hello" and not acc.ended
    acc.feed("message_stop", {"type": "message_stop"})
    c = anthropic_convert.to_completion(acc.body())
    assert (c.text, [(t.name, t.arguments) for t in c.tool_calls]) == ("Hello", [("look", {"q": [1, 2]})])
    assert (c.usage.input_tokens, c.usage.output_tokens, c.finish_reason) == (9, 12, "tool_calls")


def test_google_text_runs_join_thoughts_apart_and_the_last_chunk_decides() -> None:
    acc = GoogleStream()

    def chunk(*parts: gt.Part, **cand: object) -> gt.GenerateContentResponse:
        return gt.GenerateContentResponse(
            candidates=[gt.Candidate(content=gt.Content(role="model", parts=list(parts)), **cand)], model_version="g-x"
        )  # type: ignore[arg-type]

    acc.feed(chunk(gt.Part(text="plan ", thought=True)))
    acc.feed(chunk(gt.Part(text="it", thought=True), gt.Part(text="Bon")))
    acc.feed(chunk(gt.Part(text="jour")))
    acc.feed(chunk(gt.Part(function_call=gt.FunctionCall(name="look", args={"q": 1}))))
    meta = gt.GroundingMetadata(web_search_queries=["bonjour"])
    last = chunk(finish_reason=gt.FinishReason.STOP, grounding_metadata=meta)
    last.usage_metadata = gt.GenerateContentResponseUsageMetadata(prompt_token_count=4, candidates_token_count=6,
                                                                  thoughts_token_count=2)  # fmt: skip
    acc.feed(last)
    assert acc.partial == "Bonjour"
    c = google_convert.to_completion(acc.response())
    assert c.text == "Bonjour" and [(t.name, t.arguments) for t in c.tool_calls] == [("look", {"q": 1})]
    assert (c.usage.input_tokens, c.usage.output_tokens, c.served_model) == (4, 8, "g-x")
    assert c.grounding is not None and c.grounding.queries == ("bonjour",)


def test_mid_stream_errors_take_the_class_of_the_same_error_before_a_stream() -> None:
    cases = [
        ({"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}, F.overloaded),
        ({"error": {"message": "slow down", "type": "requests", "code": "rate_limit_exceeded"}}, F.rate_limited),
        ({"error": {"code": 503, "message": "busy", "status": "UNAVAILABLE"}}, F.overloaded),
        ({"type": "error", "error": {"type": "throttlingException", "message": "x"}}, F.rate_limited),
        ({"error": {"message": "You exceeded your quota", "type": "insufficient_quota"}}, F.quota_exhausted),
        ({"error": {"message": "???"}}, F.server_error),
    ]
    for body, cls in cases:
        e = stream_error("vendor", body, "sk-secret", "rid", "part")
        assert (e.failure_class, e.partial, e.request_id) == (cls, "part", "rid"), json.dumps(body)
        assert "mid-stream" in e.message
