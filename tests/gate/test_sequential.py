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


def test_the_extension_look_spends_the_share_the_main_looks_kept() -> None:
    """Brownian paths observed at the five looks and then at information 1.6 (more samples of the same cases): with
    a fifth of α kept, the main looks spend 0.8 α on the O'Brien-Fleming shape and the extension look the rest."""
    design = seq.Design().with_extension(0.2)
    fractions = (0.2, 0.4, 0.6, 0.8, 1.0, 1.6)
    c = np.array([_z(seq.efficacy_p(design, fractions[: k + 1], 1)) for k in range(6)])
    rng = np.random.default_rng(2)
    steps = rng.normal(0, np.sqrt(np.diff((0.0, *fractions))), (200_000, 6))
    z = np.cumsum(steps, 1) / np.sqrt(fractions)
    crossed = z >= c
    first = np.where(crossed.any(1), crossed.argmax(1), -1)
    assert ((first >= 0) & (first < 5)).mean() == pytest.approx(0.8 * 0.05, abs=0.0015)
    assert (first == 5).mean() == pytest.approx(0.2 * 0.05, abs=0.001)
    assert (first >= 0).mean() == pytest.approx(0.05, abs=0.0015)
    plain = seq.efficacy_p(seq.Design(top_up=1.0), fractions[:5], 1)
    assert seq.efficacy_p(design, fractions[:5], 1) < plain  # keeping alpha back makes the last main look stricter
    with pytest.raises(ValueError, match="one extension look"):
        seq.efficacy_p(design, (*fractions, 2.0), 1)


def _z(p: float) -> float:
    import statistics

    return statistics.NormalDist().inv_cdf(1 - p)


def test_no_futility_pass_at_the_extension_look_only_the_fixed_n_rules() -> None:
    """The futility boundary spent all its alpha by the full dataset: after the extension a pair passes on its MDE
    or stays inconclusive; an extension look needs a design that kept alpha for it."""
    design = seq.Design().with_extension()
    fr = (0.2, 0.4, 0.6, 0.8, 1.0, 1.5)
    assert seq.futility_p(design, fr) == 0.0
    small = seq.decide({"x": seq.PairLook(_diff(40, 0.0, sd=0.6), fr)}, design, {"x": BARS}, 1)
    big = seq.decide({"x": seq.PairLook(_diff(4000, 0.0, sd=0.3), fr)}, design, {"x": BARS}, 1)
    assert small["x"] == "inconclusive" and big["x"] == "pass"
    assert seq.efficacy_p(seq.Design(top_up=1.0), fr, 1) == 0.0  # nothing kept: the extension can never fail a pair


def test_samples_to_decide_predicts_from_the_within_case_spread() -> None:
    """One sample per case of p = 0.9 on both sides, independent: a case's difference varies by 2 p(1 − p); r more
    head samples leave p(1 − p)(1 + 1/(1 + r)), so the MDE scales by √(1 − (1 − 1/(1 + r))/2)."""
    rng = random.Random(3)
    base = {f"c{i}": float(rng.random() < 0.9) for i in range(400)}
    head = {c: [float(rng.random() < 0.9)] for c in base}
    d = stats.paired_difference([base[c] for c in base], [head[c][0] for c in base])
    scale = [(1 - (1 - 1 / (1 + r)) / 2) ** 0.5 for r in (1, 2, 3)]
    assert 0.05 < d.mde < 0.06 and d.mde * scale[0] < 0.05  # this draw: MDE 0.0567, 0.0491 after one more
    assert seq.samples_to_decide(head, base, d.mde, 0.05, 3) == 1
    assert seq.samples_to_decide(head, base, d.mde, d.mde * scale[1] * 1.01, 3) == 2
    assert seq.samples_to_decide(head, base, d.mde, d.mde * scale[2] * 0.99, 3) is None
    shared = {c: [base[c]] for c in base}  # answers the baseline shares: more samples of them would not help
    tied = stats.paired_difference([base[c] for c in base], [float(x < 0.5) for x in (rng.random() for _ in base)])
    assert seq.samples_to_decide(shared, base, tied.mde, 0.05, 3) is None
    many = {c: [float(rng.random() < 0.9) for _ in range(3)] for c in base}  # three samples: measured directly
    dm = stats.paired_difference([base[c] for c in base], [sum(v) / 3 for v in many.values()])
    assert seq.samples_to_decide(many, base, dm.mde, 0.05, 9) in (None, *range(1, 10))


