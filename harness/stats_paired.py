"""Moved to `harness.stats` (the one home of every statistic); kept as an alias for existing imports."""

from harness.stats import (
    PairedDifference,
    benjamini_hochberg,
    cohen_kappa,
    holm,
    mcnemar,
    non_inferiority,
    paired_difference,
    tost,
)

__all__ = [
    "PairedDifference", "benjamini_hochberg", "cohen_kappa", "holm", "mcnemar", "non_inferiority",
    "paired_difference", "tost",
]  # fmt: skip
