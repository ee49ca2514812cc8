"""The sequential gate's design, pure: group-sequential boundaries and the decision at each look.

The gate runs a changed pair's cases in stages ("looks": by default at 20, 40, 60, 80 and 100% of the dataset,
cases in a seeded random order) and stops the pair as soon as the evidence is decisive:

- **degraded**: the one-sided drop test (`stats.drop_p`, H0: no drop) crosses an efficacy boundary from the
  Lan–DeMets O'Brien–Fleming-type alpha-spending function α(t) = 2 − 2Φ(z_{1−α/2} / √t), and the estimate drops by
  more than `regression_margin`. Across pairs, Holm's rule carries over to group-sequential tests (Maurer & Bretz
  2013): each look tests every undecided pair at α / (pairs not yet degraded), so a degraded pair passes its alpha on.
- **pass, decisively unchanged**: the one-sided test of H1 "a drop of `regression_margin` or more" rejects at a
  Pocock-type boundary spending `futility_alpha` (α·ln(1 + (e − 1)t)): the data rule out a drop the gate would fail
  for. Pocock-type spending stops harmless changes early; O'Brien–Fleming keeps the efficacy side's final boundary
  near the fixed-n one.
- **top-up**: at the last look, a pair still within reach of the efficacy boundary (drop z ≥ `TOP_UP_FROM`) gets
  one more sample of some of its cases (`top_up_cases`) and a last look spending what α the main looks kept
  (`Design.top_up`): at equal maximum information a group-sequential test has less power than the fixed-n one,
  and the top-up is what buys it back. (Treating the pass boundary as binding does not: O'Brien–Fleming spends
  almost no α where it removes paths, and the last boundary at α/6 moved from 2.441 to 2.436 at most.)
- at the last look, otherwise, the fixed-n rules of `stats.drift_verdict` (with the final boundary in place of α):
  `pass` when the MDE reaches `min_detectable_effect`, else `inconclusive`.

Boundaries (`harness.gate.boundaries`) are computed by the recursive numerical integration of Armitage, McPherson
and Rowe (Jennison & Turnbull 2000, ch. 19) for the looks' information fractions, and applied as nominal one-sided
p-values of the t tests, so the small-sample rule of `harness.stats` holds at every look. Checked against published
Lan–DeMets values in tests/gate/test_sequential.py.
"""

from __future__ import annotations

import hashlib
import math
import statistics
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal, TypeVar

from harness import stats
from harness.gate.boundaries import Spending, _boundaries, _keyed, boundaries, increments, nominal_p, spent

__all__ = ["Spending", "boundaries", "increments", "nominal_p", "spent"]
Decision = Literal["degraded", "pass", "continue", "inconclusive"]
DEFAULT_LOOKS = (0.2, 0.4, 0.6, 0.8, 1.0)
K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Design:
    """What the sequential gate needs to decide a look."""

    looks: tuple[float, ...] = DEFAULT_LOOKS
    alpha: float = 0.05
    futility_alpha: float = 0.10
    """The chance of calling a pair unchanged when it truly dropped by its `futility_margin`."""
    futility_margin: str = "regression_margin"
    """The quality bar whose size of drop "unchanged" rules out: `regression_margin`, the drop the gate does not
    fail for. (Ruling out `min_detectable_effect` instead stops harmless changes sooner but cost 2.4 points of power
    against a 5-point drop in bench/gatestudy.py; this choice cost none.)"""
    extension_share: float = 0.0
    """Of `alpha`, the share kept for the extension look (`--max-extra-cost`): the main looks spend the rest on the
    O'Brien–Fleming shape, and a pair the full dataset leaves inconclusive is tested once more after more samples
    per case, at the information it then has. 0: no extension. Above 0 it replaces the top-up."""
    top_up: float = 1.1
    """The information the design plans, relative to the full dataset's (Jennison & Turnbull's inflation factor R):
    the main looks spend `alpha` on the O'Brien–Fleming shape over information / R, and a pair the last look leaves
    within reach of a degraded verdict (nominal drop p < `nominal_p(TOP_UP_FROM)`) gets one more sample of as many
    of its cases as reach information R (`top_up_cases`) and a last look spending the rest of `alpha`. At equal
    maximum information no group-sequential test matches the fixed-n test's power (on the full dataset the fixed-n
    test is the most powerful one, Neyman–Pearson), so this is what buys back the power the interim looks cost.
    1: no top-up, the main looks spend all of `alpha`."""

    def with_extension(self, share: float = 0.25) -> Design:
        return replace(self, extension_share=share, top_up=1.0)

    @property
    def tops_up(self) -> bool:
        return self.top_up > 1 and self.extension_share <= 0