def test_extension_fraction_and_note() -> None:
    before, after = _diff(400, 0.0, sd=0.6), _diff(400, 0.0, sd=0.45)
    t = seq.extension_fraction(before, after)
    assert t == round((before.se / after.se) ** 2, 3) and t > 1.5
    assert seq.extension_fraction(after, before) == 1.001  # noisier after: never a look before the last
    ext = seq.Extension(2, 1, 800, 0.0123)
    o = seq.Outcome("pass", 6, 6, 400, 400, (0.2, 0.4, 0.6, 0.8, 1.0, t), (-0.01, 0.02), ext)
    assert o.note().startswith("sequential: stopped at the extension look (2 more samples per case on top of 1: 800 "
                               "cells, $0.0123): decided with the extra samples")  # fmt: skip


def test_an_extension_is_planned_only_where_the_baseline_predicts_an_underpowered_pair() -> None:
    rng = np.random.default_rng(3)
    p = rng.beta(2, 1, 2000)
    binary = (rng.random(2000) < p).astype(float).tolist()  # one pass/fail sample per case: Var ~ 0.22
    assert not seq.extension_needed(binary, 0.05)  # 2,000 cases: MDE at most ~0.037, the full dataset decides
    assert seq.extension_needed(binary[:500], 0.05)  # 500 cases: the bound is ~0.075, over the bar
    assert seq.extension_needed(binary, 0.05, clustered=True)  # the bound does not cover a clustered SE
    assert seq.extension_needed([1.0, 0.0], 0.05)  # too few cases to tell
    certain = [1.0] * 1999 + [0.0]  # near-certain cases: even 300 of them decide
    assert not seq.extension_needed(certain[-300:], 0.05)


def test_the_staged_gate_keeps_alpha_for_an_extension_only_when_a_pair_needs_it() -> None:
    from types import SimpleNamespace

    from harness.gate import baseline as bl
    from harness.gate.staged import _design

    rng = np.random.default_rng(5)

    def rows(n: int) -> list[dict[str, object]]:
        scores = (rng.random(n) < rng.beta(2, 1, n)).astype(float)
        return [{"case_id": f"c{i}", "score": s, "passed": s == 1.0, "cluster": None} for i, s in enumerate(scores)]

    quality = SimpleNamespace(min_detectable_effect=0.05)
    head = SimpleNamespace(suite=SimpleNamespace(tasks={"t": SimpleNamespace(quality=quality)}))
    big, small = ("t", "a", "base"), ("t", "b", "base")
    baseline = bl.Baseline({}, {}, {}, {big: rows(2000), small: rows(400)})
    notes: list[str] = []
    assert _design(baseline, {big}, head, None, notes).extension_share == 0  # no --max-extra-cost
    assert _design(baseline, {big}, head, 5.0, notes).extension_share == 0
    assert notes and "no extension planned" in notes[0]
    assert _design(baseline, {big, small}, head, 5.0, []).extension_share == 0.25  # the small pair needs one


