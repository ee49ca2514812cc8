"""How the openai adapter posts a chat completion through the SDK client (`Route`): the same request on the wire
as the SDK's own merge of path and body, by a shorter way where the client allows it."""

from __future__ import annotations

import asyncio
import gzip
import json
from collections.abc import AsyncIterator, Iterator

import httpx2
import openai
import pytest

from harness.config.models import Deployment, ModelTable
from harness.providers import openai as openai_provider
from harness.providers.base import ProviderSettings, make_provider
from harness.providers.openai import BEARER, PATH, OpenAIProvider, route_of
from harness.types import Completion, Message, Request, RequestOptions
from tests.fakeprov import KEY_ENVS, Server, serve

PARAMS = {"model": "m", "messages": [{"role": "user", "content": "héllo"}], "temperature": 0.0}


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with serve() as s:
        yield s


def test_a_plain_client_posts_to_its_own_absolute_url_with_the_body_encoded() -> None:
    client = openai.AsyncOpenAI(api_key="k", base_url="http://127.0.0.1:9/lane/v1", max_retries=0, timeout=7.0)
    route = route_of(client)
    assert route.path == "http://127.0.0.1:9/lane/v1/chat/completions" == str(client._prepare_url(PATH))
    assert route.options["timeout"] == client.timeout and route.options["max_retries"] == 0
    (key, content), = route.body(PARAMS).items()  # fmt: skip
    assert key == "content" and json.loads(content) == PARAMS


class Capture(httpx2.AsyncBaseTransport):
    """Keeps every request the SDK client sends and answers 200 with an empty chat completion."""

    def __init__(self) -> None:
        self.requests: list[httpx2.Request] = []

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        return httpx2.Response(200, json={"choices": []}, request=request)


@pytest.mark.parametrize("azure", [False, True], ids=["openai", "azure"])
@pytest.mark.parametrize("stream", [False, True], ids=["whole", "streamed"])
def test_a_routed_call_sends_what_the_sdks_own_merge_sends(azure: bool, stream: bool) -> None:
    """Method, URL, every header in order (the idempotency key is never sent), body bytes and timeout are equal."""
    capture = Capture()
    kw = {"api_key": "k", "max_retries": 0, "timeout": openai.Timeout(125.0, connect=10.0),
          "http_client": httpx2.AsyncClient(transport=capture)}  # fmt: skip
    client = (openai.AsyncAzureOpenAI(azure_endpoint="https://r.openai.azure.com", api_version="2024-10-21", **kw)
              if azure else openai.AsyncOpenAI(base_url="http://127.0.0.1:9/lane/v1", **kw))  # fmt: skip
    route, params = route_of(client), {**PARAMS, "stream": stream}

    async def both() -> None:
        await client.post(PATH, body=params, cast_to=httpx2.Response, options=BEARER, stream=stream)
        await client.post(route.path, cast_to=httpx2.Response, options=route.call_options(), stream=stream,
                          **route.body(params))  # fmt: skip
        await client.close()

    asyncio.run(both())
    sdk, ours = capture.requests
    assert (ours.method, ours.url, ours.extensions["timeout"]) == (sdk.method, sdk.url, sdk.extensions["timeout"])
    assert ours.headers.raw == sdk.headers.raw  # names as spelled, values, order
    assert "idempotency-key" not in {k.lower() for k, _ in ours.headers.multi_items()}
    assert ours.content == sdk.content
    assert ("/openai/deployments/m/" in str(ours.url)) == azure


def test_each_call_gets_its_own_idempotency_key() -> None:
    route = route_of(openai.AsyncOpenAI(api_key="k", base_url="http://127.0.0.1:9/v1"))
    keys = {route.call_options()["idempotency_key"] for _ in range(3)}
    assert (
        len(keys) == 3
        and len({route_of(openai.AsyncOpenAI(api_key="k")).call_options()["idempotency_key"]} | keys) == 4
    )


def test_azure_and_a_base_url_with_a_query_keep_the_sdks_merge_and_mapping() -> None:
    azure = openai.AsyncAzureOpenAI(api_key="k", azure_endpoint="https://r.openai.azure.com", api_version="2024-10-21")
    query = openai.AsyncOpenAI(api_key="k", base_url="http://127.0.0.1:9/v1?tenant=a")
    for client in (azure, query):
        route = route_of(client)
        assert route.path == PATH and not route.encoded
        assert route.body(PARAMS) == {"body": PARAMS}  # Azure reads the deployment from the mapping's `model`


