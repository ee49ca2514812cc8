"""A semantic router in front of the routing table, evaluated like any model: does it pick each request's task (and
so its chain), and what does misrouting cost in served quality?

- **The router**: TF-IDF word 1–2-grams + logistic regression (scikit-learn, as the local tier), fitted on the
  suite's own cases labelled with their task. What it reads is the request's text: the string fields of the case
  input (tool schemas and images left out; each field clipped at `CLIP` characters).
- **The split**: of the cases the run evaluated, a seeded share per task (`holdout`, default half) is held out;
  the router is fitted on the rest and on the datasets' train splits, and scored on the held-out cases only.
- **Routing accuracy**: the held-out share routed to the case's own task, with its Wilson 95% interval
  (`harness.stats`), per task (recall) and the most frequent confusions.
- **Served quality, router in the loop vs the oracle route** (held-out cases, the run's base variant, every
  sample): the oracle walks the case's own chain (the routed walk of `run/routed.py`; an unserved walk scores 0).
  A misrouted case walks the predicted task's chain: a position whose deployment answered this case in the run is
  played with that cell and graded by the case's own graders (its recorded score); a position without one is
  passed over; a walk that finds no position to serve counts as failed (0). That is optimistic (the deployment
  answered with the case's own prompt; the wrong task's prompt would have framed the request differently), so
  the strict figure, every misrouted case failed, is shown beside it: the true cost lies between the two.
  Each gap router − oracle is paired per case with its t interval (`stats.paired_difference`).
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from harness import stats
from harness.config.routing import Policy
from harness.run.routed import walk
from harness.run.router_runtime import draw

Row = dict[str, Any]
CLIP = 2000
"""Characters kept of each input field: a 200 KB manual's opening says what it is."""


@dataclass(frozen=True)
class RouterCase:
    task: str
    case_id: str
    text: str
    evaluated: bool
    """The run has cells for it (it can be held out)."""


def request_text(case_input: Mapping[str, Any]) -> str:
    """What a router in front of the table reads: the input's text fields, not tool schemas or images."""
    parts = []
    for name, value in case_input.items():
        if name == "images":
            continue
        if isinstance(value, str):
            parts.append(value[:CLIP])
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            parts.append(" ".join(value)[:CLIP])
    return "\n".join(parts)


def split(cases: Sequence[RouterCase], holdout: float, seed: int) -> tuple[list[RouterCase], list[RouterCase]]:
    """(train, held out): per task, a seeded `holdout` share of the evaluated cases held out (at least one, and at
    least one left to train on when the task has nothing else)."""
    by_task: dict[str, list[RouterCase]] = defaultdict(list)
    train: list[RouterCase] = []
    for c in cases:
        (by_task[c.task] if c.evaluated else train).append(c)
    held: list[RouterCase] = []
    for task, evaluated in sorted(by_task.items()):
        ranked = sorted(evaluated, key=lambda c: draw(seed, "holdout", task, c.case_id))
        k = max(1, round(holdout * len(ranked)))
        if k == len(ranked) and not any(c.task == task for c in train) and len(ranked) > 1:
            k -= 1
        held += ranked[:k]
        train += ranked[k:]
    return train, held


def fit(train: Sequence[RouterCase], seed: int) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    model = make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, strip_accents="unicode", max_features=20000),
        LogisticRegression(C=4.0, max_iter=2000, class_weight="balanced", random_state=seed),
    )
    return model.fit([c.text for c in train], [c.task for c in train])


def _walk_score(
    by_pos: Mapping[int, Row], length: int, policy: Policy, budget: float | None
) -> tuple[float, str | None]:
    """(served score, serving deployment) of one walk; an unserved walk scores 0."""
    body = walk(dict(by_pos), length, policy, budget)
    if body["status"] != "ok":
        return 0.0, None
    cell = by_pos[body["served_position"]]
    return float(cell.get("score") or 0.0), body["served_deployment"]


@dataclass
class Routing:
    """The run's side of the evaluation: its cells, each task's chain, policy and latency budget."""

    cells: Sequence[Row]
    chains: Mapping[str, Sequence[str]]
    policies: Mapping[str, Policy]
    budgets: Mapping[str, float | None]


def _samples(routing: Routing) -> dict[tuple[str, str], dict[int, dict[str, Row]]]:
    """(task, case) -> sample -> deployment -> cell, on each task's base variant (else its first one)."""
    variants: dict[str, set[str]] = defaultdict(set)
    for r in routing.cells:
        variants[r["task"]].add(r["variant"])
    keep = {t: ("base" if "base" in v else min(v)) for t, v in variants.items()}
    out: dict[tuple[str, str], dict[int, dict[str, Row]]] = defaultdict(lambda: defaultdict(dict))
    for r in routing.cells:
        if r["variant"] == keep[r["task"]]:
            out[(r["task"], r["case_id"])][int(r["sample"])][r["deployment"]] = r
    return out


