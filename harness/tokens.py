"""Offline token estimates: UTF-8 bytes ÷ the family's bytes-per-token factor, plus a safety margin.

Used before a call (eligibility, TPM budgets, cost estimates) where tiktoken and the vendors' count endpoints
would need the network. Providers' reported usage replaces the estimate afterwards.
"""

from __future__ import annotations

import math

DEFAULT_BYTES_PER_TOKEN = 4.0
SAFETY_MARGIN = 0.10


def estimate_tokens(text: str, bytes_per_token: float = DEFAULT_BYTES_PER_TOKEN, margin: float = 0.0) -> int:
    """Estimated tokens in `text`; `margin` (e.g. 0.10) inflates it for limits that must not be crossed."""
    if not text:
        return 0
    return max(1, math.ceil(len(text.encode("utf-8")) / bytes_per_token * (1.0 + margin)))
