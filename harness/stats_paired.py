"""Paired comparisons: differences, McNemar, Holm / BH, MDE, non-inferiority, TOST, kappa.

To be folded into `harness/stats.py` (the one home of every statistic) once that module's first version lands.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from harness.stats import Interval, clustered_standard_error, mean, standard_error, z_value

# --- Paired comparisons (reports and the gate) -------------------------------------------------------------------
# Every candidate and every run sees the same cases, so comparisons are paired (Miller §4): d_i = s_A,i − s_B,i.


@dataclass(frozen=True)
class PairedDifference:
    """Mean paired difference `b − a` over the cases both have, with its standard error and interval."""

    n: int
    mean_a: float
    mean_b: float
    diff: float
    se: float
    ci: Interval
    p_value: float
    """Two-sided, normal approximation on the (clustered) SE; see `mcnemar` for pass/fail."""
    mde: float
    """Minimum detectable effect at α = 0.05 and 80% power: 2.8 · SE (Miller §5)."""
    correlation: float | None


def _normal_p(z: float) -> float:
    return math.erfc(abs(z) / math.sqrt(2))


def paired_difference(
    a: Sequence[float], b: Sequence[float], clusters: Sequence[Hashable] | None = None, confidence: float = 0.95
) -> PairedDifference:
    """`b − a` per case; SE clustered when clusters are given (Miller §2.2, §4)."""
    if len(a) != len(b):
        raise ValueError("paired samples must have the same length")
    n = len(a)
    if n < 2:
        raise ValueError("a paired difference needs at least 2 cases")
    d = [y - x for x, y in zip(a, b, strict=True)]
    dbar = mean(d)
    se = clustered_standard_error(d, clusters) if clusters is not None else standard_error(d)
    z = z_value(confidence)
    p = _normal_p(dbar / se) if se > 0 else (1.0 if dbar == 0 else 0.0)
    corr = None
    if len(set(a)) > 1 and len(set(b)) > 1:
        corr = statistics.correlation(a, b)
    interval = Interval(dbar - z * se, dbar + z * se, "clustered" if clusters is not None else "normal")
    mde = (z_value(0.95) + 0.8416212335729143) * se  # z_{α/2} + z_β for α = 0.05, power 0.8
    return PairedDifference(n, mean(a), mean(b), dbar, se, interval, p, mde, corr)


def mcnemar(b: int, c: int) -> float:
    """Two-sided p-value for paired pass/fail: b = A pass & B fail, c = A fail & B pass.

    Exact binomial below 25 discordant pairs, otherwise χ² with continuity correction (1 df)."""
    n = b + c
    if n == 0:
        return 1.0
    if n < 25:
        k = min(b, c)
        tail: float = sum(math.comb(n, i) for i in range(k + 1)) / 2**n
        return min(1.0, 2 * tail)
    chi2 = (abs(b - c) - 1) ** 2 / n
    return float(math.erfc(math.sqrt(chi2 / 2)))


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm-adjusted p-values (step-down, monotone), in the input order."""
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    adjusted = [0.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p_values[i]))
        adjusted[i] = running
    return adjusted


def benjamini_hochberg(p_values: Sequence[float]) -> list[float]:
    """BH-adjusted p-values (FDR), in the input order."""
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i], reverse=True)
    adjusted = [0.0] * m
    running = 1.0
    for rank, i in enumerate(order):
        running = min(running, p_values[i] * m / (m - rank))
        adjusted[i] = running
    return adjusted


def non_inferiority(diff: PairedDifference, margin: float, alpha: float = 0.05) -> str:
    """Verdict for `b` (a fallback) against `a` (its primary): superior, non-inferior, inferior or inconclusive.

    One-sided at `alpha`: the (1 − 2α) interval's lower bound above −margin means non-inferior (above 0:
    superior); its upper bound below −margin means inferior; otherwise the data cannot tell."""
    z = z_value(1 - 2 * alpha)
    lo, hi = diff.diff - z * diff.se, diff.diff + z * diff.se
    if lo > 0:
        return "superior"
    if lo > -margin:
        return "non-inferior"
    if hi < -margin:
        return "inferior"
    return "inconclusive"


def tost(diff: PairedDifference, margin: float, alpha: float = 0.05) -> str:
    """Two one-sided tests: `equivalent` when the (1 − 2α) interval lies inside ±margin, `different` when it lies
    wholly outside, else `inconclusive`."""
    z = z_value(1 - 2 * alpha)
    lo, hi = diff.diff - z * diff.se, diff.diff + z * diff.se
    if -margin < lo and hi < margin:
        return "equivalent"
    if hi < -margin or lo > margin:
        return "different"
    return "inconclusive"


def cohen_kappa(a: Sequence[Hashable], b: Sequence[Hashable]) -> float | None:
    """Agreement between two raters beyond chance; None when chance agreement is total."""
    n = len(a)
    if n == 0 or n != len(b):
        return None
    po = sum(x == y for x, y in zip(a, b, strict=True)) / n
    ca: dict[Hashable, int] = defaultdict(int)
    cb: dict[Hashable, int] = defaultdict(int)
    for x, y in zip(a, b, strict=True):
        ca[x] += 1
        cb[y] += 1
    pe = sum(ca[k] * cb.get(k, 0) for k in ca) / n**2
    return None if pe >= 1 else (po - pe) / (1 - pe)
