"""OpenAI Chat Completions through the official SDK: api.openai.com, Azure OpenAI, any OpenAI-compatible server.

`client: azure` uses the SDK's `AsyncAzureOpenAI`: `base_url` is the resource endpoint, `api_version` is sent as
`?api-version=`, `model` is the Azure deployment name (the SDK puts it in the path `/openai/deployments/<name>`),
and the credential is an API key (`api-key` header) or a Microsoft Entra ID token (bearer), see `cloud.py`.
`client: openai-compatible` plus `base_url` reaches vLLM, Ollama, llama.cpp, LM Studio, a LiteLLM proxy or a
Portkey gateway. Async client, streaming unless the deployment says `stream: false`, SDK retries off; a key comes
only from the env var the model table names. One client per event loop, created on first use and closed by `aclose`
at the end of the run.

The call goes through the client's documented `post` for custom requests rather than the typed
`chat.completions.create`: the same request on the wire (path, auth, Azure's deployment routing, headers,
timeouts, status errors), without `create`'s per-call walk of ~40 omitted parameters and its pydantic model of the
response. At 32 calls in flight those were a third of the client's CPU per call (3.2 -> 2.0 ms at 100 ms latency,
2.4 -> 1.0 ms at zero; bench/sdk.py), and one event loop's CPU is what caps live throughput. Streamed, the same
`post` with `stream=True` answers the response unread (`cast_to` httpx's Response), its body read raw (decoded when it
came content-encoded) through `sse.SSEData` (the SDK's SSE decoding rules, as plain state: no async generator layer
and no event object per chunk), and `stream_convert.OpenAIStream` folds the chunks back into the body the
non-streaming call answers.

How each call goes through `post` (`Route`, fixed per client): to the client's own URL for chat completions, joined
once from its `base_url` (the SDK would parse and merge it again on every call), with the body already encoded
(orjson, `content=`), and with what the SDK would otherwise work out per call given outright: the client's own
timeout and retries (so its options model copies no defaults), its `x-stainless-retry-count` (0: SDK retries are
off) and `x-stainless-read-timeout` headers (set from the options' headers instead of inserted one by one), and a
unique idempotency key (the SDK would draw a uuid4, and an OpenAI client never sends it). The request on the wire
is the same: path, auth, headers and their order, body, timeouts (tests/providers/test_openai.py compares them with
the SDK's own). Azure keeps the relative path and the body as a mapping: its client reads the deployment (`model`)
from that mapping to build the `/openai/deployments/<name>` path. Together about a quarter of `post`'s own CPU.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import httpx2
import openai
import orjson

from harness.config.models import CLIENTS, Deployment
from harness.errors import InputError, ProviderError
from harness.providers.base import ProviderSettings
from harness.providers.cloud import azure_auth
from harness.providers.http_client import sdk_http_client
from harness.providers.http_convert import (
    CONNECT_TIMEOUT_S,
    api_key,
    body_error,
    rate_signal,
    require_client,
    sdk_timeout,
    watching,
)
from harness.providers.loop_client import LoopClient
from harness.providers.openai_convert import loads, to_completion, to_error, to_params
from harness.providers.sse import SSEData
from harness.providers.stream_convert import Clock, OpenAIStream, stream_error
from harness.types import Completion, Request

#: What `chat.completions.create` sends as its request options: the API key as a bearer token.
BEARER: openai.RequestOptions = {"security": {"bearer_auth": True}}
PATH = "/chat/completions"


@dataclass(frozen=True)
class Route:
    """Where and how a chat completion is posted through one SDK client (see the module docstring)."""

    path: str
    """The absolute URL of chat completions, or (Azure, a base URL with a query) the path the SDK merges."""
    options: openai.RequestOptions
    encoded: bool
    """The body goes as JSON bytes (`content=`); False: as the mapping (`body=`) the SDK encodes."""
    _keys: Iterator[str] = field(init=False, repr=False, compare=False, default_factory=lambda: map(
        f"harness-{uuid.uuid4()}-{{}}".format, itertools.count()))  # fmt: skip

    def call_options(self) -> openai.RequestOptions:
        """The options of one call: the route's, with an idempotency key of its own."""
        return {**self.options, "idempotency_key": next(self._keys)}

    def body(self, params: dict[str, Any]) -> dict[str, Any]:
        """`post`'s body argument for `params`: encoded when this route may be, and when orjson can (an integer
        beyond 64 bits cannot: the SDK's encoder takes it)."""
        if self.encoded:
            try:
                return {"content": orjson.dumps(params)}
            except TypeError:
                pass
        return {"body": params}


def route_of(client: openai.AsyncOpenAI) -> Route:
    """The route of `client`'s chat completions: the options are the ones it would default to (its timeout, its
    retries, no extra query) and the two headers it would add to each request (see the module docstring)."""
    timeout = client.timeout
    read = timeout.read if isinstance(timeout, httpx2.Timeout) else timeout
    headers = {"x-stainless-retry-count": "0"} if client.max_retries == 0 else {}
    if read is not None:
        headers["x-stainless-read-timeout"] = str(read)
    options: openai.RequestOptions = {**BEARER, "timeout": timeout, "max_retries": client.max_retries,
                                      "headers": headers, "params": {}}  # fmt: skip
    base = client.base_url
    if isinstance(client, openai.AsyncAzureOpenAI) or base.query:
        return Route(PATH, options, encoded=False)
    return Route(str(base.join(PATH.lstrip("/"))), options, encoded=True)


