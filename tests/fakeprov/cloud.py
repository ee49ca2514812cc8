"""How fakeprov checks the credentials each infrastructure's SDK sends, as the clouds would, and issues OAuth
access tokens for Application Default Credentials.

- direct: whatever key header came (x-api-key, x-goog-api-key, a bearer key) is recorded, never refused.
- bedrock: a SigV4 `Authorization: AWS4-HMAC-SHA256 ...` header whose signature is recomputed with botocore from
  the secret key the test registered for that access key id (403 when missing, unknown or wrong, as AWS
  answers), or a Bedrock API key as a bearer token.
- vertex: a bearer token (401 UNAUTHENTICATED without one).
- azure: `?api-version=` (404 without it, as Azure answers) and an `api-key` header or an Entra bearer token (401).
- `POST /token`: an OAuth token endpoint for service-account ADC files whose `token_uri` points here (google-auth
  honours a service account's `token_uri`; an `authorized_user` file always goes to Google's own endpoint).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from tests.fakeprov.wire import Route

_SIGV4 = re.compile(
    r"^AWS4-HMAC-SHA256 Credential=(?P<key>[^/]+)/(?P<date>\d{8})/(?P<region>[^/]+)/(?P<service>[^/]+)/aws4_request,"
    r" ?SignedHeaders=(?P<signed>[^,]+), ?Signature=(?P<signature>[0-9a-f]{64})$"
)


@dataclass(frozen=True)
class Auth:
    kind: str
    """x-api-key | x-goog-api-key | api-key | bearer | sigv4 | none"""
    credential: str | None = None
    status: int = 200
    """Not 200: the request is refused with this status and `problem`."""
    problem: str = ""


def _header(headers: Any, name: str) -> str:
    return str(headers.get(name) or "")


def presented(headers: Any) -> Auth:
    """The credential a request carries, without judging it."""
    for name in ("x-api-key", "x-goog-api-key", "api-key"):
        if _header(headers, name):
            return Auth(name, _header(headers, name))
    auth = _header(headers, "authorization")
    if auth.startswith("Bearer "):
        return Auth("bearer", auth.removeprefix("Bearer "))
    m = _SIGV4.match(auth)
    if m:
        return Auth("sigv4", m["key"])
    return Auth("none")


def authenticate(
    route: Route, method: str, url: str, query: str, headers: Any, body: bytes, aws_keys: Mapping[str, str]
) -> Auth:
    """Accept or refuse one request's credentials the way its infrastructure would."""
    seen = presented(headers)
    if route.infra == "bedrock":
        if seen.kind == "bearer":
            return seen
        if seen.kind != "sigv4":
            return Auth(seen.kind, seen.credential, 403, "Missing Authentication Token")
        return verify_sigv4(method, url, headers, body, aws_keys)
    if route.infra == "vertex" and seen.kind != "bearer":
        return Auth(seen.kind, seen.credential, 401, "Request is missing required authentication credential.")
    if route.infra == "azure":
        if "api-version" not in parse_qs(query):
            return Auth(seen.kind, seen.credential, 404, "Resource not found")
        if seen.kind not in ("api-key", "bearer"):
            return Auth(seen.kind, seen.credential, 401, "Access denied due to missing subscription key.")
    return seen


def verify_sigv4(method: str, url: str, headers: Any, body: bytes, aws_keys: Mapping[str, str]) -> Auth:
    """Recompute the request's SigV4 signature from the registered secret key: accepted only when it matches."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    m = _SIGV4.match(_header(headers, "authorization"))
    assert m is not None
    key = m["key"]
    if m["service"] != "bedrock" or key not in aws_keys or not _header(headers, "x-amz-date"):
        return Auth("sigv4", key, 403, "The security token included in the request is invalid.")
    signed = {name: _header(headers, name) for name in m["signed"].split(";")}
    request = AWSRequest(method=method, url=url, headers=signed, data=body)
    request.context["timestamp"] = _header(headers, "x-amz-date")
    token = _header(headers, "x-amz-security-token") or None
    signer = SigV4Auth(Credentials(key, aws_keys[key], token), "bedrock", m["region"])
    expected = signer.signature(signer.string_to_sign(request, signer.canonical_request(request)), request)
    if expected != m["signature"]:
        return Auth("sigv4", key, 403, "The request signature we calculated does not match the signature you provided.")
    return Auth("sigv4-verified", key)


JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"


def token_response(form: bytes, access_token: str) -> dict[str, Any]:
    """An OAuth 2.0 token endpoint's answer to a service account's signed JWT (or a refresh token) grant."""
    fields = parse_qs(form.decode())
    grant = (fields.get("grant_type") or [""])[0]
    jwt_ok = grant == JWT_BEARER and (fields.get("assertion") or [""])[0].count(".") == 2
    if not jwt_ok and not (grant == "refresh_token" and fields.get("refresh_token")):
        return {"error": "unsupported_grant_type"}
    return {"access_token": access_token, "expires_in": 3600, "token_type": "Bearer",
            "scope": "https://www.googleapis.com/auth/cloud-platform"}  # fmt: skip