TOP_UP_FROM = 1.5
"""A pair is topped up when its drop z (the nominal drop p as a normal quantile) reaches this at the last look: from
below it, a top-up of a tenth more information crosses the boundary too rarely to matter (Brownian paths: power
within 0.1 point of topping up every undecided pair, against 6% of harmless pairs topped up instead of 20–60%)."""


@dataclass(frozen=True)
class PairLook:
    """One pair at one look."""

    diff: stats.PairedDifference
    fractions: tuple[float, ...]
    """Of the pair's planned cases, at every look so far: this one last."""


def efficacy_p(design: Design, fractions: Sequence[float], m: int) -> float:
    """The nominal one-sided p below which a drop is significant at the last of these looks, testing at α / m.
    A look past information 1 is the extension look: it spends the share of α / m the main looks kept."""
    return nominal_p(design_boundaries(fractions, design.alpha / max(1, m), design)[-1])


def design_boundaries(fractions: Sequence[float], level: float, design: Design | None = None) -> tuple[float, ...]:
    """The design's boundaries at one-sided `level`. With an extension share: O'Brien–Fleming spending of
    level · (1 − share) over the looks up to information 1, then level · share at a single extension look past it
    (its boundary from the information it has, the earlier ones fixed: Lan & DeMets 1983 with the maximum information
    exceeded). With a top-up: the O'Brien–Fleming shape over information / R up to information 1, and all the rest
    at the top-up look, whatever information it reached (a final look may spend all that is left)."""
    design = design or Design(top_up=1.0)
    main = [f for f in fractions if f <= 1 + 1e-9]
    extra = len(fractions) - len(main)
    if extra > 1:
        raise ValueError("at most one extension look, past information 1")
    if design.tops_up:
        r = design.top_up
        targets = increments([f / r for f in main], level) + [level - spent("obf", level, 1 / r)] * extra
    else:
        share = design.extension_share
        targets = increments(main, level * (1 - share)) + [level * share] * extra
    return _boundaries(*_keyed(fractions, targets))


def extension_fraction(final: stats.PairedDifference, extended: stats.PairedDifference) -> float:
    """The extension look's information relative to the full dataset's: (SE before / SE after)², at least 1.001
    (more samples can only add information; a noisy estimate below that would make the look a repeat of the last),
    rounded to 0.001 so boundaries are shared across pairs."""
    if extended.se <= 0:
        return 4.0
    return round(max(1.001, (final.se / extended.se) ** 2), 3)


def futility_p(design: Design, fractions: Sequence[float]) -> float:
    """The nominal one-sided p below which "a drop of `min_detectable_effect` or more" is ruled out at this look."""
    return nominal_p(boundaries(fractions, design.futility_alpha, "pocock")[-1])


def decide(looks: Mapping[K, PairLook], design: Design, bars: Mapping[K, Mapping[str, float]], m: int,
           top_up: bool = True) -> dict[K, Decision]:  # fmt: skip
    """Decisions for the undecided pairs at this look (`looks` holds exactly those). `m`: the gated pairs not yet
    degraded, those that passed early included. Holm as in Maurer & Bretz (2013): test each at α / m and, after a
    rejection, the rest again at α / (m − 1). At the last main look of a design that tops up, a pair within reach
    of the boundary continues to the top-up look (`top_up=False`: the fixed-n rules instead, for a pair the top-up
    cannot help)."""
    out: dict[K, Decision] = {}
    rejected = True
    while rejected:
        rejected = False
        for key, pl in looks.items():
            d = pl.diff
            if key in out or d.diff >= -bars[key]["regression_margin"]:
                continue
            if stats.drop_p(d.diff, d.se, 0.0, d.df) < efficacy_p(design, pl.fractions, m):
                out[key], m, rejected = "degraded", m - 1, True
    for key, pl in looks.items():
        if key in out:
            continue
        d, b = pl.diff, bars[key]
        delta = b[design.futility_margin]  # H1: diff ≤ −delta, rejected when (diff + delta) / se is large
        p_h1 = stats.t_sf((d.diff + delta) / d.se, d.df) if d.se > 0 else (0.0 if d.diff > -delta else 1.0)
        unchanged = p_h1 < futility_p(design, pl.fractions)
        last = 1 - 1e-9 <= pl.fractions[-1] <= 1 + 1e-9
        if last and top_up and design.tops_up and stats.drop_p(d.diff, d.se, 0.0, d.df) < nominal_p(TOP_UP_FROM):
            out[key] = "continue"
            continue
        if pl.fractions[-1] >= 1 - 1e-9:
            improved = d.diff > b["regression_margin"] and d.ci.low > 0
            underpowered = stats.underpowered(d.mde, b["min_detectable_effect"])
            out[key] = "inconclusive" if underpowered and not improved and not unchanged else "pass"
            continue
        out[key] = "pass" if unchanged else "continue"
    return out


