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
  near the fixed-n one, so the gate loses almost no power to the looks.
- at the last look, otherwise, the fixed-n rules of `stats.drift_verdict` (with the final boundary in place of α):
  `pass` when the MDE reaches `min_detectable_effect`, else `inconclusive`.

Boundaries are computed by the recursive numerical integration of Armitage, McPherson and Rowe (Jennison & Turnbull
2000, ch. 19) for the looks' information fractions, and applied as nominal one-sided p-values of the t tests, so the
small-sample rule of `harness.stats` holds at every look. Checked against published Lan–DeMets values in
tests/gate/test_sequential.py.
"""

from __future__ import annotations

import functools
import hashlib
import math
import statistics
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal, TypeVar

from harness import stats

Spending = Literal["obf", "pocock"]
Decision = Literal["degraded", "pass", "continue", "inconclusive"]
_NORMAL = statistics.NormalDist()
DEFAULT_LOOKS = (0.2, 0.4, 0.6, 0.8, 1.0)
K = TypeVar("K", bound=Hashable)


def spent(kind: Spending, alpha: float, t: float) -> float:
    """Cumulative one-sided alpha spent by information fraction `t` (0 < t ≤ 1)."""
    t = min(1.0, max(t, 1e-12))
    if kind == "obf":
        return min(alpha, 2 - 2 * _NORMAL.cdf(_NORMAL.inv_cdf(1 - alpha / 2) / math.sqrt(t)))
    return alpha * math.log(1 + (math.e - 1) * t)


def boundaries(fractions: Sequence[float], alpha: float, kind: Spending = "obf") -> list[float]:
    """One-sided z boundaries c_k for looks at increasing information `fractions` (the last usually 1): under H0
    P(Z_1 < c_1, ..., Z_{k−1} < c_{k−1}, Z_k ≥ c_k) = α(t_k) − α(t_{k−1}) (Jennison & Turnbull 2000, §19.2)."""
    return list(_boundaries(*_keyed(fractions, increments(fractions, alpha, kind))))


def increments(fractions: Sequence[float], alpha: float, kind: Spending = "obf") -> list[float]:
    """The alpha each look spends: α(t_k) − α(t_{k−1}); a look past information 1 spends nothing."""
    out, before = [], 0.0
    for t in fractions:
        now = spent(kind, alpha, t)
        out.append(max(0.0, now - before))
        before = max(before, now)
    return out


def _keyed(fractions: Sequence[float], targets: Sequence[float]) -> tuple[tuple[float, ...], tuple[float, ...]]:
    return tuple(round(f, 12) for f in fractions), tuple(round(a, 15) for a in targets)


def _boundaries(fractions: tuple[float, ...], targets: tuple[float, ...]) -> tuple[float, ...]:
    """Boundaries that spend `targets[k]` at look k (recursive integration over the continuation region)."""
    if not fractions or fractions[0] <= 0 or any(b <= a for a, b in zip(fractions, fractions[1:], strict=False)):
        raise ValueError("look fractions must be positive and increasing")
    return _region(fractions, targets)[0]


@functools.lru_cache(maxsize=4096)
def _region(fractions: tuple[float, ...], targets: tuple[float, ...]) -> tuple[tuple[float, ...], Any, Any]:
    """(boundaries, nodes, weights): the looks' boundaries and the continuation region after the last, as Simpson
    nodes of the score S_k = Z_k √t_k and density × weight. Cached by prefix, so a look added to the same earlier
    ones (the extension look at each pair's own information) integrates one step, not all of them again."""
    import numpy as np
    from scipy.special import ndtr

    t = fractions[-1]
    root = math.sqrt(t)
    if len(fractions) == 1:
        out: tuple[float, ...] = ()
        c = _NORMAL.inv_cdf(1 - targets[0]) if targets[0] > 0 else math.inf
    else:
        out, nodes, weights = _region(fractions[:-1], targets[:-1])
        sd = math.sqrt(t - fractions[-2])

        def mass(z: float) -> float:
            return float(weights @ ndtr((nodes - z * root) / sd))

        c = _solve(mass, targets[-1])
    new = np.linspace(-12.0 * root, min(c, 12.0) * root, _NODES)
    simpson = np.ones(_NODES)
    simpson[1:-1:2], simpson[2:-1:2] = 4.0, 2.0
    simpson *= (new[1] - new[0]) / 3
    if len(fractions) == 1:
        density = np.exp(-0.5 * (new / root) ** 2) / (root * math.sqrt(2 * math.pi))
    else:
        kernel = np.exp(-0.5 * ((new[:, None] - nodes[None, :]) / sd) ** 2) / (sd * math.sqrt(2 * math.pi))
        density = kernel @ weights
    return (*out, c), new, density * simpson


_NODES = 1201
"""Simpson nodes per look (odd): boundaries agree with published values to 1e-4."""


def _solve(mass: Callable[[float], float], target: float) -> float:
    """The z at which the running paths' mass above z√t falls to `target` (mass decreases in z): bisection."""
    if target <= 0:
        return math.inf
    lo, hi = -8.0, 12.0
    for _ in range(80):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if mass(mid) > target else (lo, mid)
    return (lo + hi) / 2


def nominal_p(z: float) -> float:
    """The one-sided p-value a boundary z corresponds to: the t test's p is compared with it at each look."""
    return 0.0 if math.isinf(z) else 1 - _NORMAL.cdf(z)


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
    per case, at the information it then has. 0: no extension, the main looks spend all of `alpha`."""

    def with_extension(self, share: float = 0.25) -> Design:
        return replace(self, extension_share=share)


@dataclass(frozen=True)
class PairLook:
    """One pair at one look."""

    diff: stats.PairedDifference
    fractions: tuple[float, ...]
    """Of the pair's planned cases, at every look so far: this one last."""


def efficacy_p(design: Design, fractions: Sequence[float], m: int) -> float:
    """The nominal one-sided p below which a drop is significant at the last of these looks, testing at α / m.
    A look past information 1 is the extension look: it spends the share of α / m the main looks kept."""
    return nominal_p(_split_boundaries(fractions, design.alpha / max(1, m), design.extension_share)[-1])


def _split_boundaries(fractions: Sequence[float], level: float, share: float) -> tuple[float, ...]:
    """O'Brien–Fleming spending of level · (1 − share) over the looks up to information 1, then level · share at a
    single extension look past it (its boundary from the information it has, the earlier ones fixed: Lan & DeMets
    1983 with the maximum information exceeded)."""
    main = [f for f in fractions if f <= 1 + 1e-9]
    extra = len(fractions) - len(main)
    if extra > 1:
        raise ValueError("at most one extension look, past information 1")
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


def decide(looks: Mapping[K, PairLook], design: Design, bars: Mapping[K, Mapping[str, float]], m: int
           ) -> dict[K, Decision]:  # fmt: skip
    """Decisions for the undecided pairs at this look (`looks` holds exactly those). `m`: the gated pairs not yet
    degraded, those that passed early included. Holm as in Maurer & Bretz (2013): test each at α / m and, after a
    rejection, the rest again at α / (m − 1)."""
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
    gate stops (the extension look included, with its share of the 5%)."""
    z = _split_boundaries(fractions, (1 - 0.95) / 2, design.extension_share if design else 0.0)[-1]
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
    cases = sorted(set(head) & set(base))
    k = min((len(head[c]) for c in cases), default=0)
    if len(cases) < 2 or k == 0 or mde <= 0:
        return None
    if k >= 2:
        w = statistics.fmean(statistics.variance(head[c]) for c in cases)
    else:
        h, b = [statistics.fmean(head[c]) for c in cases], [base[c] for c in cases]
        w = max(0.0, statistics.variance(h) - statistics.covariance(h, b))
    d = [statistics.fmean(head[c]) - base[c] for c in cases]
    v = statistics.variance(d)
    if v <= 0:
        return None
    for r in range(1, most + 1):
        ratio = max(0.0, v - w / k + w / (k + r)) / v
        if mde * math.sqrt(ratio) <= min_detectable_effect:
            return r
    return None


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

    def describe(self) -> str:
        return (f"{self.samples} more sample{'s' * (self.samples != 1)} per case on top of {self.before}: "
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
            where = f"the extension look ({self.extension.describe()})"
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
