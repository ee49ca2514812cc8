"""harness/providers/http_client.py: the SDKs' HTTP clients share one TLS context per process and CA location."""

from __future__ import annotations

import asyncio
import ssl
from typing import Any

import anthropic
import certifi
import openai
import pytest

from harness.providers.http_client import TRANSPORT_ENV, sdk_http_client, tls_context


def _context(client: Any) -> ssl.SSLContext:
    transport = client._transport
    found = getattr(transport, "ssl_context", None)  # the SDKs' aiohttp transport
    if found is None:  # httpx's own: the connection pool holds it
        found = transport._pool._ssl_context
    assert isinstance(found, ssl.SSLContext)
    return found


@pytest.mark.parametrize("transport", ["aiohttp", "httpx"])
def test_every_sdk_client_gets_the_same_verifying_context(transport: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TRANSPORT_ENV, transport)
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    clients = [sdk_http_client(openai), sdk_http_client(openai), sdk_http_client(anthropic)]
    try:
        shared = tls_context()
        assert all(_context(c) is shared for c in clients)
        assert shared.verify_mode == ssl.CERT_REQUIRED and shared.check_hostname
        assert shared.cert_store_stats()["x509_ca"] > 0  # a CA bundle was loaded, as the SDK's own would
    finally:
        asyncio.run(_close(clients))


async def _close(clients: list[Any]) -> None:
    for c in clients:
        await c.aclose()


def test_a_new_ca_location_builds_a_new_context(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    default = tls_context()
    monkeypatch.setenv("SSL_CERT_FILE", certifi.where())
    mine = tls_context()
    assert mine is not default and mine is tls_context()
    assert mine.cert_store_stats()["x509_ca"] > 0
