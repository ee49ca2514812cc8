"""Paired comparisons against scipy / statsmodels / scikit-learn and textbook values."""

import math
import random

import pytest
import scipy.stats
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.contingency_tables import mcnemar as sm_mcnemar
from statsmodels.stats.multitest import multipletests

from harness import stats


def test_paired_difference_matches_a_paired_t_setup() -> None:
    rng = random.Random(3)
    a = [rng.random() for _ in range(200)]
    b = [x + rng.gauss(0.012, 0.1) for x in a]
    d = stats.paired_difference(a, b)
    diffs = [y - x for x, y in zip(a, b, strict=True)]
    assert d.diff == pytest.approx(sum(diffs) / 200)
    assert d.se == pytest.approx(scipy.stats.sem(diffs))
    t = scipy.stats.t(199)
    assert d.mde == pytest.approx((t.ppf(0.975) + t.ppf(0.8)) * d.se, rel=1e-9)
    ref = scipy.stats.ttest_rel(b, a)
    assert d.df == 199 and d.clusters is None
    assert d.p_value == pytest.approx(ref.pvalue, rel=1e-9)
    low, high = ref.confidence_interval(0.95)
    assert (d.ci.low, d.ci.high) == (pytest.approx(low, rel=1e-9), pytest.approx(high, rel=1e-9))


@pytest.mark.parametrize("n", [6, 20, 30])
def test_small_n_uses_t_quantiles(n: int) -> None:
    """Issue 28: at 20-30 cases normal quantiles made 5.8-6.8% of no-change PRs fail; t(n - 1) is the exact rule."""
    rng = random.Random(n)
    a = [float(rng.random() < 0.6) for _ in range(n)]
    b = [float(rng.random() < 0.6) if i else 1 - a[0] for i in range(n)]
    d = stats.paired_difference(a, b)
    ref = scipy.stats.ttest_rel(b, a)
    assert d.p_value == pytest.approx(ref.pvalue, rel=1e-9)
    assert (d.diff - d.ci.low) / d.se == pytest.approx(scipy.stats.t.ppf(0.975, n - 1), rel=1e-9)
    p_one = scipy.stats.ttest_rel(b, a, alternative="less").pvalue
    assert stats.drop_p(d.diff, d.se, 0.0, d.df) == pytest.approx(p_one, rel=1e-9)


def _clustered(n: int, g: int, seed: int, balanced: bool) -> tuple[list[float], list[float], list[str]]:
    rng = random.Random(seed)
    clusters = [f"c{i % g}" for i in range(n)] if balanced else [f"c{rng.randrange(g)}" for _ in range(n)]
    clusters[:g] = [f"c{i}" for i in range(g)]  # every cluster present
    shift = {c: rng.gauss(0, 0.1) for c in set(clusters)}
    a = [float(rng.random() < 0.7) for _ in range(n)]
    b = [float(rng.random() < 0.7 + shift[c]) for c in clusters]
    return a, b, clusters


@pytest.mark.parametrize(("n", "g"), [(20, 5), (30, 10), (100, 20), (500, 50), (40, 2)])
def test_equal_clusters_match_statsmodels_cluster_robust_ols(n: int, g: int) -> None:
    """Equal cluster sizes: statsmodels' `cov_type="cluster"` fit of an intercept-only OLS (CR1) with `use_t`."""
    import numpy as np
    import statsmodels.api as sm

    a, b, clusters = _clustered(n, g, n * g, balanced=True)
    d = stats.paired_difference(a, b, clusters)
    diffs = np.array(b) - np.array(a)
    codes = np.unique(clusters, return_inverse=True)[1]
    fit = sm.OLS(diffs, np.ones((n, 1))).fit(cov_type="cluster", cov_kwds={"groups": codes}, use_t=True)
    assert d.clusters == g and d.df == pytest.approx(g - 1, rel=1e-9)
    assert d.se == pytest.approx(float(fit.bse[0]), rel=1e-9)
    assert d.p_value == pytest.approx(float(fit.pvalues[0]), rel=1e-9)
    low, high = fit.conf_int(0.05)[0]
    assert (d.ci.low, d.ci.high) == (pytest.approx(low, rel=1e-9), pytest.approx(high, rel=1e-9))
    t = scipy.stats.t(g - 1)
    assert d.mde == pytest.approx((t.ppf(0.975) + t.ppf(0.8)) * d.se, rel=1e-9)


def _cr2_by_matrices(x: list[float], clusters: list[str]) -> tuple[float, float]:
    """CR2 and Bell-McCaffrey df of a mean from the general regression formulas, with full matrices (Imbens &
    Kolesar 2016, eqs. 5 and 9, working model sigma^2 I): a reference written apart from harness.stats."""
    import numpy as np

    y = np.array(x)
    n = len(y)
    X = np.ones((n, 1))
    bread = np.linalg.inv(X.T @ X)
    H = X @ bread @ X.T
    resid = y - X @ (bread @ X.T @ y)
    meat = np.zeros((1, 1))
    columns = []
    for c in sorted(set(clusters)):
        idx = np.array([i for i, k in enumerate(clusters) if k == c])
        w, v = np.linalg.eigh(np.eye(len(idx)) - H[np.ix_(idx, idx)])
        adj = v @ np.diag(w**-0.5) @ v.T  # (I - H_gg)^(-1/2)
        u = X[idx].T @ adj @ resid[idx]
        meat += np.outer(u, u)
        columns.append((np.eye(n) - H)[:, idx] @ adj @ X[idx] @ bread)
    G = np.hstack(columns)
    lam = np.linalg.eigvalsh(G.T @ G)
    return float(np.sqrt((bread @ meat @ bread)[0, 0])), float(lam.sum() ** 2 / (lam**2).sum())