def repeated_interval(diff: stats.PairedDifference, fractions: Sequence[float], design: Design | None = None
                      ) -> tuple[float, float]:  # fmt: skip
    """The 95% repeated confidence interval at this look (Jennison & Turnbull ch. 9): the two-sided O'Brien–Fleming
    boundary in place of the fixed quantile, so it covers the true difference at every look at once, whenever the
    gate stops (the extension or top-up look included, with its share of the 5%)."""
    z = design_boundaries(fractions, (1 - 0.95) / 2, design)[-1]
    half = stats.t_value(1 - 2 * nominal_p(z), diff.df) * diff.se
    return diff.diff - half, diff.diff + half


MOST_EXTRA = 9
"""The extension adds at most this many times the samples per case the full dataset had (ten times in all)."""


def extension_needed(case_means: Sequence[float], min_detectable_effect: float, clustered: bool = False) -> bool:
    """Is α worth keeping for an extension look? Decided before any candidate cell, from the baseline alone (a
    pre-specified design): a pair whose cases share their difficulty between baseline and candidate has a paired
    difference varying at most twice as much as the baseline's case means (their covariance is not negative), so
    its MDE on the full dataset is at most `stats.mde(√(2·Var/n))`. When even that bound is under
    `min_detectable_effect` the full dataset decides and the main looks keep all of α: a share kept for an
    extension that would not run costs power (2 points at 2,000 Beta(2,1) cases in the study). Clustered cases,
    whose SE the bound does not cover, always keep it."""
    n = len(case_means)
    if clustered or n < 3:
        return True
    bound = stats.mde(math.sqrt(2 * statistics.variance(case_means) / n), n - 1)
    return bound > min_detectable_effect


def case_samples(rows: Iterable[Mapping[str, Any]]) -> dict[str, list[float]]:
    """case id -> the scores of its samples, from gate rows (cases with an unscored sample drop out, as in
    `harness.report.compare.case_scores`)."""
    out: dict[str, list[float]] = {}
    bad: set[str] = set()
    for r in rows:
        if r["score"] is None:
            bad.add(r["case_id"])
        out.setdefault(r["case_id"], []).append(float(r["score"] or 0.0))
    return {c: v for c, v in out.items() if c not in bad}


def samples_to_decide(head: Mapping[str, Sequence[float]], base: Mapping[str, float], mde: float,
                      min_detectable_effect: float, most: int) -> int | None:  # fmt: skip
    """Fewest more samples per case (1 … `most`) at which the pair's MDE is predicted to reach
    `min_detectable_effect`; None if even `most` would not.

    More samples of the head shrink only its within-case spread w (a sample's variance about its case's mean): a
    case's difference then varies by V − w/k + w/(k + r) instead of V, and the MDE scales with the root of that.
    w is measured from the samples when there are two or more per case; with one, it is the head's case-to-case
    variance less its covariance with the baseline (the spread the two sides do not share: the difficulty of a
    case is shared, a sample's luck is not)."""
    cases, k, w = _within(head, base)
    if len(cases) < 2 or k == 0 or mde <= 0:
        return None
    d = [statistics.fmean(head[c]) - base[c] for c in cases]
    v = statistics.variance(d)
    if v <= 0:
        return None
    for r in range(1, most + 1):
        ratio = max(0.0, v - w / k + w / (k + r)) / v
        if mde * math.sqrt(ratio) <= min_detectable_effect:
            return r
    return None


