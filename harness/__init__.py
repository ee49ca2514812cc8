"""harness: continuous cross-model evaluation for LLM routing tables.

`harness.open("results")` returns a `Results` object whose methods return pandas DataFrames (see README,
"Notebook exploration").
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["Results", "__version__", "open"]

if TYPE_CHECKING:
    from harness.report.notebook import Results, open


def __getattr__(name: str) -> Any:
    """`Results` and `open` load the notebook API on first use: `harness run` never needs it (start-up time)."""
    if name in ("Results", "open"):
        from harness.report import notebook

        return getattr(notebook, name)
    raise AttributeError(f"module 'harness' has no attribute {name!r}")
