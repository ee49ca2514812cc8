"""The HTTP client under the openai and anthropic SDKs: which transport (aiohttp or httpx), with our response hook
and one TLS context per process.

Each SDK client takes an `http_client` (an httpx `AsyncClient`, the SDKs' documented seam); we hand it the SDK's
own `DefaultAioHttpClient` or `DefaultAsyncHttpxClient` with the same defaults, plus two things: the response hook
that records each response's status and request id (`http_convert.response_hook`), and `verify=` a TLS context
built once per process. Without it every client loads the CA bundle again (~20-40 ms of CPU: a run opens one
client per live deployment and event loop), and the context is the one the SDK would build: httpx's
`create_ssl_context()` with its defaults, rebuilt when `SSL_CERT_FILE` or `SSL_CERT_DIR` change.
"""

from __future__ import annotations

import functools
import os
import ssl
from typing import Any

from harness.errors import InputError
from harness.providers.http_convert import response_hook

#: Env var choosing the SDKs' HTTP transport: `aiohttp` (the default when aiohttp is installed) or `httpx`.
TRANSPORT_ENV = "HARNESS_HTTP_TRANSPORT"


def transport() -> str:
    """`aiohttp` when installed (the SDKs' `DefaultAioHttpClient`: about a fifth less CPU per call than httpx in
    bench/sdk.py, which is what bounds a run at high concurrency on few cores), else `httpx`; the env var decides
    when set."""
    wanted = os.environ.get(TRANSPORT_ENV, "").strip().lower()
    if wanted not in ("", "aiohttp", "httpx"):
        raise InputError(f"{TRANSPORT_ENV}={wanted!r}: expected aiohttp or httpx")
    if wanted == "httpx":
        return "httpx"
    try:
        import aiohttp  # noqa: F401
    except ImportError:
        if wanted == "aiohttp":
            raise InputError(f"{TRANSPORT_ENV}=aiohttp but aiohttp is not installed",
                             fix="pip install 'openai[aiohttp]' 'anthropic[aiohttp]'") from None  # fmt: skip
        return "httpx"
    return "aiohttp"


def tls_context() -> ssl.SSLContext:
    """The TLS context the SDKs' HTTP clients would each build (httpx's default verification), built once per
    process and CA location (a CA file rewritten in place is not read again until the process restarts). Shared
    by HTTP/1.1 clients only: httpx sets the context's ALPN protocols on each connection (to `http/1.1` for every
    client here, so sharing changes nothing); an HTTP/2 client must build its own."""
    return _tls_context(os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR"))


@functools.cache
def _tls_context(cert_file: str | None, cert_dir: str | None) -> ssl.SSLContext:
    import httpx2

    return httpx2.create_ssl_context()  # reads SSL_CERT_FILE / SSL_CERT_DIR itself: they are the cache key


def sdk_http_client(sdk: Any) -> Any:
    """The async HTTP client for an openai or anthropic SDK client, on `transport()`, with our response hook."""
    kw: dict[str, Any] = {"event_hooks": {"response": [response_hook]}, "verify": tls_context()}
    aio = getattr(sdk, "DefaultAioHttpClient", None)  # SDK releases before their aiohttp extra lack it
    if transport() == "aiohttp" and aio is not None:
        return aio(**kw)
    return sdk.DefaultAsyncHttpxClient(**kw)
