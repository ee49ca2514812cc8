"""harness: continuous cross-model evaluation for LLM routing tables.

`harness.open("results")` returns a `Results` object whose methods return pandas DataFrames (see README,
"Notebook exploration").
"""

from harness.explore import Results, open

__version__ = "0.1.0"

__all__ = ["Results", "__version__", "open"]
