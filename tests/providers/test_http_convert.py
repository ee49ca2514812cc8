"""The shared HTTP boundary: status → FailureClass, Retry-After, redaction, transport errors, credentials."""

from __future__ import annotations

import json

import anthropic
import httpx2
import pytest

from harness.config.models import Deployment
from harness.errors import FailureClass, InputError
from harness.providers.http_convert import (
    api_key,
    classify,
    redact,
    require_client,
    retry_after,
    status_error,
    transport_error,
)
from tests.canary import ANTHROPIC, AWS_ACCESS_KEY, GOOGLE, OPENAI, fake_key

F = FailureClass


@pytest.mark.parametrize(
    ("status", "detail", "expected"),
    [
        (400, "invalid_request_error: max_tokens: must be positive", F.bad_request),
        (400, "context_length_exceeded This model's maximum context length is 128000 tokens", F.context_overflow),
        (400, "invalid_request_error prompt is too long: 210000 tokens > 200000 maximum", F.context_overflow),
        (400, "unsupported_parameter Unsupported parameter: 'max_tokens' is not supported", F.unsupported_param),
        (400, "content_policy_violation Your request was rejected", F.content_policy),
        (400, "INVALID_ARGUMENT API key not valid. Please pass a valid API key.", F.auth_error),
        (400, "invalid_request_error Your credit balance is too low", F.quota_exhausted),
        (401, "authentication_error invalid x-api-key", F.auth_error),
        (402, "billing_error", F.quota_exhausted),
        (403, "permission_error", F.auth_error),
        (404, "not_found_error model: claude-x", F.not_found),
        (408, "", F.timeout),
        (409, "", F.server_error),
        (413, "request_too_large", F.context_overflow),
        (422, "", F.bad_request),
        (429, "rate_limit_error", F.rate_limited),
        (429, "insufficient_quota You exceeded your current quota", F.quota_exhausted),
        (429, "RESOURCE_EXHAUSTED Quota exceeded for metric: requests per minute", F.rate_limited),
        (500, "api_error", F.server_error),
        (502, "", F.server_error),
        (503, "UNAVAILABLE The model is overloaded", F.overloaded),
        (504, "DEADLINE_EXCEEDED", F.timeout),
        (529, "overloaded_error", F.overloaded),
        (599, "", F.server_error),
        (418, "", F.bad_request),
    ],
)
def test_classify(status: int, detail: str, expected: FailureClass) -> None:
    assert classify(status, detail) == expected


def test_retry_after_sources() -> None:
    assert retry_after({"retry-after-ms": "1500", "retry-after": "9"}) == 1.5  # ms wins: more precise
    assert retry_after({"retry-after": "2"}) == 2.0
    assert retry_after({"retry-after": "0.25"}) == 0.25
    assert retry_after({"retry-after": "Wed, 21 Oct 2015 07:28:30 GMT"}, now=1445412480.0) == 30.0
    assert retry_after({"retry-after": "soon"}) is None
    assert retry_after({}) is None
    gemini = {"error": {"code": 429, "details": [{"@type": "type.googleapis.com/google.rpc.RetryInfo",
                                                  "retryDelay": "37s"}]}}  # fmt: skip
    assert retry_after({}, gemini) == 37.0
    assert retry_after({"retry-after": "90"}) == 90.0  # no cap here: the retry policy decides what to do with it


def test_redact_removes_the_key_any_8_char_piece_and_key_shapes() -> None:
    key = fake_key(ANTHROPIC, "CANARYqz7Xw9Lm4Np2Rt8Vb5")
    google = fake_key(GOOGLE, "XYZ123456")
    text = f"Incorrect API key provided: {key[:6]}****{key[-10:]}; full {key}; Bearer abc123def; ?key={google}"
    out = redact(text, key)
    assert key not in out
    assert not any(key[i : i + 8] in out for i in range(len(key) - 7))
    assert "abc123def" not in out and google not in out
    assert "Incorrect API key provided" in out