def test_a_body_orjson_cannot_encode_goes_as_the_mapping() -> None:
    route = route_of(openai.AsyncOpenAI(api_key="k", base_url="http://127.0.0.1:9/v1"))
    big = {**PARAMS, "seed": 2**70}
    assert route.body(big) == {"body": big}


@pytest.mark.parametrize("stream", [False, True], ids=["whole", "streamed"])
def test_the_server_gets_the_path_auth_and_body_on_both_routes(
    server: Server, monkeypatch: pytest.MonkeyPatch, stream: bool
) -> None:
    monkeypatch.setenv(KEY_ENVS["gpt"], "key-gpt-CANARY0123456789")
    dep = Deployment(provider="openai", model="gpt-test", base_url=server.base_url("gpt", "openai"),
                     credentials_env=KEY_ENVS["gpt"], stream=stream)  # fmt: skip
    p = make_provider("openai", "gpt", dep, ProviderSettings(ModelTable(deployments={"gpt": dep})))
    assert isinstance(p, OpenAIProvider)
    seeds = (7, 2**70)  # orjson's bytes, then the SDK's own encoding of a seed beyond 64 bits

    def request(seed: int) -> Request:
        return Request(
            "gpt", "gpt-test", (Message("user", f"hi {seed}"),), RequestOptions(seed=seed, max_tokens=9), "h"
        )

    async def go() -> list[Completion]:
        try:
            return [await p.complete(request(seed)) for seed in seeds]
        finally:
            await p.aclose()

    answers = asyncio.run(go())
    hits = server.lane("gpt")[-2:]
    for seed, hit, c in zip(seeds, hits, answers, strict=True):
        assert (hit.path, hit.status, hit.credential) == ("/gpt/v1/chat/completions", 200, "key-gpt-CANARY0123456789")
        assert hit.body["seed"] == seed and hit.body["max_completion_tokens"] == 9 and hit.streamed == stream
        assert c.request_id == hit.request_id and c.text


class Streams(httpx2.AsyncBaseTransport):
    """Answers every request with one streamed chat completion, its SSE body gzip-encoded when asked."""

    def __init__(self, gzipped: bool) -> None:
        self.gzipped = gzipped

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        chunks = [{"model": "m", "choices": [{"index": 0, "delta": {"content": piece}}]} for piece in ("Par", "is")]
        chunks += [{"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]},
                   {"choices": [], "usage": {"prompt_tokens": 3, "completion_tokens": 2}}]  # fmt: skip
        body = b"".join(b"data: " + json.dumps(c).encode() + b"\r\n\r\n" for c in chunks) + b"data: [DONE]\n\n"
        headers = {"content-type": "text/event-stream", "x-request-id": "req-s"}
        if self.gzipped:
            body, headers["content-encoding"] = gzip.compress(body), "gzip"
        return httpx2.Response(200, headers=headers, stream=Pieces(body), request=request)


class Pieces(httpx2.AsyncByteStream):
    """A body arriving in 7-byte network chunks: lines and events split across them."""

    def __init__(self, body: bytes) -> None:
        self.body = body

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for i in range(0, len(self.body), 7):
            yield self.body[i : i + 7]


@pytest.mark.parametrize("gzipped", [False, True], ids=["identity", "gzip"])
def test_a_stream_is_read_raw_or_decoded_as_it_came(monkeypatch: pytest.MonkeyPatch, gzipped: bool) -> None:
    monkeypatch.setenv("HX_TEST_KEY", "k")
    monkeypatch.setattr(openai_provider, "sdk_http_client", lambda sdk: httpx2.AsyncClient(transport=Streams(gzipped)))
    dep = Deployment(provider="openai", model="m", base_url="http://127.0.0.1:9/v1", credentials_env="HX_TEST_KEY")
    p = make_provider("openai", "d", dep, ProviderSettings(ModelTable(deployments={"d": dep})))

    async def go() -> Completion:
        try:
            return await p.complete(Request("d", "m", (Message("user", "capital?"),), RequestOptions(), "h"))
        finally:
            await p.aclose()  # type: ignore[attr-defined]

    c = asyncio.run(go())
    assert (c.text, c.finish_reason, c.chunks, c.request_id) == ("Paris", "stop", 2, "req-s")
    assert (c.usage.input_tokens, c.usage.output_tokens) == (3, 2)
