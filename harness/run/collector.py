"""The cyclic garbage collector while a run runs: what exists at its start frozen out of the scans, and the young
generation collected less often. Both undone when the run returns."""

from __future__ import annotations

import functools
import gc
import threading
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

#: The cyclic collector's first threshold while a run runs (CPython's default: 700 net allocations). In flight a
#: live call holds a few hundred young objects (the SDK's request and options, httpx's and aiohttp's), so at 700
#: the collector ran every few cells and scanned the calls in flight each time: ~0.05 ms of CPU a cell through the
#: SDK at zero latency (bench/sdk.py, paired). Cycles are rare here; at 10,000 they wait a little longer.
GC_THRESHOLD = 10_000

_lock = threading.Lock()
_depth = 0
_saved: tuple[int, ...] = (700, 10, 10)


def gc_tuned(fn: Callable[P, R]) -> Callable[P, R]:
    """Freeze what exists when a run starts (imported modules, schemas) out of the cyclic collector's scans, and
    the plan too once built (`_Session.execute`): full collections over them cost ~50 ms of a 3,000-cell plan
    and a third of the per-cell time of a cached rerun; and collect the young generation less often
    (`GC_THRESHOLD`). Both undone when the run returns, so a process that runs many (tests, notebooks) collects
    as usual between them (runs that overlap, in threads or nested: when the last one returns)."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        global _depth, _saved
        with _lock:  # runs that overlap (threads, a run inside a run) tune once and restore once, at the last
            if _depth == 0:
                _saved = gc.get_threshold()
                gc.freeze()
                if _saved[0]:  # 0: the process turned automatic collection off; left so
                    gc.set_threshold(max(_saved[0], GC_THRESHOLD), *_saved[1:])
            _depth += 1
        try:
            return fn(*args, **kwargs)
        finally:
            with _lock:
                _depth -= 1
                if _depth == 0:
                    gc.set_threshold(*_saved)
                    gc.unfreeze()

    return wrapper
