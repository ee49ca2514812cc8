import asyncio

from harness.config.models import Deployment, ModelTable
from harness.providers.base import ProviderSettings
from harness.providers.canned import CannedProvider
from harness.types import Message, Request, RequestOptions


def test_canned_returns_its_response_as_json_text() -> None:
    dep = Deployment(provider="canned", response={"status": "unavailable"})
    p = CannedProvider("c", dep, ProviderSettings(ModelTable(deployments={"c": dep})))
    req = Request("c", "", (Message("user", "x"),), RequestOptions(), "h")
    c = asyncio.run(p.complete(req))
    assert c.text == '{"status": "unavailable"}' and not c.simulated and not p.simulated