@pytest.mark.parametrize(("n", "g", "seed"), [(20, 5, 1), (30, 10, 2), (100, 20, 3), (60, 3, 4), (25, 24, 5)])
def test_unequal_clusters_match_cr2_with_bell_mccaffrey_df(n: int, g: int, seed: int) -> None:
    a, b, clusters = _clustered(n, g, seed, balanced=False)
    d = stats.paired_difference(a, b, clusters)
    se, df = _cr2_by_matrices([y - x for x, y in zip(a, b, strict=True)], clusters)
    assert d.se == pytest.approx(se, rel=1e-9) and d.df == pytest.approx(df, rel=1e-9)
    assert d.df < g - 1  # unequal sizes: fewer effective degrees of freedom than G - 1
    assert d.p_value == pytest.approx(2 * scipy.stats.t.sf(abs(d.diff) / se, df), rel=1e-9)


def test_one_case_per_cluster_is_the_ordinary_paired_t() -> None:
    rng = random.Random(5)
    a = [rng.random() for _ in range(12)]
    b = [rng.random() for _ in range(12)]
    plain, clustered = stats.paired_difference(a, b), stats.paired_difference(a, b, [str(i) for i in range(12)])
    assert clustered.se == pytest.approx(plain.se, rel=1e-12) and clustered.df == pytest.approx(plain.df) == 11
    assert clustered.p_value == pytest.approx(plain.p_value, rel=1e-12)


def test_verdicts_use_the_differences_degrees_of_freedom() -> None:
    """At 20 cases the 90% interval is t(19): 1.729 SEs, not 1.645, so a bound near the margin changes sides."""
    se = 0.01
    near = -0.05 + 1.70 * se  # inside 1.729 SEs of the margin, outside 1.645
    big = stats.PairedDifference(10_000, 0.8, 0.8 + near, near, se, stats.Interval(0, 0, "t"), 1.0, 0.0, None)
    small = stats.PairedDifference(20, 0.8, 0.8 + near, near, se, stats.Interval(0, 0, "t"), 1.0, 0.0, None, 19)
    assert stats.non_inferiority(big, margin=0.05) == "non-inferior"
    assert stats.non_inferiority(small, margin=0.05) == "inconclusive"


@pytest.mark.parametrize(("b", "c"), [(3, 9), (0, 5), (10, 10), (12, 1), (40, 25), (100, 70)])
def test_mcnemar(b: int, c: int) -> None:
    exact = b + c < 25
    ref = sm_mcnemar([[0, b], [c, 0]], exact=exact, correction=True).pvalue
    assert stats.mcnemar(b, c) == pytest.approx(ref, rel=1e-9)
    if exact:
        assert stats.mcnemar(b, c) == pytest.approx(scipy.stats.binomtest(min(b, c), b + c).pvalue)


def test_holm_and_bh_match_statsmodels() -> None:
    rng = random.Random(7)
    for _ in range(20):
        ps = [rng.random() ** 3 for _ in range(rng.randint(1, 12))]
        assert stats.holm(ps) == pytest.approx(list(multipletests(ps, method="holm")[1]))
        assert stats.benjamini_hochberg(ps) == pytest.approx(list(multipletests(ps, method="fdr_bh")[1]))


def test_kappa_matches_sklearn() -> None:
    rng = random.Random(1)
    a = [rng.choice("abc") for _ in range(300)]
    b = [x if rng.random() < 0.7 else rng.choice("abc") for x in a]
    assert stats.cohen_kappa(a, b) == pytest.approx(cohen_kappa_score(a, b))
    assert stats.cohen_kappa(["x"] * 5, ["x"] * 5) is None


def _diff(diff: float, se: float) -> stats.PairedDifference:
    ci = stats.Interval(diff - 1.96 * se, diff + 1.96 * se, "normal")
    return stats.PairedDifference(100, 0.8, 0.8 + diff, diff, se, ci, 1.0, 2.8 * se, None)


@pytest.mark.parametrize(
    ("diff", "se", "verdict"),
    [(0.0, 0.01, "non-inferior"), (0.05, 0.01, "superior"), (-0.2, 0.01, "inferior"), (-0.04, 0.05, "inconclusive")],
)
def test_non_inferiority(diff: float, se: float, verdict: str) -> None:
    assert stats.non_inferiority(_diff(diff, se), margin=0.05) == verdict


@pytest.mark.parametrize(
    ("diff", "se", "verdict"), [(0.0, 0.005, "equivalent"), (0.1, 0.005, "different"), (0.0, 0.05, "inconclusive")]
)
def test_tost(diff: float, se: float, verdict: str) -> None:
    assert stats.tost(_diff(diff, se), margin=0.02) == verdict
    # the one-sided bounds are the 90% interval
    z = scipy.stats.norm.ppf(0.95)
    assert math.isclose(stats.z_value(0.90), z, rel_tol=1e-9)
