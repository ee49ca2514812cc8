"""What the three live providers share at the HTTP boundary: credentials, status → FailureClass, Retry-After,
redaction, and the provider request id of every response.

Pure functions except `api_key` (reads the environment) and the response hook (records into a per-call box).
Messages built here never contain a credential: every text that came from the wire passes through `redact`, with
every secret the provider holds (an API key; AWS key pair and session token; an access token).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import os
import re
import time
from collections.abc import Iterable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from harness.config.models import Deployment
from harness.errors import FailureClass, InputError, ProviderError
from harness.types import RateSignal

#: SDK timeouts sit a little above the runner's, so the runner's clock decides and the SDK's is a backstop.
SDK_TIMEOUT_MARGIN_S = 5.0
DEFAULT_TIMEOUT_S = 120.0
CONNECT_TIMEOUT_S = 10.0
MAX_MESSAGE = 300

F = FailureClass

Secrets = str | Sequence[str] | None
"""The credentials a provider holds: one key, several (AWS), or none known (Application Default Credentials)."""

_BY_STATUS: dict[int, FailureClass] = {
    400: F.bad_request, 401: F.auth_error, 402: F.quota_exhausted, 403: F.auth_error, 404: F.not_found,
    408: F.timeout, 409: F.server_error, 413: F.context_overflow, 422: F.bad_request, 429: F.rate_limited,
    500: F.server_error, 502: F.server_error, 503: F.overloaded, 504: F.timeout, 529: F.overloaded,
}  # fmt: skip

# Vendor codes and message fragments that refine a 400 (OpenAI `code`, Anthropic `error.type`, Gemini `status` or
# message). Checked in order; the first match wins.
_REFINE_400: tuple[tuple[str, FailureClass], ...] = (
    ("insufficient_quota", F.quota_exhausted),
    ("credit balance", F.quota_exhausted),
    ("context_length_exceeded", F.context_overflow),
    ("prompt is too long", F.context_overflow),
    ("maximum context length", F.context_overflow),
    ("exceeds the maximum number of tokens", F.context_overflow),
    ("content_policy", F.content_policy),
    ("content_filter", F.content_policy),
    ("unsupported_parameter", F.unsupported_param),
    ("unsupported_value", F.unsupported_param),
    ("not supported", F.unsupported_param),
    ("api key not valid", F.auth_error),
    ("api_key_invalid", F.auth_error),
)
_QUOTA = ("insufficient_quota",)  # OpenAI; Gemini's "Quota exceeded for metric" is a per-minute limit


def classify(status: int, detail: str = "") -> FailureClass:
    """The failure class of an HTTP error status, refined by the vendor's code, type or message."""
    base = _BY_STATUS.get(status) or (F.server_error if status >= 500 else F.bad_request)
    text = detail.lower()
    if base == F.bad_request:
        return next((refined for needle, refined in _REFINE_400 if needle in text), base)
    if base == F.rate_limited and any(needle in text for needle in _QUOTA):
        return F.quota_exhausted  # a spent quota does not come back with a retry
    return base


def retry_after(headers: Mapping[str, str], body: Any = None, now: float | None = None) -> float | None:
    """Seconds the server asked us to wait: `retry-after-ms`, `retry-after` (seconds or HTTP date), or a Gemini
    `RetryInfo.retryDelay` ("30s") in the error body. None when absent or unreadable."""
    ms = headers.get("retry-after-ms")
    if ms:
        try:
            return max(0.0, float(ms) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value:
        try:
            return max(0.0, float(value))
        except ValueError:
            parsed = email.utils.parsedate_to_datetime(value) if _looks_like_date(value) else None
            if parsed is not None:
                return max(0.0, parsed.timestamp() - (time.time() if now is None else now))
    return _retry_delay(body)


def _looks_like_date(value: str) -> bool:
    return bool(re.match(r"^[A-Za-z]{3}, \d{1,2} [A-Za-z]{3} \d{4} ", value))


def _retry_delay(body: Any) -> float | None:
    details = body.get("error", body).get("details") if isinstance(body, dict) else None
    for d in details if isinstance(details, list) else []:
        delay = d.get("retryDelay") if isinstance(d, dict) else None
        if isinstance(delay, str) and delay.endswith("s"):
            try:
                return max(0.0, float(delay[:-1]))
            except ValueError:
                return None
    return None


_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ms|h|m|s)")
_UNIT_S = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}


