"""harness: continuous cross-model evaluation for LLM routing tables."""

__version__ = "0.1.0"

__all__ = ["__version__"]