def _within(head: Mapping[str, Sequence[float]], base: Mapping[str, float]) -> tuple[list[str], int, float]:
    """The cases both sides have, the fewest head samples of a case (k), and the within-case spread w: the mean
    variance between a case's samples (k >= 2), or with one sample the head's variance less its covariance with the
    baseline. k 0 or fewer than two cases: w is 0 and nothing can be predicted."""
    cases = sorted(set(head) & set(base))
    k = min((len(head[c]) for c in cases), default=0)
    if len(cases) < 2 or k == 0:
        return cases, k, 0.0
    if k >= 2:
        return cases, k, statistics.fmean(statistics.variance(head[c]) for c in cases)
    h, b = [statistics.fmean(head[c]) for c in cases], [base[c] for c in cases]
    return cases, k, max(0.0, statistics.variance(h) - statistics.covariance(h, b))


def top_up_cases(head: Mapping[str, Sequence[float]], base: Mapping[str, float], top_up: float) -> int | None:
    """How many of the pair's cases need one more sample of the head for the pair's information to grow by the
    factor `top_up` (all of them when even that falls short); None when more samples would add nothing (the head
    answers every case the same each time). One more sample of a case whose head has k shrinks its difference's
    variance by w / (k (k + 1)), w the within-case spread as in `samples_to_decide`: as many cases as bring the
    mean variance V down to V / top_up. Decided on spreads alone, never on the difference itself, so topping up or
    not does not depend on how close the pair came to the boundary."""
    cases, k, w = _within(head, base)
    if len(cases) < 2 or k == 0:
        return None
    v = statistics.variance([statistics.fmean(head[c]) - base[c] for c in cases])
    gain = w / (k * (k + 1))
    if v <= 0 or gain <= 1e-9 * v:
        return None
    return min(len(cases), math.ceil(len(cases) * v * (1 - 1 / top_up) / gain))


# --- Stages -------------------------------------------------------------------------------------------------------


def case_order(cases: Iterable[str], task: str, seed: int) -> list[str]:
    """The cases of a task in the order the stages take them: seeded and random, so a stage is a random sample of
    the dataset whatever order its file has (sorted by difficulty, by source, ...)."""

    def key(case: str) -> bytes:
        return hashlib.blake2b(f"{seed}\x1f{task}\x1f{case}".encode(), digest_size=8).digest()

    return sorted(set(cases), key=lambda c: (key(c), c))


def stage_sizes(n: int, looks: Sequence[float]) -> list[int]:
    """Cases at each look: the share of `n`, at least 2, strictly increasing, the last `n`."""
    out: list[int] = []
    for f in looks:
        k = min(n, max(2, round(f * n)))
        if not out or k > out[-1]:
            out.append(k)
    if not out or out[-1] != n:
        out.append(n)
    return out


@dataclass
class Extension:
    """What the extension look added to a pair, and what it cost."""

    samples: int
    """More samples per case, on top of the `before` the full dataset had."""
    before: int
    cells: int
    cost_usd: float
    cases: int | None = None
    """The top-up: only this many of the cases got them (None: every case)."""

    def describe(self) -> str:
        which = "per case" if self.cases is None else f"of {self.cases:,} cases"
        return (f"{self.samples} more sample{'s' * (self.samples != 1)} {which} on top of {self.before}: "
                f"{self.cells:,} cells, ${self.cost_usd:,.4f}")  # fmt: skip


@dataclass
class Outcome:
    """Where the sequential gate stopped a pair, and why."""

    decision: Decision
    look: int
    """1-based."""
    looks: int
    cases: int
    planned_cases: int
    fractions: tuple[float, ...]
    interval: tuple[float, float] | None
    """The repeated confidence interval at the stopping look."""
    extension: Extension | None = None
    """More samples per case after the full dataset left the pair inconclusive (`--max-extra-cost`)."""

    def note(self) -> str:
        where = f"look {self.look} of {self.looks} ({self.cases} of {self.planned_cases} cases)"
        if self.extension is not None:
            kind = "extension" if self.extension.cases is None else "top-up"
            where = f"the {kind} look ({self.extension.describe()})"
        why = {
            "degraded": "a drop beyond the margin crossed the O'Brien-Fleming boundary",
            "pass": "a drop beyond regression_margin is ruled out"
            if self.look < self.looks
            else ("decided with the extra samples" if self.extension else "decided at the full dataset"),
            "inconclusive": "the full dataset cannot decide"
            if self.extension is None
            else "still too few samples to decide",
            "continue": "undecided",
        }[self.decision]
        ci = f"; repeated 95% CI [{self.interval[0]:+.3f}, {self.interval[1]:+.3f}]" if self.interval else ""
        return f"sequential: stopped at {where}: {why}{ci}"
