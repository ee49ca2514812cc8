"""Resampling tests, Fleiss' kappa, scenario expectations and the shared verdict rule, against reference values.

The reference values were computed once with scipy 1.17.1 and statsmodels 0.15.0 (the calls are quoted beside each
constant) or come from textbooks, and are pasted here: these tests import neither.
"""

import math
import random

import pytest

from harness import stats
from harness.stats import ChainStep

A12 = [0.623, 0.742, 0.795, 0.942, 0.74, 0.922, 0.029, 0.466, 0.943, 0.649, 0.901, 0.113]
B12 = [0.592, 0.844, 0.686, 0.969, 0.924, 1.011, 0.047, 0.874, 1.032, 0.641, 1.005, 0.115]


def binary_pair() -> tuple[list[float], list[float]]:
    rng = random.Random(9)
    a = [float(rng.random() < 0.7) for _ in range(300)]
    b = [float(rng.random() < 0.62) for _ in range(300)]
    return a, b


def test_sign_flip_exact_matches_scipy_permutation_test() -> None:
    # scipy.stats.permutation_test((b, a), lambda x, y: np.mean(x - y), permutation_type="samples",
    #                              alternative="two-sided", n_resamples=np.inf).pvalue
    t = stats.sign_flip_test(A12, B12)
    assert t.method == "exact" and t.resamples == 2**12 and t.units == 12
    assert t.p_value == 0.0634765625  # 260 / 4096, exactly
    assert t.diff == pytest.approx(sum(B12) / 12 - sum(A12) / 12)
    # whole clusters flip together: the same test on the 4 cluster sums (16 patterns, 4 of them as extreme)
    clustered = stats.sign_flip_test(A12, B12, [i // 3 for i in range(12)])
    assert (clustered.units, clustered.resamples, clustered.p_value) == (4, 16, 0.25)
    # swapping the runs flips the sign of the difference, not the p-value
    assert stats.sign_flip_test(B12, A12).p_value == t.p_value


def test_sign_flip_monte_carlo_is_seeded_and_close_to_scipy() -> None:
    a, b = binary_pair()
    t = stats.sign_flip_test(a, b, resamples=20_000, seed=1)
    assert t.method == "monte-carlo" and t.units == 300
    # scipy.stats.permutation_test(..., permutation_type="samples", n_resamples=200_000, random_state=3): 0.00209;
    # Monte Carlo error of our p at B = 20,000 is about 0.0003
    assert abs(t.p_value - 0.00209) < 0.0012
    assert stats.sign_flip_test(a, b, resamples=20_000, seed=1) == t
    assert stats.sign_flip_test(a, b, resamples=20_000, seed=2).p_value != t.p_value
    # p is never 0: (1 + extreme) / (B + 1)
    assert stats.sign_flip_test([0.0] * 40, [1.0] * 40, resamples=999).p_value == pytest.approx(1 / 1000)


def test_sign_flip_null_difference_has_p_one() -> None:
    assert stats.sign_flip_test([0.5, 0.7, 0.1], [0.5, 0.7, 0.1]).p_value == 1.0


def test_paired_bootstrap_matches_scipy_and_the_normal_test() -> None:
    a, b = binary_pair()
    t = stats.paired_bootstrap(a, b, resamples=20_000, seed=1)
    # scipy.stats.bootstrap((b - a,), np.mean, n_resamples=20_000, method="percentile", random_state=1):
    # (-0.2, -0.046667); our draws differ, the interval may move by a Monte Carlo step of 1/300
    assert t.ci is not None and t.ci.method == "bootstrap"
    assert t.ci.low == pytest.approx(-0.2, abs=0.0068) and t.ci.high == pytest.approx(-0.046667, abs=0.0068)
    assert t.diff == pytest.approx(-0.123333333, abs=1e-9)
    # scipy.stats.ttest_rel(b, a).pvalue = 0.0017258; the bootstrap p agrees to Monte Carlo error
    assert t.p_value == pytest.approx(0.0017258, abs=0.0012)
    assert stats.paired_bootstrap(a, b, resamples=20_000, seed=1) == t


def test_cluster_bootstrap_resamples_whole_clusters() -> None:
    # perfectly correlated within clusters: two clusters of 50 → the cluster bootstrap can only see 3 means
    a = [0.0] * 100
    b = [1.0] * 50 + [0.0] * 50
    clusters = ["x"] * 50 + ["y"] * 50
    t = stats.paired_bootstrap(a, b, clusters, resamples=2000, seed=0)
    assert t.method == "cluster-bootstrap" and t.units == 2
    assert t.ci is not None and (t.ci.low, t.ci.high) == (0.0, 1.0)
    naive = stats.paired_bootstrap(a, b, resamples=2000, seed=0)
    assert naive.ci is not None and naive.ci.high - naive.ci.low < 0.25


def test_resampling_needs_pairs() -> None:
    with pytest.raises(ValueError):
        stats.sign_flip_test([1.0], [0.0])
    with pytest.raises(ValueError):
        stats.paired_bootstrap([1.0, 0.0], [0.0])


def test_fleiss_kappa_textbook_example() -> None:
    # Fleiss (1971) as tabulated on Wikipedia "Fleiss' kappa": 10 subjects, 14 raters, 5 categories, κ = 0.210
    # (statsmodels.stats.inter_rater.fleiss_kappa on the same table: 0.20993070442195522)
    table = [[0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
             [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7]]  # fmt: skip
    ratings = [[cat for cat, count in enumerate(row) for _ in range(count)] for row in table]
    assert stats.fleiss_kappa(ratings) == pytest.approx(0.20993070442195522, abs=1e-12)


def test_fleiss_kappa_matches_statsmodels() -> None:
    rng = random.Random(11)
    items = []
    for _ in range(60):
        truth = rng.choice("abcd")
        items.append([truth if rng.random() < 0.6 else rng.choice("abcd") for _ in range(4)])
    # statsmodels fleiss_kappa(aggregate_raters(codes)[0], method="fleiss")
    assert stats.fleiss_kappa(items) == pytest.approx(0.32792040174590503, abs=1e-12)


def test_fleiss_kappa_edges_and_two_raters() -> None:
    assert stats.fleiss_kappa([]) is None
    assert stats.fleiss_kappa([["x", "x"], ["x", "x"]]) is None  # chance agreement is total
    assert stats.fleiss_kappa([["a", "a"], ["b", "b"], ["a", "a"]]) == pytest.approx(1.0)
    with pytest.raises(ValueError):
        stats.fleiss_kappa([["a", "b"], ["a"]])
    # two raters: Fleiss' κ (pooled marginals) equals Scott's π, (p_o − p_e) / (1 − p_e)
    pairs = [("a", "a"), ("a", "b"), ("b", "b"), ("b", "b"), ("a", "a"), ("b", "a")]
    p_o, p_e = 4 / 6, 0.5**2 + 0.5**2  # 6 of the 12 ratings are "a"
    assert stats.fleiss_kappa([list(p) for p in pairs]) == pytest.approx((p_o - p_e) / (1 - p_e))


def test_scenario_expectation_hand_computed() -> None:
    # primary fails 40%, a fallback 10%, a canned answer never: π = (0.6, 0.36, 0.04)
    steps = [
        ChainStep(fail=0.4, quality=0.9, cost=3.0, latency_ms=1000, fail_cost=0.0, fail_latency_ms=200),
        ChainStep(fail=0.1, quality=0.8, cost=1.0, latency_ms=500, fail_cost=1.0, fail_latency_ms=300),
        ChainStep(fail=0.0, quality=0.1),
    ]
    e = stats.scenario_expectation(steps)
    assert e.served == pytest.approx((0.6, 0.36, 0.04)) and e.unserved == pytest.approx(0.0)
    assert e.quality == pytest.approx(0.6 * 0.9 + 0.36 * 0.8 + 0.04 * 0.1)  # 0.832
    # §3.4: E[cost] = Σ π_k (Σ_{j<k} c_fail_j + c_k) = 0.6·3 + 0.36·(0 + 1) + 0.04·(0 + 1 + 0)
    assert e.cost == pytest.approx(2.2)
    assert e.latency_ms == pytest.approx(0.6 * 1000 + 0.36 * (200 + 500) + 0.04 * (200 + 300))  # 872


def test_scenario_expectation_unserved_and_stops() -> None:
    # no canned answer: both fail → unserved, scored 0, having paid both failed attempts
    e = stats.scenario_expectation([ChainStep(0.5, 1.0, 2.0, fail_cost=2.0), ChainStep(0.5, 0.5, 1.0, fail_cost=1.0)])
    assert e.served == pytest.approx((0.5, 0.25)) and e.unserved == pytest.approx(0.25)
    assert e.quality == pytest.approx(0.5 + 0.125)
    assert e.cost == pytest.approx(2.0 + 0.5 * 1.0)
    # a failure class the policy never falls back on ends the walk: 20% of calls stop at the primary
    e = stats.scenario_expectation([ChainStep(0.5, 1.0, stop=0.2), ChainStep(0.0, 1.0)])
    assert e.served == pytest.approx((0.5, 0.3)) and e.unserved == pytest.approx(0.2)
    assert e.quality == pytest.approx(0.8)
    with pytest.raises(ValueError):
        stats.scenario_expectation([ChainStep(0.1, 1.0, stop=0.2)])


def test_drop_p_is_the_lower_tail() -> None:
    # Φ((diff + margin) / se), scipy.stats.norm.cdf: Φ(-2) = 0.022750131948179195, Φ(0.5) = 0.6914624612740131
    assert stats.drop_p(-0.07, 0.02, 0.03) == pytest.approx(0.022750131948179195, rel=1e-12)
    assert stats.drop_p(-0.02, 0.02, 0.03) == pytest.approx(0.6914624612740131, rel=1e-12)
    assert stats.drop_p(-0.04, 0.0, 0.03) == 0.0 and stats.drop_p(0.0, 0.0, 0.03) == 1.0


BARS = {"alpha": 0.05, "regression_margin": 0.03, "min_detectable_effect": 0.05}


@pytest.mark.parametrize(
    ("diff", "ci_low", "mde", "p_holm", "verdict"),
    [
        (-0.2, -0.3, 0.3, 0.01, "regressed"),  # significant: stands although underpowered
        (0.2, 0.05, 0.3, 0.9, "improved"),  # significant gain beyond the margin: stands too
        (0.02, -0.1, 0.06, 0.9, "inconclusive"),  # MDE 0.06 > 0.05
        (0.0, -0.04, 0.05, 0.9, "no detectable change"),  # MDE at the bar is enough
        (0.04, 0.01, 0.04, 0.9, "improved"),
        (-0.2, -0.3, 0.04, 0.06, "no detectable change"),  # not significant after Holm, powered
        (-0.02, -0.035, 0.02, 0.01, "no detectable change"),  # significant, but smaller than the margin
        (-0.031, -0.05, 0.02, 0.04, "regressed"),  # significant and beyond the margin
    ],
)
def test_drift_verdict_one_rule(diff: float, ci_low: float, mde: float, p_holm: float, verdict: str) -> None:
    assert stats.drift_verdict(diff, ci_low, mde, p_holm, BARS) == verdict
    assert stats.underpowered(mde, BARS["min_detectable_effect"]) is (mde > 0.05)


def test_stats_reexports_both_modules() -> None:
    from harness.stats import intervals, paired

    for name in ("paired_difference", "mcnemar", "holm", "fleiss_kappa", "drift_verdict", "PairedDifference"):
        assert getattr(stats, name) is getattr(paired, name)
    for name in ("wilson_interval", "summarise", "Interval", "pass_at_k"):
        assert getattr(stats, name) is getattr(intervals, name)
    public = {
        n for m in (intervals, paired) for n, v in vars(m).items()
        if not n.startswith("_") and (isinstance(v, type) or callable(v)) and v.__module__ == m.__name__
    }  # fmt: skip
    assert public and public <= set(stats.__all__), public - set(stats.__all__)
    assert all(hasattr(stats, n) for n in stats.__all__)
    with pytest.raises(AttributeError):
        stats.no_such_statistic  # noqa: B018
    assert math.isclose(stats.Z_POWER_80 + stats.z_value(0.95), 2.8016, rel_tol=1e-4)
