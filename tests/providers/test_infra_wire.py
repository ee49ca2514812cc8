"""The same SDKs on other infrastructure, end to end against the loopback server: Claude on Bedrock (SigV4 signatures
recomputed by the server, or a Bedrock API key) and on Vertex AI, Gemini on Vertex AI (an access token, or
Application Default Credentials refreshed through the server's token endpoint), GPT on Azure OpenAI (an API key or
an Entra ID token). Then images in every vendor's shape, on every lane."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harness.config.models import ModelTable
from harness.errors import FailureClass, InputError, ProviderError
from harness.providers.base import Provider, ProviderSettings, make_provider
from harness.types import Completion, Image, Message, Request, RequestOptions
from tests.canary import AWS_ACCESS_KEY, fake_key
from tests.fakeprov import (
    INFRA_LANES,
    KEY_ENVS,
    LANES,
    Prompt,
    Reply,
    Server,
    always,
    aws_env,
    http,
    lane_deployment,
    serve,
)
from tests.pngs import png

F = FailureClass
TOOL = {"name": "lookup", "description": "Look a thing up.",
        "parameters": {"type": "object", "properties": {"q": {"type": "string"}}, "required": ["q"]}}  # fmt: skip
ACCESS_KEY = fake_key(AWS_ACCESS_KEY, "CANARY7Q2W3E4R5T")
SECRET_KEY = "CANARYsecret/Kq8Zp3Lm9Xv2Rt7Bw1Jh5Ye4Nd6Fg0Ts"
SESSION_TOKEN = "CANARYsession+FwoGZXIvYXdzEJr//////////wEaDH7kq9Lm3Np2"
VERTEX_TOKEN = "CANARYvertex-access-token-9f8e7d6c5b4a"
AZURE_KEY = "CANARYazure0123456789abcdef01234567"
EXPECTED_AUTH = {"claude-bedrock": "sigv4-verified", "claude-vertex": "bearer", "gemini-vertex": "bearer",
                 "gpt-azure": "api-key"}  # fmt: skip
CREDENTIAL = {"claude-bedrock": ACCESS_KEY, "claude-vertex": VERTEX_TOKEN, "gemini-vertex": VERTEX_TOKEN,
              "gpt-azure": AZURE_KEY}  # fmt: skip


def answer(p: Prompt) -> Reply:
    if p.tools:
        return Reply(calls=((p.tools[0], {"q": "paris", "n": 2}),))
    return Reply(text=f"echo: {p.user}")


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with serve(answer) as s:
        s.aws_keys[ACCESS_KEY] = SECRET_KEY
        yield s


@pytest.fixture(autouse=True)
def _credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in aws_env(ACCESS_KEY, SECRET_KEY, SESSION_TOKEN).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("HX_VERTEX_TOKEN", VERTEX_TOKEN)
    monkeypatch.setenv("HX_AZURE_KEY", AZURE_KEY)
    for lane, env in KEY_ENVS.items():
        monkeypatch.setenv(env, f"key-{lane}-CANARY0123456789")


def provider(server: Server, lane: str, **overrides: Any) -> Provider:
    dep = lane_deployment(server, lane, **overrides)
    return make_provider(dep.provider, lane, dep, ProviderSettings(ModelTable(deployments={lane: dep})))


def call(p: Provider, model: str, user: str, images: tuple[Image, ...] = (), **options: Any) -> Completion:
    messages = (Message("system", "Be brief."), Message("user", user, images))
    req = Request("d", model, messages, RequestOptions(**options), "h")

    async def go() -> Completion:
        try:
            return await p.complete(req)
        finally:
            await p.aclose()  # type: ignore[attr-defined]

    return asyncio.run(go())


def call_lane(server: Server, lane: str, user: str, **options: Any) -> Completion:
    return call(provider(server, lane), lane_deployment(server, lane).model, user, **options)


@pytest.mark.parametrize("stream", [True, False], ids=["streamed", "whole"])
@pytest.mark.parametrize("lane", list(INFRA_LANES))
def test_plain_answer_through_the_infrastructure_route(server: Server, lane: str, stream: bool) -> None:
    """Streamed (the default) through each cloud's streaming route, or whole through its plain one."""
    c = call(provider(server, lane, stream=stream), lane_deployment(server, lane).model, f"hello {lane}", max_tokens=50)
    hit = server.lane(lane)[-1]
    api, infra, model, _ = INFRA_LANES[lane]
    assert (c.text, c.finish_reason, hit.status, hit.infra) == (f"echo: hello {lane}", "stop", 200, infra)
    assert hit.streamed == stream and (c.ttft_ms is not None) == stream
    assert (c.usage.input_tokens, c.usage.output_tokens) == (hit.input_tokens, hit.output_tokens)
    assert c.request_id == hit.request_id and c.served_model == f"{model}-served"
    assert (hit.auth, hit.credential) == (EXPECTED_AUTH[lane], CREDENTIAL[lane])
    if infra == "bedrock":
        method = "invoke-with-response-stream" if stream else "invoke"
        assert hit.path == f"/{lane}/model/{model}/{method}" and "model" not in hit.body
        assert hit.body["anthropic_version"] and hit.body["system"] == "Be brief."
    elif lane == "claude-vertex":
        assert hit.path == f"/{lane}/v1/projects/hx-project/locations/us-east5/publishers/anthropic/models/{model}:" + (
            "streamRawPredict" if stream else "rawPredict"
        )
        assert "model" not in hit.body and hit.body["anthropic_version"]
    elif lane == "gemini-vertex":
        assert hit.path.endswith(
            f"/projects/hx-project/locations/europe-west4/publishers/google/models/{model}:"
            + ("streamGenerateContent" if stream else "generateContent")
        )
    else:
        assert (hit.path, hit.query) == (
            f"/{lane}/openai/deployments/{model}/chat/completions",
            "api-version=2024-10-21",
        )
        assert hit.body["max_completion_tokens"] == 50


