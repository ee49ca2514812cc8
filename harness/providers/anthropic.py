"""Claude through the anthropic SDK's own clients: Anthropic's Messages API (`client: direct`), Amazon Bedrock
(`bedrock`: `AsyncAnthropicBedrock`, SigV4-signed or a Bedrock API key) and Google Vertex AI (`vertex`:
`AsyncAnthropicVertex`, an OAuth bearer token). One request shape for all three: the SDK moves the model into
the URL for the clouds. Async, streaming unless the deployment says `stream: false`, SDK retries off.

Credentials are read once, at construction, from the variables `cloud.py` documents. One client per event loop,
created on first use (so building a provider to validate a plan opens nothing) and closed by `aclose`.

The call goes through the client's `post` for custom requests rather than the typed `messages.create`: the same
request on the wire (the clouds' URL rewriting and signing, auth, headers, timeouts, status errors are the SDK's),
without the pydantic model of the response and the SDK's per-call telemetry: 2.5 -> 1.6 ms of CPU per call
against the loopback server (see the openai adapter for why that CPU matters). Streamed, the same `post` with
`stream=True` (the SDK sends Bedrock's to `invoke-with-response-stream` and decodes AWS event-stream frames, Vertex's to
`streamRawPredict`) answers the response unread (`cast_to` httpx's Response), read through the client's own decoder
(`_make_sse_decoder`: SSE, or AWS event-stream frames); `stream_convert.AnthropicStream` folds the events into the
body the non-streaming call answers.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import anthropic
import httpx2
from anthropic._streaming import ServerSentEvent

from harness.config.models import CLIENTS, Deployment
from harness.errors import ProviderError
from harness.providers.anthropic_convert import to_completion, to_error, to_params
from harness.providers.base import ProviderSettings
from harness.providers.cloud import aws_auth, quiet_signing_logs, vertex_auth
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
from harness.providers.stream_convert import AnthropicStream, Clock, stream_error
from harness.types import Completion, Request

Client = anthropic.AsyncAnthropic | anthropic.AsyncAnthropicBedrock | anthropic.AsyncAnthropicVertex


class AnthropicProvider:
    simulated = False

    def __init__(self, deployment_id: str, deployment: Deployment, settings: ProviderSettings) -> None:
        require_client(deployment_id, deployment, CLIENTS["anthropic"])
        self.id = deployment_id
        self.client = deployment.client
        self.base_url = deployment.base_url
        self.stream = deployment.stream
        self._timeout = sdk_timeout(settings)
        self._auth: dict[str, Any]
        if deployment.client == "bedrock":
            aws = aws_auth(deployment_id, deployment)
            quiet_signing_logs()
            self._secrets = aws.secrets
            self._auth = {"aws_region": aws.region}
            if aws.bearer:
                self._auth["api_key"] = aws.bearer
            elif aws.access_key:
                self._auth.update(aws_access_key=aws.access_key, aws_secret_key=aws.secret_key,
                                  aws_session_token=aws.session_token)  # fmt: skip
            else:
                self._auth["aws_profile"] = aws.profile
        elif deployment.client == "vertex":
            gcp = vertex_auth(deployment_id, deployment)
            self._secrets = gcp.secrets
            # no access token: the SDK loads Application Default Credentials and refreshes them itself
            self._auth = {"region": gcp.region, "project_id": gcp.project, "access_token": gcp.access_token}
        else:
            key = api_key(deployment_id, deployment)
            self._secrets = (key,)
            self._auth = {"api_key": key}
        self._clients: LoopClient[Client] = LoopClient(self._new_client, _close)

    def __repr__(self) -> str:
        return f"AnthropicProvider({self.id!r}, client={self.client!r})"

    def _new_client(self) -> Client:
        common: dict[str, Any] = {
            "base_url": self.base_url,
            "max_retries": 0,  # one retry layer: the runner's
            "timeout": anthropic.Timeout(self._timeout, connect=CONNECT_TIMEOUT_S),
            "http_client": sdk_http_client(anthropic),
        }
        client: Client
        if self.client == "bedrock":
            import botocore.auth  # noqa: F401  (signing imports botocore: do it now, not inside the first timed call)

            client = anthropic.AsyncAnthropicBedrock(**self._auth, **common)
        elif self.client == "vertex":
            client = anthropic.AsyncAnthropicVertex(**self._auth, **common)
        else:
            client = anthropic.AsyncAnthropic(**self._auth, **common)
        return client

    async def complete(self, request: Request) -> Completion:
        if self.stream:
            return await self._streamed(request)
        client = self._clients.get()
        with watching() as seen:
            try:
                response = await client.post("/v1/messages", body=to_params(request), cast_to=httpx2.Response)
                body = response.content
            except Exception as e:  # the call is all that runs here; to_error tells status, transport and body apart
                raise to_error(e, self._secrets, seen) from e
        rid = response.headers.get("request-id") or seen.request_id  # Bedrock's id is in its own header
        completion = to_completion(body, rid, response.status_code)
        rate = rate_signal(response.headers)  # proactive: the lane slows before the quota answers 429
        return completion if rate is None else replace(completion, rate=rate)

    async def _streamed(self, request: Request) -> Completion:
        client, acc = self._clients.get(), AnthropicStream()
        clock = Clock(acc)
        with watching() as seen:
            try:
                # cast_to Response: the SDK answers the response unread (the stream class goes unused)
                response: httpx2.Response = await client.post(  # type: ignore[assignment]
                    "/v1/messages", body={**to_params(request), "stream": True}, cast_to=httpx2.Response, stream=True,
                    stream_cls=anthropic.AsyncStream,
                )  # fmt: skip
                headers = response.headers
                async for sse in _events(client, response):
                    if sse.event == "ping" or not sse.data:
                        continue
                    data = json.loads(sse.data)
                    if sse.event == "error" or data.get("type") == "error":
                        rid = headers.get("request-id") or seen.request_id
                        raise stream_error("anthropic", data, self._secrets, rid, acc.partial)
                    if acc.feed(sse.event, data):
                        clock.content()
                if not acc.ended:
                    raise ValueError("the stream ended before message_stop")
                body = acc.body()
            except ProviderError:
                raise
            except ValueError as e:  # an event that is not JSON, or a tool call's pieces that do not make JSON
                raise body_error("anthropic Messages stream", e, 200, seen.request_id) from None
            except Exception as e:  # the call is all that runs here; to_error tells status, transport and body apart
                err = to_error(e, self._secrets, seen)
                err.partial = acc.partial or None
                raise err from e
        completion = clock.stamp(to_completion(body, headers.get("request-id") or seen.request_id, 200))
        rate = rate_signal(headers)
        return completion if rate is None else replace(completion, rate=rate)

    async def aclose(self) -> None:
        await self._clients.aclose()


async def _events(client: Client, response: httpx2.Response) -> AsyncIterator[ServerSentEvent]:
    try:
        async for sse in client._make_sse_decoder().aiter_bytes(response.aiter_bytes()):
            yield sse
    finally:
        await response.aclose()


async def _close(client: Client) -> None:
    await client.close()
