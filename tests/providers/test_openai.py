"""How the openai adapter posts a chat completion through the SDK client (`Route`): the same request on the wire
as the SDK's own merge of path and body, by a shorter way where the client allows it."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator

import openai
import pytest

from harness.config.models import Deployment, ModelTable
from harness.providers.base import ProviderSettings, make_provider
from harness.providers.openai import PATH, OpenAIProvider, route_of
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
