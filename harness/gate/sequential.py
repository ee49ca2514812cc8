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
from dataclasses import dataclass
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
    return list(_boundaries(tuple(round(f, 12) for f in fractions), alpha, kind))


@functools.lru_cache(maxsize=4096)
def _boundaries(fractions: tuple[float, ...], alpha: float, kind: Spending) -> tuple[float, ...]:
    import numpy as np
    from scipy.special import ndtr

    if not fractions or fractions[0] <= 0 or any(b <= a for a, b in zip(fractions, fractions[1:], strict=False)):
        raise ValueError("look fractions must be positive and increasing")
    out: list[float] = []
    nodes = weights = np.empty(0)  # the continuation region of the score S_k = Z_k √t_k: Simpson nodes, f·w
    prev_t = prev_spent = 0.0
    for t in fractions:
        target = spent(kind, alpha, t) - prev_spent
        prev_spent += target
        root = math.sqrt(t)
        if not out:
            c = _NORMAL.inv_cdf(1 - target) if target > 0 else math.inf
        else:
            sd = math.sqrt(t - prev_t)

            def mass(z: float, n: Any = nodes, w: Any = weights, sd: float = sd, r: float = root) -> float:
                return float(w @ ndtr((n - z * r) / sd))

            c = _solve(mass, target)
        out.append(c)
        upper = min(c, 12.0) * root
        new = np.linspace(-12.0 * root, upper, _NODES)
        simpson = np.ones(_NODES)
        simpson[1:-1:2], simpson[2:-1:2] = 4.0, 2.0
        simpson *= (new[1] - new[0]) / 3
        if not out[:-1]:
            density = np.exp(-0.5 * (new / root) ** 2) / (root * math.sqrt(2 * math.pi))
        else:
            sd = math.sqrt(t - prev_t)
            kernel = np.exp(-0.5 * ((new[:, None] - nodes[None, :]) / sd) ** 2) / (sd * math.sqrt(2 * math.pi))
            density = kernel @ weights
        nodes, weights = new, density * simpson
        prev_t = t
    return tuple(out)


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


@dataclass(frozen=True)
class PairLook:
    """One pair at one look."""

    diff: stats.PairedDifference
    fractions: tuple[float, ...]
    """Of the pair's planned cases, at every look so far: this one last."""


def efficacy_p(design: Design, fractions: Sequence[float], m: int) -> float:
    """The nominal one-sided p below which a drop is significant at the last of these looks, testing at α / m."""
    return nominal_p(boundaries(fractions, design.alpha / max(1, m))[-1])


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


def repeated_interval(diff: stats.PairedDifference, fractions: Sequence[float]) -> tuple[float, float]:
    """The 95% repeated confidence interval at this look (Jennison & Turnbull ch. 9): the two-sided O'Brien–Fleming
    boundary in place of the fixed quantile, so it covers the true difference at every look at once, whenever the
    gate stops."""
    z = boundaries(fractions, (1 - 0.95) / 2)[-1]
    half = stats.t_value(1 - 2 * nominal_p(z), diff.df) * diff.se
    return diff.diff - half, diff.diff + half


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

    def note(self) -> str:
        where = f"look {self.look} of {self.looks} ({self.cases} of {self.planned_cases} cases)"
        why = {
            "degraded": "a drop beyond the margin crossed the O'Brien-Fleming boundary",
            "pass": "a drop beyond regression_margin is ruled out"
            if self.look < self.looks
            else "decided at the full dataset",
            "inconclusive": "the full dataset cannot decide",
            "continue": "undecided",
        }[self.decision]
        ci = f"; repeated 95% CI [{self.interval[0]:+.3f}, {self.interval[1]:+.3f}]" if self.interval else ""
        return f"sequential: stopped at {where}: {why}{ci}"
