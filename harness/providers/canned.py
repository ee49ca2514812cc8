"""The canned provider: a fixed response, the last resort of a chain, graded like any other answer."""

from __future__ import annotations

import json

from harness.config.models import Deployment
from harness.providers.base import ProviderSettings
from harness.types import Completion, Request


class CannedProvider:
    simulated = False

    def __init__(self, deployment_id: str, deployment: Deployment, settings: ProviderSettings) -> None:
        response = deployment.response
        self.text = response if isinstance(response, str) else json.dumps(response, ensure_ascii=False)
        self.model = deployment.model or f"canned:{deployment_id}"

    async def complete(self, request: Request) -> Completion:
        return Completion(text=self.text, finish_reason="stop", served_model=self.model)