class OpenAIProvider:
    simulated = False

    def __init__(self, deployment_id: str, deployment: Deployment, settings: ProviderSettings) -> None:
        require_client(deployment_id, deployment, CLIENTS["openai"])
        self.compatible = deployment.client == "openai-compatible"
        if self.compatible and not deployment.base_url:
            raise InputError(
                f"deployment {deployment_id!r}: client openai-compatible needs `base_url`",
                fix="set base_url, e.g. http://localhost:8000/v1 for vLLM or http://localhost:11434/v1 for Ollama",
            )
        self.id = deployment_id
        self.client = deployment.client
        self.base_url = deployment.base_url
        self.api_version = deployment.api_version
        self.stream = deployment.stream
        self._auth: dict[str, Any]
        if deployment.client == "azure":
            azure = azure_auth(deployment_id, deployment)
            self._secrets = azure.secrets
            self._auth = {"api_key": azure.api_key} if azure.api_key else {"azure_ad_token": azure.ad_token}
        else:
            key = api_key(deployment_id, deployment)
            self._secrets = (key,)
            self._auth = {"api_key": key}
        self._timeout = sdk_timeout(settings)
        self._route: Route  # set with each client (`_new_client`)
        self._clients: LoopClient[openai.AsyncOpenAI] = LoopClient(self._new_client, _close)

    def __repr__(self) -> str:
        return f"OpenAIProvider({self.id!r}, client={self.client!r})"

    def _new_client(self) -> openai.AsyncOpenAI:
        common: dict[str, Any] = {
            "max_retries": 0,  # one retry layer: the runner's
            "timeout": openai.Timeout(self._timeout, connect=CONNECT_TIMEOUT_S),
            "http_client": sdk_http_client(openai),
        }
        client: openai.AsyncOpenAI
        if self.client == "azure":
            client = openai.AsyncAzureOpenAI(
                azure_endpoint=self.base_url or "", api_version=self.api_version, **self._auth, **common
            )
        else:
            client = openai.AsyncOpenAI(base_url=self.base_url, **self._auth, **common)
        self._route = route_of(client)
        return client

    async def complete(self, request: Request) -> Completion:
        if self.stream:
            return await self._streamed(request)
        client, route = self._clients.get(), self._route
        with watching() as seen:
            try:
                response = await client.post(
                    route.path, cast_to=httpx2.Response, options=route.call_options(),
                    **route.body(to_params(request, self.compatible)),
                )  # fmt: skip
                body = response.content
            except Exception as e:  # the call is all that runs here; to_error tells status, transport and body apart
                raise to_error(e, self._secrets, seen) from e
        completion = to_completion(body, response.headers.get("x-request-id"), response.status_code)
        rate = rate_signal(response.headers)  # proactive: the lane slows before the quota answers 429
        return completion if rate is None else replace(completion, rate=rate)

    async def _streamed(self, request: Request) -> Completion:
        client, route, acc = self._clients.get(), self._route, OpenAIStream()
        clock = Clock(acc)
        params = {**to_params(request, self.compatible), "stream": True, "stream_options": {"include_usage": True}}
        with watching() as seen:
            try:
                # cast_to Response: the SDK answers the response unread (the stream class goes unused)
                response: httpx2.Response = await client.post(
                    route.path, cast_to=httpx2.Response, options=route.call_options(), stream=True,
                    stream_cls=openai.AsyncStream, **route.body(params),
                )  # fmt: skip
                async for events in _events(response):
                    for data in events:
                        if data.startswith("[DONE]"):
                            continue  # read on to the end of the body: a response closed early loses its connection
                        chunk = loads(data)
                        if chunk.get("error"):
                            raise stream_error("openai", chunk, self._secrets, seen.request_id, acc.partial)
                        if acc.feed(chunk):
                            clock.content()
                if not acc.ended:
                    raise ValueError("the stream ended before its finish reason")
            except ProviderError:
                raise
            except ValueError as e:  # a chunk that is not JSON
                raise body_error("openai chat completion chunk", e, 200, seen.request_id) from None
            except Exception as e:  # the call is all that runs here; to_error tells status, transport and body apart
                err = to_error(e, self._secrets, seen)
                err.partial = acc.partial or None
                raise err from e
        headers = response.headers
        completion = clock.stamp(to_completion(acc.body(), headers.get("x-request-id"), 200))
        rate = rate_signal(headers)
        return completion if rate is None else replace(completion, rate=rate)

    async def aclose(self) -> None:
        await self._clients.aclose()


async def _events(response: httpx2.Response) -> AsyncIterator[list[str]]:
    """The data of the events each network chunk of a streamed body completes (`sse.SSEData`), then the response
    closed. The body is read raw (a layer less) unless it came content-encoded or already read (a transport that
    answers whole bodies): then through `aiter_bytes`, which decodes it."""
    decoder = SSEData()
    # from the raw bytes: `headers.get` decodes every header, a tenth of what streaming costs a cell
    encoded = any(k.lower() == b"content-encoding" and v.strip().lower() not in (b"", b"identity")
                  for k, v in response.headers.raw)  # fmt: skip
    raw = not encoded and not response.is_stream_consumed
    try:
        async for piece in response.aiter_raw() if raw else response.aiter_bytes():
            events = decoder.feed(piece)
            if events:
                yield events
        decoder.finish()
    finally:
        await response.aclose()


async def _close(client: openai.AsyncOpenAI) -> None:
    await client.close()
