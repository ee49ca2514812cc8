"""Streaming through the real SDKs against the loopback server, in each vendor's stream format (SSE; Bedrock's AWS
event-stream frames): streamed and whole answers equal (text, tool calls, usage, finish, ids), streams cut inside
UTF-8 characters and JSON objects, keep-alives, an error event mid-stream classified like the same error before the
stream (the partial text kept), a stalled stream ended by the runner's per-attempt timeout, and TTFT against the
server's scripted delay."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harness.config.models import ModelTable
from harness.errors import FailureClass, ProviderError
from harness.providers.base import Provider, ProviderSettings, make_provider
from harness.types import Completion, Message, Request, RequestOptions
from tests.canary import AWS_ACCESS_KEY, fake_key
from tests.fakeprov import (
    INFRA_LANES,
    KEY_ENVS,
    LANES,
    Fault,
    Prompt,
    Reply,
    Server,
    always,
    aws_env,
    first,
    http,
    lane_deployment,
    live_project,
    query,
    run_live,
    serve,
)

F = FailureClass
TOOL = {"name": "lookup", "description": "Look a thing up.",
        "parameters": {"type": "object", "properties": {"q": {"type": "string"}}, "required": ["q"]}}  # fmt: skip
ALL = [*LANES, *INFRA_LANES]
ACCESS_KEY = fake_key(AWS_ACCESS_KEY, "CANARY9S8D7F6G5H")
SECRET_KEY = "CANARYsecret/Zx8Cv7Bn6Mm5Ll4Kk3Jj2Hh1Gg0Ff9Dd"
#: Multi-byte characters everywhere: 2-byte (é, ö), 3-byte (—, 日本), 4-byte (🙂, 𝄞).
TEXT = "héllo wörld — 日本語のテキスト 🙂𝄞 done"


def answer(p: Prompt) -> Reply:
    if p.tools:
        return Reply(calls=((p.tools[0], {"q": "pâris 🙂", "n": 2, "nested": {"list": [1, "two", {"x": None}]}}),
                            ("lookup", {"q": "second"})))  # fmt: skip
    return Reply(text=f"{TEXT}: {p.user}")


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with serve(answer) as s:
        s.aws_keys[ACCESS_KEY] = SECRET_KEY
        yield s


@pytest.fixture(autouse=True)
def _credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in aws_env(ACCESS_KEY, SECRET_KEY).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("HX_VERTEX_TOKEN", "CANARYvertex-token-stream")
    monkeypatch.setenv("HX_AZURE_KEY", "CANARYazure-key-stream-0123456789")
    for lane, env in KEY_ENVS.items():
        monkeypatch.setenv(env, f"key-{lane}-CANARY0123456789")


def call(server: Server, lane: str, user: str, stream: bool = True, **options: Any) -> Completion:
    dep = lane_deployment(server, lane, stream=stream)
    p: Provider = make_provider(dep.provider, lane, dep, ProviderSettings(ModelTable(deployments={lane: dep})))
    req = Request(lane, dep.model, (Message("system", "Be brief."), Message("user", user)), RequestOptions(**options),
                  "h")  # fmt: skip

    async def go() -> Completion:
        try:
            return await p.complete(req)
        finally:
            await p.aclose()  # type: ignore[attr-defined]

    return asyncio.run(go())


def same_answer(c: Completion) -> tuple[Any, ...]:
    return (c.text, [(t.name, t.arguments) for t in c.tool_calls], c.usage, c.finish_reason, c.served_model)


@pytest.mark.parametrize("tools", [False, True], ids=["text", "tool-calls"])
@pytest.mark.parametrize("lane", ALL)
def test_streamed_and_whole_answers_are_identical(server: Server, lane: str, tools: bool) -> None:
    opts: dict[str, Any] = {"tools": (TOOL,), "tool_choice": "auto"} if tools else {}
    whole = call(server, lane, f"same {lane} {tools}", stream=False, **opts)
    assert not server.lane(lane)[-1].streamed and whole.ttft_ms is None and whole.chunks is None
    streamed = call(server, lane, f"same {lane} {tools}", stream=True, **opts)
    hit = server.lane(lane)[-1]
    assert hit.streamed and streamed.request_id == hit.request_id
    assert same_answer(streamed) == same_answer(whole)
    assert (streamed.usage.input_tokens, streamed.usage.output_tokens) == (hit.input_tokens, hit.output_tokens)
    assert streamed.ttft_ms is not None and streamed.ttft_ms > 0 and streamed.chunks and streamed.chunks >= 2
    if tools:  # arguments arrived in pieces (OpenAI, Anthropic) or whole (Gemini) and were put back together
        assert streamed.tool_calls[0].arguments["nested"] == {"list": [1, "two", {"x": None}]}
    else:
        assert streamed.text.startswith(TEXT)


@pytest.mark.parametrize("lane", ALL)
def test_stream_cut_inside_utf8_characters_and_json_objects(server: Server, lane: str) -> None:
    """Three bytes per write, a moment apart: every multi-byte character and every event's JSON is cut somewhere."""
    server.schedules[lane] = always(Fault(split=3))
    try:
        cut = call(server, lane, f"split {lane}")
        cut_tools = call(server, lane, f"split tools {lane}", tools=(TOOL,))
    finally:
        server.schedules.pop(lane)
    assert server.lane(lane)[-1].streamed
    assert same_answer(cut) == same_answer(call(server, lane, f"split {lane}", stream=False))
    assert same_answer(cut_tools) == same_answer(call(server, lane, f"split tools {lane}", stream=False, tools=(TOOL,)))


