"""Paired comparisons for the report: chain positions against their primary, and a run against its baseline.

A case's score is the mean over its samples and it passes when most of its samples pass (`case_scores`), so
repeats are compared case by case, never sample 0 alone. Every statistic and verdict comes from `harness.stats`;
the CI gate (`harness.gate.verdict`) calls `drift` too, so report and gate cannot disagree.
"""

from __future__ import annotations

import json
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from harness import stats

Row = dict[str, Any]
Case = tuple[float, bool, str | None]
"""(mean score over samples, majority of samples passed, cluster)."""
FLIPS = ("pass → fail", "fail → pass")
Key = tuple[str, str, str]
"""(task, deployment, variant)."""
Flip = Callable[[Key, str, tuple[Case, Case]], Row]
"""A flipped case's row, from its key, case id and both runs' `Case`."""


def case_scores(rows: list[Row]) -> dict[str, Case]:
    """case id -> (mean score over samples, more than half the samples passed, cluster); cases with an unscored
    sample drop out."""
    by_case: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        by_case[r["case_id"]].append(r)
    out = {}
    for case, rs in by_case.items():
        if len(rs) == 1:  # one sample (the common case, and 100,000 of them in a large report)
            r = rs[0]
            if r["score"] is not None:
                out[case] = (float(r["score"]), bool(r["passed"]), r["cluster"])
            continue
        if any(r["score"] is None for r in rs):
            continue
        passed = sum(bool(r["passed"]) for r in rs)
        out[case] = (statistics.fmean(r["score"] for r in rs), 2 * passed > len(rs), rs[0]["cluster"])
    return out


def paired_cases(a: dict[str, Case], b: dict[str, Case]) -> tuple[stats.PairedDifference | None, list[str]]:
    common = sorted(set(a) & set(b))
    if len(common) < 2:
        return None, common
    clusters = [a[c][2] for c in common]
    clustered = any(x is not None for x in clusters)
    diff = stats.paired_difference(
        [a[c][0] for c in common], [b[c][0] for c in common],
        [x or f"\x00{c}" for x, c in zip(clusters, common, strict=True)] if clustered else None,
    )  # fmt: skip
    return diff, common


def _diff_dict(d: stats.PairedDifference) -> dict[str, Any]:
    return {"cases": d.n, "n": d.n, "diff": d.diff, "se": d.se, "ci": [d.ci.low, d.ci.high], "p": d.p_value,
            "mde": d.mde, "mean_a": d.mean_a, "mean_b": d.mean_b, "correlation": d.correlation, "df": d.df,
            "clusters": d.clusters}  # fmt: skip


#: What the agreement column compares, per task class: what the graders grade, not the raw text (a tool-call
#: cell's text is empty, so comparing text would call every pair of tool-call cells in agreement).
COMPARED = {
    "function-calling": "tool calls (names and arguments; parallel calls in any order; text when no call)",
    "extraction": "parsed JSON (keys in any order; text when unparseable)",
    "classification": "labels (case, spaces and punctuation ignored)",
}
TEXT = "text outputs (case and spaces ignored)"


def graded(row: Row, task_class: str) -> str:
    """A first-sample cell's graded value in a comparable form (its `output` and `tool_calls`)."""
    from harness.graders.exact import normalise
    from harness.graders.structured import parse_json_output

    text = str(row["output"] or "")
    if task_class == "function-calling":
        raw = row.get("tool_calls")
        calls = json.loads(raw) if isinstance(raw, str) else raw or []
        if calls:
            return json.dumps(sorted(json.dumps(c, sort_keys=True) for c in calls))
    elif task_class == "extraction":
        try:
            return json.dumps(parse_json_output(text), sort_keys=True)
        except ValueError:
            pass
    elif task_class == "classification":
        return normalise(text, ignore_case=True, ignore_whitespace=True, ignore_punctuation=True, strip=True)
    return " ".join(text.casefold().split())


def _outputs(rows: list[Row]) -> dict[str, str]:
    return {r["case_id"]: graded(r, r["task_class"]) for r in rows if r["sample"] == 0}


def pairwise_wins(rows: Iterable[Row]) -> dict[tuple[str, str, str, str], dict[str, Any]]:
    """(task, variant, deployment, opponent) -> wins, losses, ties and win rate of a pairwise judge, both sides.

    A verdict that flipped when the judge saw the answers in swapped order (`consistent` false) counts as a tie
    (Zheng et al. 2023); the win rate counts ties as half."""
    out: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    for r in rows:
        winner = r["winner"] if r["consistent"] else "tie"
        for me, other, mine in (
            (r["a_deployment"], r["b_deployment"], "a"),
            (r["b_deployment"], r["a_deployment"], "b"),
        ):
            empty = {"n": 0, "wins": 0, "losses": 0, "ties": 0, "inconsistent": 0, "simulated": False}
            e = out.setdefault((r["task"], r["variant"], me, other), empty)
            e["n"] += 1
            e["inconsistent"] += not r["consistent"]
            e["simulated"] |= bool(r["simulated"])
            e["wins" if winner == mine else "ties" if winner == "tie" else "losses"] += 1
    for e in out.values():
        e["win_rate"] = (e["wins"] + e["ties"] / 2) / e["n"]
    return out