@pytest.mark.parametrize("lane", list(INFRA_LANES))
def test_tool_call(server: Server, lane: str) -> None:
    c = call_lane(server, lane, f"tools {lane}", tools=(TOOL,), tool_choice="lookup")
    assert c.finish_reason == "tool_calls"
    assert [(t.name, t.arguments) for t in c.tool_calls] == [("lookup", {"q": "paris", "n": 2})]


@pytest.mark.parametrize("lane", list(INFRA_LANES))
def test_errors_map_once_with_retry_after_and_request_id(server: Server, lane: str) -> None:
    for fault, cls, status in [(http(429, "7"), F.rate_limited, 429), (http(401), F.auth_error, 401),
                               (http(503), F.overloaded, 503)]:  # fmt: skip
        server.schedules[lane] = always(fault)
        before = len(server.lane(lane))
        with pytest.raises(ProviderError) as info:
            call_lane(server, lane, f"fault {status} {lane}")
        err = info.value
        assert (err.failure_class, err.status, len(server.lane(lane))) == (cls, status, before + 1), err.message
        assert err.request_id == server.lane(lane)[-1].request_id
        assert err.retry_after == (7.0 if status == 429 else None)
    server.schedules.pop(lane)


def test_bedrock_signature_is_checked_by_the_server(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    """The server recomputes the signature: a wrong secret key is refused as AWS would, and maps to auth_error."""
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "CANARYwrong/secret/0000000000000000000000")
    with pytest.raises(ProviderError) as info:
        call_lane(server, "claude-bedrock", "wrong secret")
    hit = server.lane("claude-bedrock")[-1]
    assert (hit.status, hit.outcome, info.value.failure_class) == (403, "unauthenticated", F.auth_error)
    assert "signature we calculated does not match" in info.value.message


