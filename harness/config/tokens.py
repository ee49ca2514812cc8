"""Offline token estimates: UTF-8 bytes ÷ the family's bytes-per-token factor, plus a safety margin.

Used before a call (eligibility, TPM budgets, cost estimates) where tiktoken and the vendors' count endpoints
would need the network. Providers' reported usage replaces the estimate afterwards: every cell stores both
(`est_input_tokens`, `input_tokens`), so the factors can be checked against real usage.

Measured against OpenAI's cl100k tokenizer (tests/config/test_tokens.py) on ~1,000 texts (Python documentation
topics and our datasets' inputs): real bytes per token range from ~2.8 (JSON, numbers) to ~5 (prose), median
~3.8. With the GPT factor 3.8 the plain estimate's median error is ~9%; with the 35% safety margin fewer than 5%
of texts are undercounted. Use the margin wherever a limit must not be crossed (context windows, budgets).
"""

from __future__ import annotations

import math

DEFAULT_BYTES_PER_TOKEN = 4.0
SAFETY_MARGIN = 0.35


def estimate_tokens(text: str, bytes_per_token: float = DEFAULT_BYTES_PER_TOKEN, margin: float = 0.0) -> int:
    """Estimated tokens in `text`; `margin` (e.g. 0.10) inflates it for limits that must not be crossed."""
    if not text:
        return 0
    return max(1, math.ceil(len(text.encode("utf-8")) / bytes_per_token * (1.0 + margin)))