def test_redact_covers_cloud_credentials() -> None:
    """Every secret a cloud client holds is cut (and its 8-character pieces); AWS key ids, SigV4 header parts,
    session tokens, Google access tokens and Azure key headers are cut by shape even when not known."""
    access = fake_key(AWS_ACCESS_KEY, "CANARY7Q2W3E4R5T")
    secret, session = "CANARYsec/Kq8Zp3Lm9Xv2Rt7Bw1J", "FwoGZXIvCANARY+tok"
    other_id = fake_key(AWS_ACCESS_KEY, "ZZZZYYYYXXXXWWWW")
    google_token = "ya" + "29.a0AfB_byCANARYtoken"
    text = (
        f"Authorization: AWS4-HMAC-SHA256 Credential={access}/20261126/eu-central-1/bedrock/aws4_request, "
        f"SignedHeaders=host;x-amz-date, Signature={'ab' * 32} | part of the secret {secret[3:]} | "
        f"x-amz-security-token: {session} | token {google_token} | api-key: 0123CANARYazure | other {other_id}"
    )
    out = redact(text, (access, secret, session))
    for gone in (access, secret[3:11], session, "ab" * 32, google_token, "0123CANARYazure", other_id):
        assert gone not in out, gone
    assert out.startswith("Authorization: AWS4-HMAC-SHA256 Credential=[redacted]")
    assert "part of the secret" in out and "| token [redacted]" in out
    assert redact("nothing secret here", ()) == "nothing secret here" == redact("nothing secret here", None)


def test_status_error_keeps_status_retry_after_and_request_id_and_drops_the_key() -> None:
    key = fake_key(OPENAI, "CANARY-0123456789abcdef")
    body = {"error": {"message": f"Incorrect API key provided: {key}", "type": "invalid_request_error",
                      "code": "invalid_api_key"}}  # fmt: skip
    err = status_error("openai", 401, body, {"x-request-id": "req_1", "retry-after": "3"}, key)
    assert (err.failure_class, err.status, err.retry_after, err.request_id) == (F.auth_error, 401, 3.0, "req_1")
    assert err.message.startswith("openai HTTP 401: ") and "CANARY" not in err.message


def test_transport_errors_are_told_apart_by_kind() -> None:
    req = httpx2.Request("POST", "http://127.0.0.1/v1/messages")
    assert transport_error("x", httpx2.ReadTimeout("", request=req), None, None).failure_class == F.timeout
    assert transport_error("x", anthropic.APITimeoutError(req), None, None).failure_class == F.timeout
    dropped = httpx2.RemoteProtocolError("Server disconnected without sending a response.", request=req)
    assert transport_error("x", dropped, None, None).failure_class == F.connection_error
    assert transport_error("x", anthropic.APIConnectionError(request=req), None, None).failure_class == (
        F.connection_error
    )
    try:
        json.loads('{"id": "msg_1", "content": [{"ty')
    except json.JSONDecodeError as e:
        err = transport_error("anthropic", e, None, "req-9", 200)
    assert (err.failure_class, err.request_id, err.status) == (F.invalid_response, "req-9", 200)
    assert transport_error("x", RuntimeError("boom"), None, None).failure_class == F.invalid_response


def test_api_key_comes_only_from_the_named_env_var(monkeypatch: pytest.MonkeyPatch) -> None:
    dep = Deployment(provider="openai", model="m", credentials_env="HX_TEST_KEY")
    monkeypatch.setenv("OPENAI_API_KEY", fake_key(OPENAI, "the-sdk-default-var"))  # never consulted
    with pytest.raises(InputError, match="HX_TEST_KEY is not set"):
        api_key("d", dep)
    monkeypatch.setenv("HX_TEST_KEY", fake_key(OPENAI, "from-the-table"))
    assert api_key("d", dep) == fake_key(OPENAI, "from-the-table")
    with pytest.raises(InputError, match="no `credentials_env`"):
        api_key("d", Deployment(provider="openai", model="m"))


def test_a_client_the_provider_does_not_reach_is_refused_with_a_clear_message() -> None:
    dep = Deployment(provider="anthropic", model="m", client="bedrock", region="eu-central-1")
    with pytest.raises(InputError, match="client 'bedrock' is not supported for provider 'anthropic'"):
        require_client("claude-bedrock", dep, ("direct",))
