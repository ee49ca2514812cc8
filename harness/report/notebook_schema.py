"""The columns and dtypes of the notebook API's frames (`notebook.py`): one schema per accessor, categorical
columns with their categories in display order."""

from __future__ import annotations

Dtype = str | tuple[str, ...]
"""A pandas dtype name, or the categories of a categorical column (in display order)."""

CATEGORICAL = (
    "suite", "task", "task_class", "dataset", "dataset_version", "deployment", "provider", "model", "family", "role",
    "variant", "status", "error_class", "mode", "grader_id", "grader_version", "route",
)  # fmt: skip
FLIPS = ("pass → fail", "fail → pass")
VERDICTS = ("regressed", "improved", "inconclusive", "no detectable change")
NON_INFERIORITY = ("superior", "non-inferior", "inconclusive", "inferior")
EQUIVALENCE = ("equivalent", "inconclusive", "different")
STATUSES = ("switch", "keep", "insufficient evidence", "no chain meets the bars", "not evaluated")

COMPARE_CASES: dict[str, Dtype] = {
    "task": "category", "deployment": "category", "variant": "category", "case_id": "str",
    "score_a": "float64", "score_b": "float64", "delta": "float64", "passed_a": "boolean", "passed_b": "boolean",
    "flipped": FLIPS, "output_a": "str", "output_b": "str",
}  # fmt: skip
COMPARE_SUMMARY: dict[str, Dtype] = {
    "task": "category", "deployment": "category", "variant": "category", "cases": "int64", "n": "int64",
    "mean_a": "float64", "mean_b": "float64", "diff": "float64", "se": "float64", "ci_low": "float64",
    "ci_high": "float64", "p": "float64", "mde": "float64", "correlation": "float64", "df": "float64",
    "clusters": "Int64", "mcnemar_p": "float64", "pass_to_fail": "int64", "fail_to_pass": "int64",
    "p_drop": "float64", "p_holm": "float64", "verdict": VERDICTS,
}  # fmt: skip
DEGRADATION: dict[str, Dtype] = {
    "task": "category", "variant": "category", "deployment": "category", "role": "category", "position": "int64",
    "primary": "category", "cases": "int64", "n": "int64", "mean": "float64", "n_paired": "Int64",
    "mean_primary": "float64",
    "diff": "float64", "se": "float64", "ci_low": "float64", "ci_high": "float64", "p": "float64", "mde": "float64",
    "margin": "float64", "non_inferiority": NON_INFERIORITY, "equivalence": EQUIVALENCE, "equivalence_vs": "category",
    "win_rate": "float64", "agreement": "float64", "agreement_on": "category", "kappa": "float64", "simulated": "bool",
}  # fmt: skip
PORTABILITY: dict[str, Dtype] = {
    "task": "category", "deployment": "category", "family": "category", "template": "category", "own": "bool",
    "variant": "category", "n": "int64", "pass_rate": "float64", "ci_low": "float64", "ci_high": "float64",
    "simulated": "bool",
}  # fmt: skip
PORTABILITY_GAINS: dict[str, Dtype] = {
    "task": "category", "deployment": "category", "family": "category", "own": "category", "n": "int64",
    "diff": "float64", "ci_low": "float64", "ci_high": "float64", "p": "float64", "method": "category",
    "verdict": ("pays", "unclear", "costs"), "simulated": "bool",
}  # fmt: skip
LATENCY: dict[str, Dtype] = {
    "task": "category", "deployment": "category", "variant": "category", "role": "category", "cases": "int64",
    "samples": "int64", "mean": "float64", "pass_rate": "float64", "cost_per_1k": "float64", "p50_ms": "float64",
    "p95_ms": "float64", "ttft_p50_ms": "float64", "ttft_p95_ms": "float64", "tokens_per_s": "float64",
    "streamed": "int64", "simulated": "bool",
}  # fmt: skip

ADVICE: dict[str, Dtype] = {
    "task": "category", "variant": "category", "status": STATUSES, "summary": "str", "cases": "Int64",
    **{f"{side}{col}": kind for side in ("today", "proposed") for col, kind in (
        ("", "str"), ("_quality", "float64"), ("_ci_low", "float64"), ("_ci_high", "float64"),
        ("_p50_ms", "float64"), ("_p95_ms", "float64"), ("_cost_per_1k", "float64"))},
    "saving_per_1k": "float64", "saving_share": "float64", "need": "Int64", "simulated": "bool",
}  # fmt: skip
ROUTER: dict[str, Dtype] = {
    "task": "category", "case_id": "str", "predicted": "category", "correct": "bool", "confidence": "float64",
    "samples": "int64", "oracle_score": "float64", "router_score": "float64", "router_strict": "float64",
    "oracle_served_by": "category", "router_served_by": "category", "simulated": "bool",
}  # fmt: skip
ROUTER_TASKS: dict[str, Dtype] = {
    "task": "category", "cases": "int64", "recall": "float64", "recall_ci_low": "float64",
    "recall_ci_high": "float64", "oracle_quality": "float64", "router_quality": "float64",
    "router_strict": "float64", "simulated": "bool",
}  # fmt: skip
#: `served`'s columns (the `served` table's, in this order).
SERVED = (
    "run_id", "task", "case_id", "variant", "sample", "route", "requested", "served_deployment", "served_position",
    "status", "failure_class", "path", "latency_ms", "ttft_ms", "cost_usd", "hedged", "hedge_cost_usd", "score",
    "passed", "simulated",
)  # fmt: skip
