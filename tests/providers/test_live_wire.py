"""The three live providers through the real SDKs, against the loopback wire server (one call at a time)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest

from harness.config.models import Deployment, ModelTable
from harness.errors import FailureClass, InputError, ProviderError
from harness.providers.base import Provider, ProviderSettings, make_provider
from harness.providers.http_client import TRANSPORT_ENV
from harness.types import Completion, Message, Request, RequestOptions
from tests.fakeprov import KEY_ENVS, LANES, Fault, Prompt, Reply, Server, always, http, serve

F = FailureClass
TOOL = {"name": "lookup", "description": "Look a thing up.",
        "parameters": {"type": "object", "properties": {"q": {"type": "string"}}, "required": ["q"]}}  # fmt: skip


def answer(p: Prompt) -> Reply:
    if p.tools:
        return Reply(calls=((p.tools[0], {"q": "paris", "n": 2}),))
    return Reply(text=f"echo: {p.user}")


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with serve(answer) as s:
        yield s


@pytest.fixture(autouse=True, params=["aiohttp", "httpx"])
def transport(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test on both HTTP transports of the openai and anthropic SDKs (google-genai stays on httpx)."""
    monkeypatch.setenv(TRANSPORT_ENV, request.param)
    return str(request.param)


@pytest.fixture(autouse=True)
def _keys(monkeypatch: pytest.MonkeyPatch) -> None:
    for lane, env in KEY_ENVS.items():
        monkeypatch.setenv(env, f"key-{lane}-CANARY0123456789")


def provider(server: Server, lane: str, **kw: Any) -> Provider:
    api = LANES[lane]
    dep = Deployment(provider=api, model=f"{lane}-test", base_url=server.base_url(lane, api),
                     credentials_env=KEY_ENVS[lane], **kw)  # fmt: skip
    return make_provider(api, lane, dep, ProviderSettings(ModelTable(deployments={lane: dep})))


def call(p: Provider, user: str, **options: Any) -> Completion:
    req = Request("d", getattr(p, "id", "d") + "-test", (Message("system", "Be brief."), Message("user", user)),
                  RequestOptions(**options), "h")  # fmt: skip

    async def go() -> Completion:
        try:
            return await p.complete(req)
        finally:
            await p.aclose()  # type: ignore[attr-defined]

    return asyncio.run(go())


@pytest.mark.parametrize("lane", list(LANES))
def test_text_usage_request_id_served_model_and_key(server: Server, lane: str) -> None:
    c = call(provider(server, lane), f"hello {lane}", temperature=0.0, max_tokens=50, stop=("END",), seed=1)
    hit = server.lane(lane)[-1]
    assert (c.text, c.finish_reason) == (f"echo: hello {lane}", "stop")
    assert (c.usage.input_tokens, c.usage.output_tokens) == (hit.input_tokens, hit.output_tokens)
    assert c.request_id == hit.request_id and c.served_model == f"{lane}-test-served"
    assert hit.credential == f"key-{lane}-CANARY0123456789"  # from the env var the table names, nothing else


def test_request_shapes_per_vendor(server: Server) -> None:
    for lane in LANES:
        call(provider(server, lane), f"shape {lane}", temperature=0.0, max_tokens=50, json_mode=True, seed=3)
    claude, gpt, gemini = (server.lane(lane)[-1].body for lane in LANES)
    assert claude["system"] == "Be brief." and not {"temperature", "seed"} & set(claude)
    assert gpt["messages"][0]["role"] == "system" and gpt["max_completion_tokens"] == 50
    assert (gpt["temperature"], gpt["seed"], gpt["response_format"]) == (0.0, 3, {"type": "json_object"})
    assert gemini["systemInstruction"]["parts"][0]["text"] == "Be brief."
    gen = gemini["generationConfig"]
    assert (gen["maxOutputTokens"], gen["seed"], gen["responseMimeType"]) == (50, 3, "application/json")


def test_openai_compatible_sends_max_tokens(server: Server) -> None:
    call(provider(server, "gpt", client="openai-compatible"), "compat", max_tokens=40)
    body = server.lane("gpt")[-1].body
    assert body["max_tokens"] == 40 and "max_completion_tokens" not in body


@pytest.mark.parametrize("lane", list(LANES))
def test_tool_calls(server: Server, lane: str) -> None:
    c = call(provider(server, lane), f"tools {lane}", tools=(TOOL,), tool_choice="lookup")
    assert c.finish_reason == "tool_calls"
    assert [(t.name, t.arguments) for t in c.tool_calls] == [("lookup", {"q": "paris", "n": 2})]


FAULTS = [
    (http(429, "7"), F.rate_limited, 429),
    (http(529), F.overloaded, 529),
    (http(503), F.overloaded, 503),
    (http(500), F.server_error, 500),
    (http(401), F.auth_error, 401),
    (http(404), F.not_found, 404),
    (http(400), F.bad_request, 400),
    (Fault(body="truncated"), F.invalid_response, 200),
    (Fault(body="drop"), F.connection_error, None),
]


@pytest.mark.parametrize("lane", list(LANES))
def test_faults_map_to_one_class_with_one_request_each(server: Server, lane: str) -> None:
    """SDK retries are off: every fault costs exactly one request, and maps to its class once."""
    for i, (fault, cls, status) in enumerate(FAULTS):
        server.schedules[lane] = always(fault)
        before = len(server.lane(lane))
        with pytest.raises(ProviderError) as info:
            call(provider(server, lane), f"fault {i} {lane}")
        err = info.value
        assert (err.failure_class, err.status) == (cls, status), (fault, err.message)
        assert len(server.lane(lane)) == before + 1, fault
        if fault.body != "drop":  # every answer's request id is kept, even one whose body would not parse
            assert err.request_id == server.lane(lane)[-1].request_id
        if fault.status == 429:
            assert err.retry_after == 7.0
    server.schedules.pop(lane)


@pytest.mark.parametrize("lane", list(LANES))
def test_semantic_failures_come_back_as_completions(server: Server, lane: str) -> None:
    server.schedules[lane] = always(Fault(body="empty"))
    empty = call(provider(server, lane), f"empty {lane}")
    server.schedules[lane] = always(Fault(body="length"))
    cut = call(provider(server, lane), f"length {lane}")
    server.schedules.pop(lane)
    assert (empty.text, empty.tool_calls) == ("", ())
    assert cut.finish_reason == "length" and cut.text


def test_construction_refuses_what_it_cannot_call(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(InputError, match="openai-compatible needs `base_url`"):
        make_provider("openai", "local", Deployment(provider="openai", model="llama", client="openai-compatible",
                      credentials_env="HX_OPENAI_KEY"), ProviderSettings(ModelTable(deployments={})))  # fmt: skip
    monkeypatch.delenv("HX_ANTHROPIC_KEY")
    with pytest.raises(InputError, match="HX_ANTHROPIC_KEY is not set"):
        provider(server, "claude")


@pytest.mark.parametrize("lane", ["gpt", "claude", "gemini"])
def test_the_sdk_client_uses_the_transport_asked_for(server: Server, lane: str, transport: str) -> None:
    http = provider(server, lane)._clients._client  # type: ignore[attr-defined]
    http = getattr(http, "_client", None) or http._api_client._async_httpx_client  # openai/anthropic, or genai
    aiohttp = "AioHttp" in type(http).__name__
    assert aiohttp == (transport == "aiohttp" and lane != "gemini"), type(http)


def test_an_unknown_transport_is_refused(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TRANSPORT_ENV, "curl")
    with pytest.raises(InputError, match="HARNESS_HTTP_TRANSPORT='curl'"):
        provider(server, "gpt")