def test_the_top_up_design_spends_exactly_alpha() -> None:
    """The default design plans information 1.1: the main looks spend α(t / 1.1) on the O'Brien-Fleming shape and
    the top-up look the rest, at whatever information it reached. By the recursion: the paths left below every
    boundary after the top-up look hold 1 − α to 1e-4; by 200,000 Brownian paths: the shares crossing first."""
    from harness.gate import boundaries as bd

    design, level = seq.Design(), 0.05
    main = (0.2, 0.4, 0.6, 0.8, 1.0)
    for reached in (1.04, 1.1, 1.3):  # short of, at, and past the planned information
        fractions = (*main, reached)
        targets = [*seq.increments([f / 1.1 for f in main], level), level - seq.spent("obf", level, 1 / 1.1)]
        _, _, weights = bd._region(*bd._keyed(fractions, targets))
        assert 1 - weights.sum() == pytest.approx(level, abs=1e-4)
    fractions = (*main, 1.1)
    c = np.array([_z(seq.efficacy_p(design, fractions[: k + 1], 1)) for k in range(6)])
    rng = np.random.default_rng(4)
    steps = rng.normal(0, np.sqrt(np.diff((0.0, *fractions))), (200_000, 6))
    z = np.cumsum(steps, 1) / np.sqrt(fractions)
    crossed = z >= c
    first = np.where(crossed.any(1), crossed.argmax(1), -1)
    assert ((first >= 0) & (first < 5)).mean() == pytest.approx(seq.spent("obf", level, 1 / 1.1), abs=0.0015)
    assert (first >= 0).mean() == pytest.approx(level, abs=0.0015)
    plain = seq.design_boundaries(main, level)
    assert c[4] > plain[-1] and c[5] > _z(level)  # the last main look is stricter; the top-up look has more data


def test_the_last_look_sends_a_pair_within_reach_to_the_top_up() -> None:
    fr = (0.2, 0.4, 0.6, 0.8, 1.0)
    for step in range(400):
        d = _diff(2000, 0.01 + step * 0.0002, sd=0.5)
        p = stats.drop_p(d.diff, d.se, 0.0, d.df)
        if seq.efficacy_p(seq.Design(), fr, 1) < p < seq.nominal_p(seq.TOP_UP_FROM):
            break
    else:
        pytest.fail("no draw between the boundary and the top-up threshold")
    look = {"x": seq.PairLook(d, fr)}
    assert seq.decide(look, seq.Design(), {"x": BARS}, 1) == {"x": "continue"}
    assert seq.decide(look, seq.Design(), {"x": BARS}, 1, top_up=False)["x"] in ("pass", "inconclusive")
    assert seq.decide(look, seq.Design(top_up=1.0), {"x": BARS}, 1)["x"] != "continue"
    far = {"x": seq.PairLook(_diff(2000, 0.0, sd=0.5), fr)}  # no drop: out of reach, decided now
    assert seq.decide(far, seq.Design(), {"x": BARS}, 1)["x"] == "pass"


def test_top_up_cases_reach_the_planned_information() -> None:
    """One sample per case, independent p = 0.9 on both sides: a case's difference varies by V = 2 p(1 − p) and one
    more head sample takes w / 2 = p(1 − p) / 2 off it, so about 4 (1 − 1/1.1) of the cases reach information 1.1;
    drawing those samples does."""
    rng = np.random.default_rng(6)
    n = 2000
    base = {f"c{i}": float(x) for i, x in enumerate(rng.random(n) < 0.9)}
    head = {c: [float(rng.random() < 0.9)] for c in base}
    k = seq.top_up_cases(head, base, 1.1)
    assert k is not None and k == pytest.approx(n * 4 * (1 - 1 / 1.1), rel=0.1)
    before = stats.paired_difference(list(base.values()), [v[0] for v in head.values()])
    more = [(v[0] + float(rng.random() < 0.9)) / 2 if i < k else v[0] for i, v in enumerate(head.values())]
    after = stats.paired_difference(list(base.values()), more)
    assert seq.extension_fraction(before, after) == pytest.approx(1.1, abs=0.04)
    steady = {c: [1.0, 1.0] for c in base}  # the head answers every case the same each time: nothing to gain
    assert seq.top_up_cases(steady, base, 1.1) is None
    assert seq.top_up_cases(head, base, 3.0) == n  # more than one sample of every case would give: all of them


def test_top_up_note() -> None:
    top = seq.Extension(1, 1, 145, 0.0, cases=145)
    o = seq.Outcome("degraded", 6, 6, 400, 400, (0.2, 0.4, 0.6, 0.8, 1.0, 1.1), (-0.09, -0.01), top)
    assert o.note().startswith("sequential: stopped at the top-up look (1 more sample of 145 cases on top of 1: 145")