def test_bedrock_api_key_goes_as_a_bearer_token(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_BEARER_TOKEN_BEDROCK", "CANARYbedrock-api-key-0123456789")
    c = call_lane(server, "claude-bedrock", "bearer please")
    hit = server.lane("claude-bedrock")[-1]
    assert c.text == "echo: bearer please"
    assert (hit.auth, hit.credential) == ("bearer", "CANARYbedrock-api-key-0123456789")


def test_bedrock_region_falls_back_to_aws_region(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_REGION", "ap-northeast-1")
    c = call(provider(server, "claude-bedrock", region=None), INFRA_LANES["claude-bedrock"][2], "regional")
    assert c.text == "echo: regional" and server.lane("claude-bedrock")[-1].auth == "sigv4-verified"
    monkeypatch.delenv("AWS_REGION")
    with pytest.raises(InputError, match="client bedrock needs a region"):
        provider(server, "claude-bedrock", region=None)


def test_azure_takes_an_entra_token_when_no_key_is_set(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HX_AZURE_KEY")
    monkeypatch.setenv("AZURE_OPENAI_AD_TOKEN", "CANARYentra-token-abcdef")
    c = call_lane(server, "gpt-azure", "entra")
    hit = server.lane("gpt-azure")[-1]
    assert c.text == "echo: entra" and (hit.auth, hit.credential) == ("bearer", "CANARYentra-token-abcdef")
    assert hit.query == "api-version=2024-10-21"


@pytest.mark.parametrize("lane", ["claude-vertex", "gemini-vertex"])
def test_vertex_with_application_default_credentials(
    server: Server, lane: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No access token in the environment: the SDK loads a service-account key file (ADC), trades a signed JWT for
    an access token at the server's token endpoint, then sends the token it got."""
    monkeypatch.delenv("HX_VERTEX_TOKEN")
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(service_account_file(tmp_path, server)))
    server.access_token = f"CANARYadc-token-for-{lane}"
    grants = server.token_grants
    c = call_lane(server, lane, f"adc {lane}")
    hit = server.lane(lane)[-1]
    assert c.text == f"echo: adc {lane}"
    assert (hit.auth, hit.credential) == ("bearer", f"CANARYadc-token-for-{lane}")
    assert server.token_grants > grants


def service_account_file(folder: Path, server: Server) -> Path:
    """A service-account key file (a fresh RSA key) whose token endpoint is the loopback server."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    path = folder / "service-account.json"
    path.write_text(json.dumps({"type": "service_account", "project_id": "hx-project", "private_key_id": "k1",
                                "private_key": pem.decode(), "client_email": "hx@hx-project.iam.gserviceaccount.com",
                                "client_id": "1", "token_uri": f"{server.url}/token"}))  # fmt: skip
    return path


def test_vertex_without_any_credentials_is_refused_at_construction(
    server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HX_VERTEX_TOKEN")
    monkeypatch.setenv("CLOUDSDK_CONFIG", str(tmp_path))  # no gcloud ADC file there
    with pytest.raises(InputError, match="no Google Cloud credentials"):
        provider(server, "gemini-vertex")
    with pytest.raises(InputError, match="needs a Google Cloud project"):
        provider(server, "claude-vertex", project=None)


# --- images ---------------------------------------------------------------------------------------------------------


def image(shade: int) -> Image:
    data = png(6, 5, shade)
    return Image("image/png", data, f"sha-{shade}", f"images/{shade}.png", 6, 5)


def _sent_images(hit_body: dict[str, Any], api: str) -> list[tuple[str, bytes]]:
    """The image parts of the last user turn, read in the vendor's own shape."""
    if api == "google":
        parts = hit_body["contents"][-1]["parts"]
        blobs = [p.get("inlineData") or p.get("inline_data") for p in parts if "text" not in p]
        assert "text" in parts[-1]  # images first, then the text
        return [(b.get("mimeType") or b.get("mime_type"), base64.b64decode(b["data"])) for b in blobs]
    content = hit_body["messages"][-1]["content"]
    assert content[-1] == {"type": "text", "text": "what does the chart say"}
    if api == "anthropic":
        assert all(b["source"]["type"] == "base64" for b in content[:-1])
        return [(b["source"]["media_type"], base64.b64decode(b["source"]["data"])) for b in content[:-1]]
    urls = [b["image_url"]["url"] for b in content[:-1]]
    assert all(u.startswith("data:image/png;base64,") for u in urls)
    return [("image/png", base64.b64decode(u.partition(",")[2])) for u in urls]


@pytest.mark.parametrize("lane", [*LANES, *INFRA_LANES])
def test_image_bytes_arrive_in_each_vendors_shape(server: Server, lane: str) -> None:
    images = (image(10), image(200))
    model = lane_deployment(server, lane).model
    c = call(provider(server, lane), model, "what does the chart say", images)
    hit = server.lane(lane)[-1]
    api = LANES.get(lane) or INFRA_LANES[lane][0]
    expected = [("image/png", i.data) for i in images]
    assert _sent_images(hit.body, api) == expected
    assert list(hit.images) == expected  # what the server decoded, too
    assert c.text == "echo: what does the chart say"  # answered from the text
