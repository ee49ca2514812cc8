"""Group-sequential boundaries, pure: Lan–DeMets alpha spending and the recursive numerical integration of
Armitage, McPherson and Rowe (Jennison & Turnbull 2000, ch. 19) that turns spent alpha into z boundaries for looks at
any information fractions. `harness.gate.sequential` builds the gate's design on them."""

from __future__ import annotations

import functools
import math
import statistics
from collections.abc import Callable, Sequence
from typing import Any, Literal

Spending = Literal["obf", "pocock"]
_NORMAL = statistics.NormalDist()


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