def rate_signal(headers: Mapping[str, str], body: Any = None, now: float | None = None) -> RateSignal | None:
    """What a response says about the deployment's rate limits, or None when it says nothing.

    OpenAI (and compatible servers): `x-ratelimit-{limit,remaining,reset}-{requests,tokens}`, reset as a duration
    ("1s", "6m0s", "20ms"); a limit with remaining 0 and a reset is spent. Anthropic:
    `anthropic-ratelimit-{requests,tokens,input-tokens,output-tokens}-{limit,remaining,reset}`, reset as an RFC
    3339 time; remaining 0 is spent. Gemini sends no such headers: a RESOURCE_EXHAUSTED body with a
    `google.rpc.QuotaFailure` detail names the quota that was exceeded (its RetryInfo the wait)."""
    limits: dict[tuple[bool, str], dict[str, str]] = {}  # (anthropic's, limit name) -> limit, remaining, reset
    for key, value in _limit_headers(headers):
        k = key.lower()
        if k.startswith("x-ratelimit-"):
            what, _, name = k[12:].partition("-")
            limits.setdefault((False, name), {})[what] = value
        elif k.startswith("anthropic-ratelimit-"):
            name, _, what = k[20:].rpartition("-")
            limits.setdefault((True, name), {})[what] = value
    headroom = reset = spent = None
    for (anthropic, name), fields in limits.items():
        remaining, limit = _number(fields.get("remaining")), _number(fields.get("limit"))
        if remaining is not None and limit:
            headroom = min(headroom if headroom is not None else 1.0, max(0.0, remaining / limit))
        when = _reset_s(fields.get("reset"), now)
        if remaining == 0 and spent is None and (anthropic or when is not None):
            spent, reset = name, when
    quota = _quota_failure(body)
    if quota is not None and spent is None:
        spent, reset = quota, _retry_delay(body)
    if spent is None and headroom is None:
        return None
    return RateSignal(spent is not None, headroom, reset, spent)


_LIMIT_PREFIXES = (b"x-ratelimit-", b"anthropic-ratelimit-")


def _limit_headers(headers: Mapping[str, str]) -> Iterable[tuple[str, str]]:
    """The headers that may name a limit. An httpx response's are picked from their raw bytes (`raw`) and only those
    are decoded (its `items()` decodes every name and value, each through a property)."""
    raw = getattr(headers, "raw", None)
    if not isinstance(raw, list):
        return headers.items()
    return [(k.decode("latin-1"), v.decode("latin-1")) for k, v in raw if k.lower().startswith(_LIMIT_PREFIXES)]