def served(task: str, chain_task: str, by_dep: Mapping[str, Row], routing: Routing) -> tuple[float, str | None]:
    """One sample of a `task` case walked through `chain_task`'s chain, from the case's own cells."""
    if chain_task == task:  # the oracle: the case's own walk, positions as the run recorded them
        by_pos = {int(c["chain_position"]): c for c in by_dep.values() if c.get("chain_position") is not None}
        length = max(by_pos, default=-1) + 1
    else:
        chain = list(routing.chains.get(chain_task, ()))
        by_pos = {i: by_dep[d] for i, d in enumerate(chain) if d in by_dep}
        length = len(chain)
    return _walk_score(by_pos, length, routing.policies.get(chain_task) or Policy(), routing.budgets.get(chain_task))


def case_rows(held: Sequence[RouterCase], predicted: Sequence[str], confidence: Sequence[float], routing: Routing
              ) -> list[Row]:  # fmt: skip
    """One row per held-out case: the route picked, and the case's served score on each route (mean of samples)."""
    samples = _samples(routing)
    rows = []
    for case, pred, conf in zip(held, predicted, confidence, strict=True):
        per_sample = samples.get((case.task, case.case_id), {})
        oracle = [served(case.task, case.task, s, routing) for s in per_sample.values()]
        routed = [served(case.task, pred, s, routing) for s in per_sample.values()] if pred != case.task else oracle
        rows.append({
            "task": case.task, "case_id": case.case_id, "predicted": pred, "correct": pred == case.task,
            "confidence": round(conf, 4), "samples": len(per_sample),
            "oracle_score": statistics.fmean(s for s, _ in oracle) if oracle else 0.0,
            "router_score": statistics.fmean(s for s, _ in routed) if routed else 0.0,
            "router_strict": (statistics.fmean(s for s, _ in oracle) if oracle else 0.0) if pred == case.task else 0.0,
            "oracle_served_by": oracle[0][1] if oracle else None, "router_served_by": routed[0][1] if routed else None,
        })  # fmt: skip
    return rows


def evaluate(cases: Sequence[RouterCase], routing: Routing, holdout: float = 0.5, seed: int = 0) -> Row:
    """The semantic router's evaluation: accuracy with its CI, per task, confusions, served quality vs oracle."""
    tasks = sorted({c.task for c in cases})
    if len(tasks) < 2:
        return {"note": "a router needs at least two tasks to choose between", "tasks": [], "cases": []}
    train, held = split(cases, holdout, seed)
    if not held:
        return {"note": "no evaluated cases to hold out", "tasks": [], "cases": []}
    model = fit(train, seed)
    proba = model.predict_proba([c.text for c in held])
    classes = list(model.classes_)
    predicted = [classes[max(range(len(classes)), key=p.__getitem__)] for p in proba]
    rows = case_rows(held, predicted, [float(max(p)) for p in proba], routing)
    return summary(rows, len(train), holdout, seed)


def summary(rows: Sequence[Row], trained_on: int, holdout: float, seed: int) -> Row:
    n, right = len(rows), sum(r["correct"] for r in rows)
    acc_ci = stats.wilson_interval(right, n)
    per_task = []
    for task, group in sorted(_by(rows, "task").items()):
        k = sum(r["correct"] for r in group)
        ci = stats.wilson_interval(k, len(group))
        per_task.append({"task": task, "cases": len(group), "recall": k / len(group), "recall_ci": [ci.low, ci.high],
                         "oracle_quality": statistics.fmean(r["oracle_score"] for r in group),
                         "router_quality": statistics.fmean(r["router_score"] for r in group),
                         "router_strict": statistics.fmean(r["router_strict"] for r in group)})  # fmt: skip
    confusions = Counter(f"{r['task']} → {r['predicted']}" for r in rows if not r["correct"])
    return {
        "note": "", "trained_on": trained_on, "held_out": n, "holdout": holdout, "seed": seed,
        "accuracy": right / n, "accuracy_ci": [acc_ci.low, acc_ci.high], "misrouted": n - right,
        "tasks": per_task, "confusions": dict(confusions.most_common(10)),
        "served": _served(rows), "cases": list(rows),
    }  # fmt: skip


def _served(rows: Sequence[Row]) -> Row:
    oracle = [r["oracle_score"] for r in rows]
    out: Row = {"oracle": statistics.fmean(oracle)}
    for name in ("router_score", "router_strict"):
        side = "router" if name == "router_score" else "strict"
        vals = [r[name] for r in rows]
        out[side] = statistics.fmean(vals)
        if len(rows) >= 2:
            d = stats.paired_difference(oracle, vals)
            out[f"{side}_diff"], out[f"{side}_ci"] = d.diff, [d.ci.low, d.ci.high]
        else:
            out[f"{side}_diff"], out[f"{side}_ci"] = out[side] - out["oracle"], None
    return out


def _by(rows: Sequence[Row], key: str) -> dict[Any, list[Row]]:
    out: dict[Any, list[Row]] = defaultdict(list)
    for r in rows:
        out[r[key]].append(r)
    return out