def _fleiss(by_dep: Mapping[str, Position], order: list[str]) -> dict[str, Any] | None:
    """Fleiss' κ of the labels all positions gave on the cases every one of them answered (first sample)."""
    outs = [by_dep[d].outputs for d in order]
    shared = sorted(set.intersection(*(set(o) for o in outs))) if outs else []
    if len(order) < 2 or not shared:
        return None
    ratings = list(zip(*([o[c] for c in shared] for o in outs), strict=True))  # per case, each position's label
    return {"kappa": stats.fleiss_kappa(ratings), "n": len(shared),
            "raters": len(order)}  # fmt: skip


def _step(dep: str, pos: Position) -> dict[str, Any]:
    scores = pos.scores
    return {"deployment": dep, "role": pos.role, "cases": len(scores), "n": len(scores),
            "mean": statistics.fmean([v[0] for v in scores.values()]) if scores else None,
            "simulated": pos.simulated}  # fmt: skip


def _vs_primary(step: dict[str, Any], scores: dict[str, Case], p_scores: dict[str, Case], bars: Mapping[str, float],
                outs: tuple[dict[str, str], dict[str, str]], labels: bool) -> None:  # fmt: skip
    diff, _ = paired_cases(p_scores, scores)
    if diff is not None:
        step["vs_primary"] = _diff_dict(diff)
        step["non_inferiority"] = stats.non_inferiority(diff, bars["non_inferiority_margin"], bars["alpha"])
    mine, primary = outs
    shared = sorted(set(mine) & set(primary))
    if shared:
        step["agreement"] = sum(mine[c] == primary[c] for c in shared) / len(shared)
        if labels:
            step["kappa"] = stats.cohen_kappa([primary[c] for c in shared], [mine[c] for c in shared])


def _equivalence(step: dict[str, Any], earlier: list[tuple[str, dict[str, Case]]], scores: dict[str, Case],
                 base_models: Mapping[str, str | None], bars: Mapping[str, float]) -> None:  # fmt: skip
    """TOST against the first earlier position serving the same underlying model (`base_model`)."""
    mine = base_models.get(step["deployment"])
    for dep, other in earlier:
        if mine and base_models.get(dep) == mine:
            diff, _ = paired_cases(other, scores)
            if diff is not None:
                step["equivalence"] = stats.tost(diff, bars["equivalence_margin"], bars["alpha"])
                step["equivalence_vs"] = dep
                step["equivalence_diff"] = _diff_dict(diff)
            return


@dataclass(frozen=True)
class Position:
    """One deployment of a ladder (a task and variant): what the ladder needs of its cells, per case."""

    role: str
    position: int
    """Its lowest chain position."""
    task_class: str
    simulated: bool
    scores: dict[str, Case]
    """`case_scores` of its cells."""
    outputs: dict[str, str]
    """case id -> its first sample's graded value (`graded`)."""


def positions(rows: list[Row]) -> dict[tuple[str, str], dict[str, Position]]:
    """The report's cells grouped as `ladders_of` takes them: (task, variant) -> deployment -> `Position`."""
    groups: dict[tuple[str, str], dict[str, list[Row]]] = defaultdict(lambda: defaultdict(list))
    for r in rows:
        groups[(r["task"], r["variant"])][r["deployment"]].append(r)
    return {key: {dep: Position(rs[0]["role"], min(r["chain_position"] or 0 for r in rs), rs[0]["task_class"],
                                any(r["simulated"] for r in rs), case_scores(rs), _outputs(rs))
                  for dep, rs in by_dep.items()}
            for key, by_dep in groups.items()}  # fmt: skip


