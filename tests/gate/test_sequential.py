"""The sequential gate's design: boundaries against published values, error spending checked by simulation, and
the look-by-look decisions of `harness.gate.sequential.decide`."""

from __future__ import annotations

import random

import numpy as np
import pytest

from harness import stats
from harness.gate import sequential as seq

BARS = {"alpha": 0.05, "regression_margin": 0.03, "min_detectable_effect": 0.05}


@pytest.mark.parametrize(
    ("fractions", "expected"),
    [
        # Lan-DeMets O'Brien-Fleming-type spending, one-sided 0.025, equally spaced looks (Jennison & Turnbull 2000,
        # Table 7.6; gsDesign's sfLDOF gives the same)
        ((0.25, 0.5, 0.75, 1.0), (4.3326, 2.9631, 2.3590, 2.0141)),
        ((0.2, 0.4, 0.6, 0.8, 1.0), (4.8769, 3.3569, 2.6803, 2.2898, 2.0310)),
        ((1.0,), (1.9600,)),
    ],
)
def test_obrien_fleming_boundaries_match_published_values(fractions: tuple[float, ...], expected: tuple[float, ...]
                                                          ) -> None:  # fmt: skip
    assert seq.boundaries(fractions, 0.025) == pytest.approx(expected, abs=2e-4)


@pytest.mark.parametrize("kind", ["obf", "pocock"])
def test_boundaries_spend_exactly_alpha_under_h0(kind: seq.Spending) -> None:
    """200,000 Brownian paths observed at unequal looks: the share crossing each boundary first is its increment."""
    fractions = (0.15, 0.4, 0.7, 1.0)
    c = np.array(seq.boundaries(fractions, 0.05, kind))
    rng = np.random.default_rng(1)
    steps = rng.normal(0, np.sqrt(np.diff((0.0, *fractions))), (200_000, 4))
    z = np.cumsum(steps, 1) / np.sqrt(fractions)
    crossed = z >= c
    first = np.where(crossed.any(1), crossed.argmax(1), -1)
    spent = [seq.spent(kind, 0.05, t) for t in fractions]
    increments = np.diff((0.0, *spent))
    for k in range(4):
        assert (first == k).mean() == pytest.approx(increments[k], abs=0.0015)
    assert (first >= 0).mean() == pytest.approx(0.05, abs=0.0015)


def test_spending_functions() -> None:
    assert seq.spent("obf", 0.05, 1.0) == pytest.approx(0.05)
    assert seq.spent("pocock", 0.05, 1.0) == pytest.approx(0.05)
    assert seq.spent("obf", 0.05, 0.2) < 0.0001 < seq.spent("pocock", 0.05, 0.2)
    with pytest.raises(ValueError, match="increasing"):
        seq.boundaries((0.5, 0.5, 1.0), 0.05)


def _diff(n: int, mean_drop: float, sd: float = 0.5, seed: int = 0) -> stats.PairedDifference:
    rng = random.Random(seed)
    a = [rng.random() for _ in range(n)]
    noise = [rng.gauss(0, sd) for _ in range(n)]
    shift = sum(noise) / n
    b = [x - mean_drop + e - shift for x, e in zip(a, noise, strict=True)]  # exactly `mean_drop` on these cases
    return stats.paired_difference(a, b)


def test_a_clear_drop_stops_at_the_first_look_and_a_clear_non_drop_passes() -> None:
    looks = {
        "bad": seq.PairLook(_diff(400, 0.20), (0.2,)),
        "fine": seq.PairLook(_diff(400, -0.01, sd=0.05), (0.2,)),
        "unsure": seq.PairLook(_diff(400, 0.02, sd=0.6), (0.2,)),
    }
    out = seq.decide(looks, seq.Design(), {k: BARS for k in looks}, m=3)
    assert out == {"bad": "degraded", "fine": "pass", "unsure": "continue"}


def test_an_interim_look_is_stricter_than_the_last() -> None:
    """A drop significant at the fixed-n level but not at the first look's O'Brien-Fleming boundary waits."""
    d = _diff(400, 0.08, sd=0.5)
    p = stats.drop_p(d.diff, d.se, 0.0, d.df)
    assert seq.efficacy_p(seq.Design(), (0.2,), 1) < p < 0.05
    assert seq.decide({"x": seq.PairLook(d, (0.2,))}, seq.Design(), {"x": BARS}, 1)["x"] == "continue"
    last = seq.decide({"x": seq.PairLook(d, (0.2, 0.4, 0.6, 0.8, 1.0))}, seq.Design(), {"x": BARS}, 1)
    assert last["x"] == "degraded"


def test_holm_passes_alpha_on_after_a_rejection() -> None:
    """Two pairs: one clearly degraded frees the other to be tested at α rather than α/2 (Maurer & Bretz 2013)."""
    fr = (0.2, 0.4, 0.6, 0.8, 1.0)
    at_half, at_full = seq.efficacy_p(seq.Design(), fr, 2), seq.efficacy_p(seq.Design(), fr, 1)
    for step in range(200):
        d = _diff(300, 0.03 + step * 0.0005, sd=0.55)
        if at_half < stats.drop_p(d.diff, d.se, 0.0, d.df) < at_full:
            break
    else:
        pytest.fail("no draw between the two levels")
    bars = {"clear": BARS, "borderline": BARS}
    alone = seq.decide({"borderline": seq.PairLook(d, fr)}, seq.Design(), bars, m=2)
    assert alone["borderline"] != "degraded"
    both = seq.decide({"clear": seq.PairLook(_diff(300, 0.3), fr), "borderline": seq.PairLook(d, fr)},
                      seq.Design(), bars, m=2)  # fmt: skip
    assert both == {"clear": "degraded", "borderline": "degraded"}


def test_final_look_is_inconclusive_only_when_underpowered_and_not_ruled_out() -> None:
    fr = (0.2, 0.4, 0.6, 0.8, 1.0)
    small = seq.decide({"x": seq.PairLook(_diff(40, 0.0, sd=0.6), fr)}, seq.Design(), {"x": BARS}, 1)
    assert small["x"] == "inconclusive"
    big = seq.decide({"x": seq.PairLook(_diff(4000, 0.0, sd=0.3), fr)}, seq.Design(), {"x": BARS}, 1)
    assert big["x"] == "pass"


def test_repeated_interval_is_wider_early() -> None:
    d = _diff(500, 0.0)
    early, last = seq.repeated_interval(d, (0.2,)), seq.repeated_interval(d, (0.2, 0.4, 0.6, 0.8, 1.0))
    assert early[0] < last[0] < d.ci.low and d.ci.high < last[1] < early[1]


def test_cases_to_decide() -> None:
    d = _diff(100, 0.0, sd=0.5)
    need = stats.cases_to_decide(d.n, d.mde, 0.05)
    assert need is not None and need > 100
    assert need == pytest.approx(100 * (d.mde / 0.05) ** 2, abs=1)


def test_stages_take_a_seeded_random_sample_of_cases() -> None:
    cases = [f"c{i:03d}" for i in range(100)]
    order = seq.case_order(cases, "t", 0)
    assert sorted(order) == cases and order != cases and order == seq.case_order(reversed(cases), "t", 0)
    assert order != seq.case_order(cases, "t", 1) and order != seq.case_order(cases, "u", 0)
    assert seq.stage_sizes(100, seq.DEFAULT_LOOKS) == [20, 40, 60, 80, 100]
    assert seq.stage_sizes(3, seq.DEFAULT_LOOKS) == [2, 3] and seq.stage_sizes(7, (0.5,)) == [4, 7]
