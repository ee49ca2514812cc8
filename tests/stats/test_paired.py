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
    assert d.mde == pytest.approx(2.8016 * d.se, rel=1e-3)
    assert d.ci.low < d.diff < d.ci.high
    assert d.p_value == pytest.approx(scipy.stats.ttest_rel(b, a).pvalue, rel=0.05)


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
