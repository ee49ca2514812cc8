"""Anthropic's Messages API through the official SDK: async client, non-streaming, SDK retries off.

The key comes only from the env var the model table names. One client per event loop, created on first use
(so building a provider to validate a plan opens nothing) and closed by `aclose` at the end of the run.
"""

from __future__ import annotations

import anthropic

from harness.models import Deployment
from harness.providers.anthropic_convert import to_completion, to_error, to_params
from harness.providers.base import ProviderSettings
from harness.providers.http_convert import (
    CONNECT_TIMEOUT_S,
    api_key,
    require_client,
    response_hook,
    sdk_timeout,
    watching,
)
from harness.providers.loop_client import LoopClient
from harness.types import Completion, Request


class AnthropicProvider:
    simulated = False

    def __init__(self, deployment_id: str, deployment: Deployment, settings: ProviderSettings) -> None:
        require_client(deployment_id, deployment, ("direct",))
        self.id = deployment_id
        self.base_url = deployment.base_url
        self._key = api_key(deployment_id, deployment)
        self._timeout = sdk_timeout(settings)
        self._clients: LoopClient[anthropic.AsyncAnthropic] = LoopClient(self._new_client, _close)

    def __repr__(self) -> str:
        return f"AnthropicProvider({self.id!r})"

    def _new_client(self) -> anthropic.AsyncAnthropic:
        client = anthropic.AsyncAnthropic(
            api_key=self._key,
            base_url=self.base_url,
            max_retries=0,  # one retry layer: the runner's
            timeout=anthropic.Timeout(self._timeout, connect=CONNECT_TIMEOUT_S),
            http_client=anthropic.DefaultAsyncHttpxClient(event_hooks={"response": [response_hook]}),
        )
        _ = client.messages  # import the resource now, not inside the first timed call
        return client

    async def complete(self, request: Request) -> Completion:
        client = self._clients.get()
        with watching() as seen:
            try:
                message = await client.messages.create(**to_params(request))
            except Exception as e:  # the call is all that runs here; to_error tells status, transport and body apart
                raise to_error(e, self._key, seen) from e
        return to_completion(message)

    async def aclose(self) -> None:
        await self._clients.aclose()


async def _close(client: anthropic.AsyncAnthropic) -> None:
    await client.close()