#: A mid-stream error per lane, and the same error before any stream: one class for both.
MID = {"claude": 529, "gpt": 429, "gemini": 503, "claude-bedrock": 429, "claude-vertex": 529, "gemini-vertex": 429,
       "gpt-azure": 503}  # fmt: skip


@pytest.mark.parametrize("lane", ALL)
def test_error_event_mid_stream_is_classified_like_the_error_before_it(server: Server, lane: str) -> None:
    status = MID[lane]
    server.schedules[lane] = always(http(status))
    try:
        with pytest.raises(ProviderError) as before:
            call(server, lane, f"before {lane}")
        server.schedules[lane] = always(Fault(mid_stream=status))
        with pytest.raises(ProviderError) as mid:
            call(server, lane, f"mid {lane}")
    finally:
        server.schedules.pop(lane)
    assert server.lane(lane)[-1].outcome == "mid_stream"
    assert mid.value.failure_class == before.value.failure_class
    assert mid.value.failure_class in (F.overloaded, F.rate_limited)
    assert mid.value.partial and TEXT.startswith(mid.value.partial)  # the text delivered before the error
    assert before.value.partial is None


@pytest.mark.parametrize("lane", list(LANES))
def test_ttft_follows_the_scripted_delay(server: Server, lane: str) -> None:
    """The server sends its headers, waits 150 ms, then the first chunk. The bound above is loose for a loaded
    machine; bench/run.py's `stream` scenario measures the 5 ms figure."""
    server.schedules[lane] = always(Fault(ttft=0.15))
    try:
        c = call(server, lane, f"ttft {lane}")
    finally:
        server.schedules.pop(lane)
    assert c.ttft_ms is not None and 149.0 <= c.ttft_ms <= 600.0
    assert c.chunks and c.chunks > 2


def test_run_records_ttft_chunks_and_partial_output_and_a_stall_times_out(server: Server, tmp_path: Path) -> None:
    """End to end: cells carry TTFT, tokens/s and chunks; an attempt that failed mid-stream keeps its partial text;
    a stream that stalls after its first chunk ends in the runner's per-attempt timeout, classified timeout."""
    suite = live_project(tmp_path, server, cases=4, lanes=("claude", "gpt"), retry_on=("transient", "timeout"))
    server.schedules["claude"] = first([Fault(mid_stream=529)])
    server.schedules["gpt"] = first([Fault(stall=True)])
    try:
        run = run_live(suite, tmp_path / "results", timeout_s=1.0)
    finally:
        server.schedules.pop("claude")
        server.schedules.pop("gpt")
    rows = query(tmp_path / "results", f"SELECT deployment, status, ttft_ms, tokens_per_s, chunks FROM cells "
                                      f"WHERE run_id = '{run.run_id}'")  # fmt: skip
    assert rows and all(status == "ok" and ttft > 0 and chunks > 2 and tps > 0 for _, status, ttft, tps, chunks in rows)
    attempts = query(tmp_path / "results", f"SELECT deployment, n, error_class, partial_output, ttft_ms FROM attempts "
                                          f"WHERE run_id = '{run.run_id}' ORDER BY deployment, n")  # fmt: skip
    first_tries = [a for a in attempts if a[1] == 1]
    assert {a[2] for a in first_tries if a[0] == "claude"} == {"overloaded"}
    assert all(a[3] and a[3] in answer_text(a) for a in first_tries if a[0] == "claude")
    assert {a[2] for a in first_tries if a[0] == "gpt"} == {"timeout"}
    assert all(a[2] is None and a[4] > 0 for a in attempts if a[1] == 2)


def answer_text(_attempt: tuple[Any, ...]) -> str:
    return TEXT
