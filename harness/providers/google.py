"""The Gemini API through google-genai: async client, non-streaming, SDK retries off, an explicit timeout.

google-genai has no timeout by default (a stalled call would hang for ever) and retries only when asked; we
set both explicitly. The key comes only from the env var the model table names and travels in the
`x-goog-api-key` header, never in the URL. One client per event loop, created on first use, closed by `aclose`.
"""

from __future__ import annotations

from google import genai
from google.genai import types as gt

from harness.models import Deployment
from harness.providers.base import ProviderSettings
from harness.providers.google_convert import to_completion, to_error, to_params
from harness.providers.http_convert import api_key, require_client, response_hook, sdk_timeout, watching
from harness.providers.loop_client import LoopClient
from harness.types import Completion, Request


class GoogleProvider:
    simulated = False

    def __init__(self, deployment_id: str, deployment: Deployment, settings: ProviderSettings) -> None:
        require_client(deployment_id, deployment, ("direct",))
        self.id = deployment_id
        self.base_url = deployment.base_url
        self._key = api_key(deployment_id, deployment)
        self._timeout = sdk_timeout(settings)
        self._clients: LoopClient[genai.Client] = LoopClient(self._new_client, _close)

    def __repr__(self) -> str:
        return f"GoogleProvider({self.id!r})"

    def _new_client(self) -> genai.Client:
        options = gt.HttpOptions(
            base_url=self.base_url,
            timeout=int(self._timeout * 1000),  # milliseconds
            retry_options=gt.HttpRetryOptions(attempts=1),  # one retry layer: the runner's
            async_client_args={"event_hooks": {"response": [response_hook]}},
        )
        client = genai.Client(vertexai=False, api_key=self._key, http_options=options)
        _ = client.aio.models  # import the resource now, not inside the first timed call
        return client

    async def complete(self, request: Request) -> Completion:
        client = self._clients.get()
        with watching() as seen:
            try:
                response = await client.aio.models.generate_content(**to_params(request))
            except Exception as e:  # the call is all that runs here; to_error tells status, transport and body apart
                raise to_error(e, self._key, seen) from e
        return to_completion(response, seen.request_id)

    async def aclose(self) -> None:
        await self._clients.aclose()


async def _close(client: genai.Client) -> None:
    await client.aio.aclose()
    client.close()
