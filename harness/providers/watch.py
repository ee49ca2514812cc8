"""What a caller timing one provider call sees of it while it runs: its first token and the text so far.

The runner's deadlines (`harness/run/deadlines.py`) set a `Watch` in `WATCH` around a call; a provider's stream
`Clock` (`stream_convert.py`) reports the first content chunk to it and registers its accumulator, so a call cut at
its deadline keeps the text it had delivered. Kept apart from `stream_convert` (which imports the SDKs' types), so
the runner imports nothing heavy.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any


class Watch:
    """What a caller timing an attempt sees of it while it runs (`run/deadlines.py`): a hook called at the first
    content chunk, and the text delivered so far. Set in `WATCH` around a provider call; providers reach it through
    their `Clock`, so a provider never imports the runner."""

    __slots__ = ("first_at", "on_first", "source")

    def __init__(self, on_first: Callable[[], None] | None = None) -> None:
        self.on_first = on_first
        self.first_at: float | None = None
        self.source: Any = None
        """The stream's accumulator (anything with a `partial` text), registered by the provider's `Clock`."""

    def first(self) -> None:
        self.first_at = time.perf_counter()
        if self.on_first is not None:
            self.on_first()

    def partial(self) -> str:
        return str(getattr(self.source, "partial", "") or "")


WATCH: ContextVar[Watch | None] = ContextVar("harness_attempt_watch", default=None)
