"""Paired comparisons, resampling tests, multiple comparisons, verdicts and agreement (re-exported by `harness.stats`).

Every candidate and every run sees the same cases, so comparisons are paired (Miller §4): d_i = s_B,i − s_A,i over
the cases both have. Formulas: shared/reference/routing-and-statistics.md §3.4 and §4.3; checked in
tests/stats/test_paired.py and tests/stats/test_resampling.py against scipy, statsmodels, scikit-learn and textbook
values.

One rule decides "inconclusive" for the drift table of the report and for the CI gate (`drift_verdict`): a
comparison whose minimum detectable effect exceeds the task's `min_detectable_effect` cannot tell "no change" from a
change of that size, unless the data already show a significant regression or improvement.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from harness.stats import intervals as core

if TYPE_CHECKING:
    import numpy as np

    from harness.stats.intervals import Interval

Z_POWER_80 = 0.8416212335729143
"""z_β for 80% power: MDE = (z_{α/2} + z_β) · SE ≈ 2.8 · SE at α = 0.05 (Miller §5)."""
EXACT_SIGN_FLIP_MAX = 16
"""Up to this many units (cases, or clusters) the sign-flip test enumerates all 2^n sign patterns."""
DriftVerdict = Literal["regressed", "improved", "inconclusive", "no detectable change"]


@dataclass(frozen=True)
class PairedDifference:
    """Mean paired difference `b − a` over the cases both have, with its standard error and interval.

    Small-sample rule, one for every paired interval and test (report, notebook, gate): without clusters the SE is
    the ordinary one with t(n − 1) quantiles; with clusters it is the CR2 clustered SE with Bell–McCaffrey degrees
    of freedom (`intervals.cr2_standard_error`: statsmodels' CR1 with t(G − 1) when clusters are of equal size).
    `df` carries the degrees of freedom to every test built on it."""

    n: int
    mean_a: float
    mean_b: float
    diff: float
    se: float
    ci: Interval
    p_value: float
    """Two-sided t test on the (clustered) SE with `df` degrees of freedom; see `mcnemar` for pass/fail."""
    mde: float
    """Minimum detectable effect at two-sided α = 0.05 and 80% power: (t_{.975,df} + t_{.80,df}) · SE, 2.8 · SE
    for large df (Miller §5)."""
    correlation: float | None
    df: float = math.inf
    """Degrees of freedom of the t quantiles: n − 1, or Bell–McCaffrey's (G − 1 for equal clusters)."""
    clusters: int | None = None
    """G, the number of clusters, when the SE is clustered."""


def mde(se: float, df: float = math.inf, alpha: float = 0.05, power: float = 0.8) -> float:
    """The smallest true difference a two-sided test at `alpha` detects with `power`: (t_{1−α/2} + t_{power}) · SE."""
    return (core.t_value(1 - alpha, df) + core.t_value(2 * power - 1, df)) * se


def paired_difference(
    a: Sequence[float], b: Sequence[float], clusters: Sequence[Hashable] | None = None, confidence: float = 0.95
) -> PairedDifference:
    """`b − a` per case; SE clustered (CR2) when clusters are given (Miller §2.2, §4), t quantiles either way."""
    if len(a) != len(b):
        raise ValueError("paired samples must have the same length")
    n = len(a)
    if n < 2:
        raise ValueError("a paired difference needs at least 2 cases")
    d = [y - x for x, y in zip(a, b, strict=True)]
    dbar = core.mean(d)
    g = None
    if clusters is not None and len(set(clusters)) >= 2:
        se, df, g = core.cr2_standard_error(d, clusters)
    else:
        se, df = core.standard_error(d), n - 1
    t = core.t_value(confidence, df)
    p = 2 * core.t_sf(abs(dbar) / se, df) if se > 0 else (1.0 if dbar == 0 else 0.0)
    corr = None
    if len(set(a)) > 1 and len(set(b)) > 1:
        corr = statistics.correlation(a, b)
    interval = core.Interval(dbar - t * se, dbar + t * se, "clustered" if g is not None else "t")
    return PairedDifference(n, core.mean(a), core.mean(b), dbar, se, interval, p, mde(se, df), corr, df, g)


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


# --- Resampling tests ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResamplingTest:
    """A resampling test of the mean paired difference `b − a`."""

    n: int
    """Paired cases."""
    units: int
    """What was resampled or sign-flipped: cases, or whole clusters."""
    diff: float
    p_value: float
    """Two-sided."""
    ci: Interval | None
    """Percentile interval of the mean difference (bootstrap only)."""
    method: str
    """`bootstrap`, `cluster-bootstrap`, `exact` or `monte-carlo` (sign flips)."""
    resamples: int
    """Resamples drawn, or sign patterns enumerated."""


def _units(
    a: Sequence[float], b: Sequence[float], clusters: Sequence[Hashable] | None
) -> tuple[list[float], list[int]]:
    """Per unit (case, or cluster): the sum of its differences and its case count."""
    if len(a) != len(b) or (clusters is not None and len(clusters) != len(a)):
        raise ValueError("paired samples (and clusters) must have the same length")
    if len(a) < 2:
        raise ValueError("a paired test needs at least 2 cases")
    d = [y - x for x, y in zip(a, b, strict=True)]
    if clusters is None:
        return d, [1] * len(d)
    sums: dict[Hashable, float] = defaultdict(float)
    counts: dict[Hashable, int] = defaultdict(int)
    for x, c in zip(d, clusters, strict=True):
        sums[c] += x
        counts[c] += 1
    return list(sums.values()), list(counts.values())


def _chunks(total: int, width: int) -> list[int]:
    """Row counts of resampling chunks of about 2 M numbers each (bounded memory for large n)."""
    size = max(1, 2_000_000 // max(1, width))
    return [min(size, total - start) for start in range(0, total, size)]


def paired_bootstrap(
    a: Sequence[float],
    b: Sequence[float],
    clusters: Sequence[Hashable] | None = None,
    *,
    confidence: float = 0.95,
    resamples: int = 10_000,
    seed: int = 0,
) -> ResamplingTest:
    """Paired (cluster) bootstrap of the mean difference `b − a`: percentile interval and a two-sided p-value.

    Cases (or whole clusters) are resampled with replacement. The p-value is that of the bootstrap distribution
    shifted to the null: (1 + #{|d̄* − d̄| ≥ |d̄|}) / (B + 1)."""
    import numpy as np  # lazy, as in `stats.bootstrap_interval`

    sums_l, counts_l = _units(a, b, clusters)
    sums, counts = np.asarray(sums_l, dtype=float), np.asarray(counts_l, dtype=float)
    k, diff = len(sums), float(sums.sum() / counts.sum())
    rng = np.random.default_rng(seed)
    means = np.empty(resamples)
    start = 0
    for rows in _chunks(resamples, k):
        idx = rng.integers(0, k, size=(rows, k))
        means[start : start + rows] = sums[idx].sum(axis=1) / counts[idx].sum(axis=1)
        start += rows
    alpha = 1 - confidence
    low, high = np.quantile(means, [alpha / 2, 1 - alpha / 2])
    extreme = int(np.count_nonzero(np.abs(means - diff) >= abs(diff) - _tolerance(diff)))
    method = "bootstrap" if clusters is None else "cluster-bootstrap"
    ci = core.Interval(float(low), float(high), method)
    return ResamplingTest(len(a), k, diff, (1 + extreme) / (resamples + 1), ci, method, resamples)


def _tolerance(x: float) -> float:
    """Ties in floating point (scipy's permutation_test uses the same relative slack)."""
    return abs(x) * 100 * 2.220446049250313e-16


def _flip_means(sums: np.ndarray, signs: np.ndarray, n: int) -> np.ndarray:
    means: np.ndarray = (signs @ sums) / n
    return means


def sign_flip_test(
    a: Sequence[float],
    b: Sequence[float],
    clusters: Sequence[Hashable] | None = None,
    *,
    resamples: int = 10_000,
    seed: int = 0,
) -> ResamplingTest:
    """Paired sign-flip permutation test of H0: the mean difference `b − a` is 0 (differences symmetric about 0).

    Flips the sign of each case's difference, or of whole clusters' sums. Exact (all 2^n patterns, p = share with
    |d̄*| ≥ |d̄|) up to `EXACT_SIGN_FLIP_MAX` units; otherwise `resamples` random patterns and
    p = (1 + #{|d̄*| ≥ |d̄|}) / (B + 1)."""
    import numpy as np

    sums_l, counts_l = _units(a, b, clusters)
    sums, n = np.asarray(sums_l, dtype=float), sum(counts_l)
    k, diff = len(sums), float(sum(sums_l) / n)
    bound = abs(diff) - _tolerance(diff)
    if k <= EXACT_SIGN_FLIP_MAX:
        patterns = np.arange(2**k, dtype=np.int64)[:, None] >> np.arange(k, dtype=np.int64)
        signs = (patterns & 1) * 2 - 1
        extreme = int(np.count_nonzero(np.abs(_flip_means(sums, signs, n)) >= bound))
        return ResamplingTest(len(a), k, diff, extreme / 2**k, None, "exact", 2**k)
    rng = np.random.default_rng(seed)
    extreme = 0
    for rows in _chunks(resamples, k):
        signs = rng.integers(0, 2, size=(rows, k), dtype=np.int8).astype(float) * 2 - 1
        extreme += int(np.count_nonzero(np.abs(_flip_means(sums, signs, n)) >= bound))
    return ResamplingTest(len(a), k, diff, (1 + extreme) / (resamples + 1), None, "monte-carlo", resamples)


# --- Multiple comparisons -----------------------------------------------------------------------------------------


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


# --- Verdicts -----------------------------------------------------------------------------------------------------


def non_inferiority(diff: PairedDifference, margin: float, alpha: float = 0.05) -> str:
    """Verdict for `b` (a fallback) against `a` (its primary): superior, non-inferior, inferior or inconclusive.

    One-sided at `alpha`: the (1 − 2α) interval's lower bound above −margin means non-inferior (above 0:
    superior); its upper bound below −margin means inferior; otherwise the data cannot tell."""
    t = core.t_value(1 - 2 * alpha, diff.df)
    lo, hi = diff.diff - t * diff.se, diff.diff + t * diff.se
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
    t = core.t_value(1 - 2 * alpha, diff.df)
    lo, hi = diff.diff - t * diff.se, diff.diff + t * diff.se
    if -margin < lo and hi < margin:
        return "equivalent"
    if hi < -margin or lo > margin:
        return "different"
    return "inconclusive"


def drop_p(diff: float, se: float, margin: float, df: float = math.inf) -> float:
    """One-sided p for H0: the score dropped by at most `margin` (diff ≥ −margin) against H1: by more.

    The lower tail of t(df) at (diff + margin) / SE: small only when the drop clearly exceeds the margin."""
    if se <= 0:
        return 0.0 if diff < -margin else 1.0
    return core.t_sf(-(diff + margin) / se, df)


def cases_to_decide(n: int, mde: float, min_detectable_effect: float) -> int | None:
    """Cases at which a comparison's MDE would reach `min_detectable_effect`, the per-case spread staying as measured
    on `n` cases: n · (MDE / bar)², None when the spread is 0 (the CI gate's "about N cases would decide", routing
    advice's "N more cases would decide")."""
    if mde <= 0:
        return None
    return math.ceil(n * (mde / min_detectable_effect) ** 2)


def underpowered(mde: float, min_detectable_effect: float) -> bool:
    """The one "inconclusive" rule: these cases cannot detect an effect as large as the task asks to detect."""
    return mde > min_detectable_effect


def drift_verdict(diff: float, ci_low: float, mde: float, p_holm: float, bars: Mapping[str, float]) -> DriftVerdict:
    """A run against its baseline, for the report and the gate alike.

    `regressed`: the score dropped significantly (`p_holm`, the Holm-adjusted one-sided `drop_p` against "no drop",
    below `alpha`) and by more than `regression_margin` (the estimate; the margin is the practical size, not the
    null: testing H0 "drop ≤ margin" instead would cost most of the power that bench/gatestudy.py measures);
    `improved`: the gain exceeds the margin and the interval excludes 0; a significant
    result stands whatever the power. Otherwise `inconclusive` when `underpowered` (MDE above
    `min_detectable_effect`), else `no detectable change`."""
    if p_holm < bars["alpha"] and diff < -bars["regression_margin"]:
        return "regressed"
    if diff > bars["regression_margin"] and ci_low > 0:
        return "improved"
    if underpowered(mde, bars["min_detectable_effect"]):
        return "inconclusive"
    return "no detectable change"


# --- Agreement ----------------------------------------------------------------------------------------------------


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


def fleiss_kappa(ratings: Sequence[Sequence[Hashable]]) -> float | None:
    """Fleiss' κ: agreement of m ≥ 2 raters (here: chain positions) over items, each item rated by all of them.

    P̄ = mean_i (Σ_j n_ij² − m) / (m(m − 1)), P_e = Σ_j p_j²; κ = (P̄ − P_e) / (1 − P_e). None when there are no
    items or chance agreement is total (every rating the same category)."""
    if not ratings:
        return None
    m = len(ratings[0])
    if m < 2 or any(len(r) != m for r in ratings):
        raise ValueError("Fleiss' kappa needs the same number (≥ 2) of ratings per item")
    totals: dict[Hashable, int] = defaultdict(int)
    agreement = 0.0
    per_item: dict[tuple[Hashable, ...], float] = {}  # an item's term depends on its labels only (few distinct)
    for item in ratings:
        labels = tuple(item)
        term = per_item.get(labels)
        if term is None:
            counts: dict[Hashable, int] = defaultdict(int)
            for label in labels:
                counts[label] += 1
            term = per_item[labels] = (sum(c * c for c in counts.values()) - m) / (m * (m - 1))
        agreement += term
        for label in labels:
            totals[label] += 1
    p_bar = agreement / len(ratings)
    p_e = sum((t / (len(ratings) * m)) ** 2 for t in totals.values())
    return None if p_e >= 1 else (p_bar - p_e) / (1 - p_e)
