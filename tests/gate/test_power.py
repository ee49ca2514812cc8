"""CG-3 and CG-4: the gate's statistical behaviour on a generated 500-case task, over 200 simulated pull requests.

Cases follow a latent-difficulty model (most are reliably right or wrong at temperature 0, some are coin flips), so
two runs of the same prompt disagree on some cases as real runs do. Each simulated PR redraws baseline and head
with their own seeds. A/A (true difference 0) must fail the gate at most 5% of the time; a true 5-point drop must
fail it at least 80% of the time.
"""

from __future__ import annotations

import random

from harness.gate import changes
from harness.gate import verdict as gate
from tests.gate.test_gate import evidence, rows

N_CASES, N_PRS = 500, 200
KEY = ("t", "p", "base")


def latent(rng: random.Random) -> list[float]:
    out = []
    for _ in range(N_CASES):
        u = rng.random()
        out.append(0.97 if u < 0.7 else 0.05 if u < 0.85 else rng.uniform(0.2, 0.8))
    return out


def draw(ps: list[float], seed: str, drop: float = 0.0) -> list[bool]:
    rng = random.Random(seed)
    return [rng.random() < max(0.0, p - drop) for p in ps]


def per_case_drop(ps: list[float], target: float) -> float:
    """The per-case probability cut whose mean effect over these cases is exactly `target`."""
    lo, hi = 0.0, 1.0
    for _ in range(50):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if sum(p - max(0.0, p - mid) for p in ps) / len(ps) < target else (lo, mid)
    return lo


def fail_rate(true_drop: float) -> float:
    ps = latent(random.Random(7))
    cut = per_case_drop(ps, true_drop) if true_drop else 0.0
    plan = [changes.PairPlan(KEY, "run", ("x",), ("template",)), changes.PairPlan(("t", "f", "base"), "reuse", ("",))]
    failed = 0
    for pr in range(N_PRS):
        base, head = draw(ps, f"base-{pr}"), draw(ps, f"head-{pr}", cut)
        pairs, _ = gate.judge(plan, evidence({KEY: rows(KEY, base)}, {KEY: rows(KEY, head)}))
        failed += pairs[0].verdict == "degraded"
    return failed / N_PRS


def test_cg3_aa_false_fail_rate_at_most_5_percent() -> None:
    rate = fail_rate(0.0)
    print(f"CG-3: A/A false-fail rate {rate:.1%} over {N_PRS} PRs")
    assert rate <= 0.05


def test_cg4_power_for_a_5_point_drop_at_least_80_percent() -> None:
    rate = fail_rate(0.05)
    print(f"CG-4: a true 5-point drop fails the gate in {rate:.1%} of {N_PRS} PRs")
    assert rate >= 0.80
