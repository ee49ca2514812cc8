"""One SDK client per event loop: the live providers' shared client bookkeeping.

The client is built at construction (outside any timed call) and reused by the loop that first uses it; another
loop gets a fresh one, because connections belong to the loop that opened them. `aclose` closes it in its loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

C = TypeVar("C")


class LoopClient(Generic[C]):
    def __init__(self, build: Callable[[], C], close: Callable[[C], Awaitable[None]]) -> None:
        self._build = build
        self._close = close
        self._loop: asyncio.AbstractEventLoop | None = None
        self._client: C | None = build()

    def get(self) -> C:
        loop = asyncio.get_running_loop()
        if self._client is None or (self._loop is not None and self._loop is not loop):
            self._client = self._build()
        self._loop = loop
        return self._client

    async def aclose(self) -> None:
        client, self._client = self._client, None
        if client is not None and self._loop in (None, asyncio.get_running_loop()):
            await self._close(client)