def ladders(
    rows: list[Row],
    margins: Mapping[str, Mapping[str, float]],
    base_models: Mapping[str, str | None] | None = None,
    pairwise: Mapping[tuple[str, str, str, str], dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """Per task and variant: each chain position against the primary on the cases both answered; TOST between
    positions sharing a `base_model`; pairwise-judge win rates; Fleiss' κ across all positions for labels."""
    return ladders_of(positions(rows), margins, base_models, pairwise)


def ladders_of(
    groups: Mapping[tuple[str, str], Mapping[str, Position]],
    margins: Mapping[str, Mapping[str, float]],
    base_models: Mapping[str, str | None] | None = None,
    pairwise: Mapping[tuple[str, str, str, str], dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """`ladders` from cells already reduced to cases (`positions`, or `harness view`'s SQL)."""
    base_models, pairwise = base_models or {}, pairwise or {}
    out = []
    for (task, variant), by_dep in sorted(groups.items()):
        order = sorted(by_dep, key=lambda d: (by_dep[d].position, d))
        primary, bars = order[0], margins[task]
        task_class = by_dep[primary].task_class
        labels = task_class == "classification"
        p_scores, p_out = by_dep[primary].scores, by_dep[primary].outputs
        steps: list[dict[str, Any]] = []
        seen: list[tuple[str, dict[str, Case]]] = []
        for dep in order:
            scores = by_dep[dep].scores
            step = _step(dep, by_dep[dep])
            if dep != primary:
                _vs_primary(step, scores, p_scores, bars, (by_dep[dep].outputs, p_out), labels)
                if (task, variant, dep, primary) in pairwise:
                    step["pairwise"] = pairwise[(task, variant, dep, primary)]
            _equivalence(step, seen, scores, base_models, bars)
            seen.append((dep, scores))
            steps.append(step)
        out.append({"task": task, "variant": variant, "primary": primary, "steps": steps,
                    "agreement_on": COMPARED.get(task_class, TEXT),
                    "margin": bars["non_inferiority_margin"], "equivalence_margin": bars["equivalence_margin"],
                    "fleiss": _fleiss(by_dep, order) if labels else None})  # fmt: skip
    return out


def _groups(rows: Iterable[Row]) -> dict[Key, list[Row]]:
    out: dict[Key, list[Row]] = defaultdict(list)
    for r in rows:
        out[(r["task"], r["deployment"], r["variant"])].append(r)
    return out


def _by_case(rows: list[Row]) -> dict[str, list[Row]]:
    out: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        out[r["case_id"]].append(r)
    return out


def _flip(key: Key, case: str, cases: tuple[Case, Case], rows: tuple[list[Row], list[Row]]) -> Row:
    """One flipped case: both runs' first-sample output and cell, case scores and passes per sample."""
    (a, b), (before, after) = cases, rows
    first = [next((r for r in rs if r["sample"] == 0), rs[0]) for rs in rows]
    return {"task": key[0], "deployment": key[1], "variant": key[2], "case_id": case,
            "direction": FLIPS[0] if a[1] else FLIPS[1], "before": first[0].get("output"),
            "after": first[1].get("output"), "before_score": a[0], "after_score": b[0],
            "before_passes": f"{sum(bool(r['passed']) for r in before)}/{len(before)}",
            "after_passes": f"{sum(bool(r['passed']) for r in after)}/{len(after)}",
            "before_cell": first[0].get("cell_key"), "after_cell": first[1].get("cell_key")}  # fmt: skip


def drift(
    base: list[Row], cur: list[Row], margins: Mapping[str, Mapping[str, float]], max_cases: int
) -> dict[str, Any]:
    """Each (task, deployment, variant) present in both runs: paired difference, McNemar, one-sided test of a drop
    (H0: no drop) with Holm across pairs, MDE and `stats.drift_verdict`; cases whose majority pass flipped
    (pass → fail first, at most `max_cases`, `n_flips` counts them all)."""
    bgroups, cgroups = _groups(base), _groups(cur)
    keys = set(bgroups) & set(cgroups)
    by_case: dict[Key, tuple[dict[str, list[Row]], dict[str, list[Row]]]] = {}

    def flip(key: Key, case: str, cases: tuple[Case, Case]) -> Row:
        rows = by_case.setdefault(key, (_by_case(bgroups[key]), _by_case(cgroups[key])))
        return _flip(key, case, cases, (rows[0][case], rows[1][case]))

    a = {k: case_scores(bgroups[k]) for k in keys}
    return drift_of(a, {k: case_scores(cgroups[k]) for k in keys}, margins, max_cases, flip)


def drift_of(
    base: Mapping[Key, dict[str, Case]],
    cur: Mapping[Key, dict[str, Case]],
    margins: Mapping[str, Mapping[str, float]],
    max_cases: int,
    flip: Flip,
) -> dict[str, Any]:
    """`drift` from cells already reduced to cases (`case_scores`, or `harness view`'s SQL); `flip` writes a
    flipped case's row."""
    pairs: list[tuple[Key, stats.PairedDifference, int, int]] = []
    flips = []
    for key in sorted(set(base) & set(cur)):
        a, b = base[key], cur[key]
        diff, common = paired_cases(a, b)
        if diff is None:
            continue
        flipped = [c for c in common if a[c][1] != b[c][1]]
        worse = sum(a[c][1] for c in flipped)
        pairs.append((key, diff, worse, len(flipped) - worse))
        flips += [flip(key, c, (a[c], b[c])) for c in flipped]
    p_drop = [stats.drop_p(d.diff, d.se, 0.0, d.df) for _, d, _, _ in pairs]
    adjusted = stats.holm(p_drop) if p_drop else []
    out_pairs: list[Row] = []
    for (key, diff, worse, better), p, p_adj in zip(pairs, p_drop, adjusted, strict=True):
        verdict = stats.drift_verdict(diff.diff, diff.ci.low, diff.mde, p_adj, margins[key[0]])
        out_pairs.append({"task": key[0], "deployment": key[1], "variant": key[2], **_diff_dict(diff),
                          "mcnemar_p": stats.mcnemar(worse, better), "pass_to_fail": worse, "fail_to_pass": better,
                          "p_drop": p, "p_holm": p_adj, "verdict": verdict})  # fmt: skip
    flips.sort(key=lambda f: (f["direction"] != FLIPS[0], f["task"], f["deployment"], f["variant"], f["case_id"]))
    return {"pairs": out_pairs, "flips": flips[:max_cases], "n_flips": len(flips)}
