"""Gemini through google-genai: the Gemini API (`client: direct`) or Vertex AI (`client: vertex`). Async client,
streaming (`generate_content_stream`) unless the deployment says `stream: false`, SDK retries off, an explicit timeout.

google-genai has no timeout by default (a stalled call would hang for ever) and retries only when asked; we
set both explicitly. Direct: the key comes only from the env var the model table names and travels in the
`x-goog-api-key` header, never in the URL. Vertex: project and region from the deployment (see `cloud.py`), and
an OAuth bearer token: the one `credentials_env` names, else Application Default Credentials, which the SDK
loads and refreshes. One client per event loop, created on first use, closed by `aclose`.
"""

from __future__ import annotations

from typing import Any

import httpx2
from google import genai
from google.genai import types as gt

from harness.config.models import CLIENTS, Deployment
from harness.providers.base import ProviderSettings
from harness.providers.cloud import vertex_auth
from harness.providers.google_convert import to_completion, to_error, to_params
from harness.providers.http_convert import api_key, require_client, response_hook, sdk_timeout, watching
from harness.providers.loop_client import LoopClient
from harness.providers.stream_convert import Clock, GoogleStream
from harness.types import Completion, Request


class GoogleProvider:
    simulated = False

    def __init__(self, deployment_id: str, deployment: Deployment, settings: ProviderSettings) -> None:
        require_client(deployment_id, deployment, CLIENTS["google"])
        self.id = deployment_id
        self.client = deployment.client
        self.base_url = deployment.base_url
        self.stream = deployment.stream
        self._auth: dict[str, Any]
        if deployment.client == "vertex":
            gcp = vertex_auth(deployment_id, deployment)
            self._secrets = gcp.secrets
            self._auth = {"vertexai": True, "project": gcp.project, "location": gcp.region}
            if gcp.access_token:
                self._auth["credentials"] = _token_credentials(gcp.access_token)
        else:
            key = api_key(deployment_id, deployment)
            self._secrets = (key,)
            self._auth = {"vertexai": False, "api_key": key}
        self._timeout = sdk_timeout(settings)
        self._clients: LoopClient[genai.Client] = LoopClient(self._new_client, _close)

    def __repr__(self) -> str:
        return f"GoogleProvider({self.id!r}, client={self.client!r})"

    def _new_client(self) -> genai.Client:
        options = gt.HttpOptions(
            base_url=self.base_url,
            timeout=int(self._timeout * 1000),  # milliseconds
            retry_options=gt.HttpRetryOptions(attempts=1),  # one retry layer: the runner's
            # httpx, not the aiohttp google-genai picks when it is installed (for openai and anthropic): our response
            # hook and the Vertex bearer-token auth are httpx's; a transport given keeps it on httpx
            async_client_args={"event_hooks": {"response": [response_hook]}, "transport": httpx2.AsyncHTTPTransport()},
        )
        client = genai.Client(**self._auth, http_options=options)
        _ = client.aio.models  # import the resource now, not inside the first timed call
        return client

    async def complete(self, request: Request) -> Completion:
        if self.stream:
            return await self._streamed(request)
        client = self._clients.get()
        with watching() as seen:
            try:
                response = await client.aio.models.generate_content(**to_params(request))
            except Exception as e:  # the call is all that runs here; to_error tells status, transport and body apart
                raise to_error(e, self._secrets, seen) from e
        return to_completion(response, seen.request_id)

    async def _streamed(self, request: Request) -> Completion:
        """google-genai raises an error chunk in the middle of a stream as the same APIError (its `code`) as before."""
        client, acc = self._clients.get(), GoogleStream()
        clock = Clock(acc)
        with watching() as seen:
            try:
                async for chunk in await client.aio.models.generate_content_stream(**to_params(request)):
                    if acc.feed(chunk):
                        clock.content()
            except Exception as e:  # the call is all that runs here; to_error tells status, transport and body apart
                err = to_error(e, self._secrets, seen)
                err.partial = acc.partial or None
                raise err from e
        return clock.stamp(to_completion(acc.response(), seen.request_id))

    async def aclose(self) -> None:
        await self._clients.aclose()


def _token_credentials(token: str) -> Any:
    """A fixed OAuth access token as google-auth credentials (no refresh: a new token means a new run)."""
    from google.oauth2.credentials import Credentials

    return Credentials(token)  # type: ignore[no-untyped-call]


async def _close(client: genai.Client) -> None:
    await client.aio.aclose()
    client.close()