def _number(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _reset_s(value: str | None, now: float | None) -> float | None:
    """OpenAI's duration ("1m30.5s", "20ms") or Anthropic's RFC 3339 time, as seconds from now."""
    if not value:
        return None
    parts = _DURATION.findall(value)
    if parts and "".join(n + u for n, u in parts) == value.strip():
        return sum(float(n) * _UNIT_S[u] for n, u in parts)
    try:
        at = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return _number(value)  # a bare number of seconds
    return max(0.0, at.timestamp() - (time.time() if now is None else now))


def _quota_failure(body: Any) -> str | None:
    """The quota a Gemini RESOURCE_EXHAUSTED names in its `google.rpc.QuotaFailure` detail (its id or metric)."""
    details = body.get("error", body).get("details") if isinstance(body, dict) else None
    for d in details if isinstance(details, list) else []:
        if isinstance(d, dict) and str(d.get("@type", "")).endswith("google.rpc.QuotaFailure"):
            violations = d.get("violations") or [{}]
            first = violations[0] if isinstance(violations[0], dict) else {}
            return str(first.get("quotaId") or first.get("quotaMetric") or "quota")
    return None


# Key-shaped tokens, spelled so that no key prefix appears literally: OpenAI / Anthropic keys, Google API keys,
# AWS access key ids (long-term and temporary), Google OAuth access tokens.
_KEY_SHAPED = re.compile(r"(s[k]-[A-Za-z0-9_\-*]{6,}|AI[z]a[0-9A-Za-z_\-]{6,}|\bA[KS]IA[0-9A-Z]{12,}|ya[2]9\.[\w\-.]+)")
# Values after a credential's name: bearer tokens, key headers, SigV4's Credential= and Signature=, AWS secrets.
_AFTER_NAME = re.compile(
    r"(?i)(bearer\s+|api-key[\"':=\s]+|key=|credential=|signature=|x-amz-security-token[\"':=\s]+|"
    r"aws_secret_access_key[\"':=\s]+|aws_session_token[\"':=\s]+)[^\s\"',&]+"
)


def redact(text: str, secrets: Secrets) -> str:
    """`text` without the secrets, without any 8-character piece of them, and without key-shaped tokens."""
    for secret in [secrets] if isinstance(secrets, str) else secrets or ():
        if not secret:
            continue
        text = text.replace(secret, "[redacted]")
        for i in range(max(0, len(secret) - 7)):
            piece = secret[i : i + 8]
            if piece in text:
                text = text.replace(piece, "[redacted]")
    return _AFTER_NAME.sub(r"\1[redacted]", _KEY_SHAPED.sub("[redacted]", text))


def detail_of(body: Any) -> str:
    """The human part of a vendor error body: `error.message` plus its type / code / status."""
    err = body.get("error", body) if isinstance(body, dict) else body
    if isinstance(err, dict):
        parts = [str(err[k]) for k in ("type", "code", "status") if err.get(k)]
        message = err.get("message")
        return " ".join([*parts, str(message)] if message else parts) or json.dumps(err)[:MAX_MESSAGE]
    return str(err or "")


def status_error(
    vendor: str,
    status: int,
    body: Any,
    headers: Mapping[str, str],
    secret: Secrets,
    request_id: str | None = None,
) -> ProviderError:
    detail = redact(detail_of(body), secret)[:MAX_MESSAGE]
    return ProviderError(
        classify(status, detail),
        f"{vendor} HTTP {status}: {detail}".rstrip(": "),
        retry_after=retry_after(headers, body),
        status=status,
        request_id=request_id or request_id_of(headers),
        rate=rate_signal(headers, body) if status == 429 else None,
    )


def body_error(what: str, e: Exception, status: int | None, request_id: str | None) -> ProviderError:
    """A 2xx body the adapter could not read as `what` (e.g. "openai chat completion"): an invalid response."""
    message = f"{what} response did not match its schema ({type(e).__name__}: {e})"[:MAX_MESSAGE]
    return ProviderError(FailureClass.invalid_response, message, status=status, request_id=request_id)


def request_id_of(headers: Mapping[str, str]) -> str | None:
    """The provider's id for one response: Anthropic, OpenAI / Azure, Bedrock, Google."""
    for name in ("request-id", "x-request-id", "x-amzn-requestid", "x-goog-request-id"):
        if headers.get(name):
            return headers[name]
    return None


_CONNECTION = {"APIConnectionError", "TransportError", "NetworkError", "ProtocolError", "ConnectionError", "OSError"}


def _root(exc: BaseException) -> BaseException:
    """The first error in a chain of wrapped ones: the SDKs' aiohttp shim reports a dropped connection as a
    ConnectTimeout (its map sends every aiohttp ClientConnectionError there), so the class that happened decides."""
    seen = [exc]
    while (nxt := seen[-1].__cause__ or seen[-1].__context__) is not None and nxt not in seen and len(seen) < 10:
        seen.append(nxt)
    return seen[-1]


def _network_kind(exc: BaseException) -> str | None:
    names = {c.__name__ for c in type(exc).__mro__}
    if any("Timeout" in n for n in names):
        return "timeout"
    if names & _CONNECTION or "ClientConnectionError" in names:
        return "connection"
    return None


def transport_error(
    vendor: str, exc: BaseException, secret: Secrets, request_id: str | None, status: int | None = None
) -> ProviderError:
    """Errors without an HTTP status: timeouts, dropped connections, bodies that do not parse. Told apart by
    class names, so httpx, httpx2 and aiohttp transports map alike."""
    names = {c.__name__ for c in type(exc).__mro__}
    kind = _network_kind(_root(exc)) or _network_kind(exc)
    if kind == "timeout":
        cls, what = F.timeout, "timed out"
    elif kind == "connection":
        cls, what = F.connection_error, "connection failed"
    elif isinstance(exc, ValueError) or "APIResponseValidationError" in names:
        cls, what = F.invalid_response, "response body did not parse (truncated or malformed)"
    else:
        cls, what = F.invalid_response, "unexpected error from the SDK"
    cause = exc.__cause__ or exc.__context__
    why = redact(f"{type(exc).__name__}: {exc}" + (f" ({type(cause).__name__}: {cause})" if cause else ""), secret)
    return ProviderError(cls, f"{vendor} {what}: {why[:MAX_MESSAGE]}", status=status, request_id=request_id)


def api_key(deployment_id: str, dep: Deployment) -> str:
    """The deployment's key, from the env var the model table names; never from anywhere else."""
    env = dep.credentials_env
    if not env:
        raise InputError(
            f"deployment {deployment_id!r} has no `credentials_env`",
            fix="name the env var holding its API key in models.yaml",
        )
    value = os.environ.get(env, "").strip()
    if not value:
        raise InputError(
            f"deployment {deployment_id!r}: the env var {env} is not set",
            fix=f"export {env}=... or run with --mode sim",
        )
    return value


def require_client(deployment_id: str, dep: Deployment, allowed: tuple[str, ...]) -> None:
    if dep.client not in allowed:
        raise InputError(
            f"deployment {deployment_id!r}: client {dep.client!r} is not supported for provider {dep.provider!r} "
            f"(supported: {', '.join(allowed)})",
            fix=f"use one of: {', '.join(allowed)}",
        )


def sdk_timeout(settings: object) -> float:
    """The SDK's own timeout: the run's (`ProviderSettings.timeout_s` where the settings carry it) plus a margin,
    so the runner's clock decides and the SDK's is the backstop that keeps a stalled socket from living on."""
    value = getattr(settings, "timeout_s", None)
    return (float(value) if isinstance(value, int | float) else DEFAULT_TIMEOUT_S) + SDK_TIMEOUT_MARGIN_S


@dataclass
class Seen:
    """The last HTTP response of one provider call, as seen by the SDK's HTTP client."""

    status: int | None = None
    request_id: str | None = None


_seen: ContextVar[Seen | None] = ContextVar("harness_seen_response", default=None)


class watching:  # lower case: used as a function, `with watching() as seen`
    """Collect the request id of the responses of the calls made inside (even ones whose body won't parse). A class
    rather than a `@contextmanager` generator: it runs on every call."""

    __slots__ = ("_token", "seen")

    def __enter__(self) -> Seen:
        self.seen = Seen()
        self._token = _seen.set(self.seen)
        return self.seen

    def __exit__(self, *exc: object) -> None:
        _seen.reset(self._token)


async def response_hook(response: Any) -> None:
    """An httpx event hook: remember the status and request id of each response in the current call's box."""
    seen = _seen.get()
    if seen is not None:
        seen.status = response.status_code
        seen.request_id = request_id_of(response.headers)
