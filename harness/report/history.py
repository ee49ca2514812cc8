"""Report sections that read beyond the run's own cells: the trend over the suite's recent runs, and judge health
(calibration against labelled outputs, swap consistency of pairwise judging).

Judge tables (`judge_calibrations`, `pairwise`) come from migration 6; every query here checks that they exist,
so a database made before them gives "no judges in this run" rather than an error.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from harness.report.cases import fetch

TREND_RUNS = 20
"""The trend shows the last this many runs of the suite, up to the reported one."""
KAPPA_BAR = 0.6
"""Judge-vs-labels κ below this ("substantial" agreement) is flagged."""
JUDGE_TABLES = ("judge_calibrations", "pairwise")


def _tables(con: Any) -> set[str]:
    rows = fetch(con, "SELECT table_name FROM information_schema.tables WHERE table_name IN (SELECT unnest(?))",
                 [list(JUDGE_TABLES)])  # fmt: skip
    return {r["table_name"] for r in rows}


def _has_column(con: Any, table: str, column: str) -> bool:
    rows = fetch(con, "SELECT 1 FROM information_schema.columns WHERE table_name = ? AND column_name = ?",
                 [table, column])  # fmt: skip
    return bool(rows)


def trend(con: Any, run: dict[str, Any], n: int = TREND_RUNS) -> dict[str, Any]:
    """Mean score (over case means, base variant) per task and deployment in the suite's last `n` runs."""
    runs = fetch(con, "SELECT run_id, started_at, simulated FROM runs WHERE suite = ? AND started_at <= ? "
                      "ORDER BY started_at DESC, run_id DESC LIMIT ?",
                 [run["suite"], run["started_at"], n])  # fmt: skip
    runs.reverse()
    index = {r["run_id"]: i for i, r in enumerate(runs)}
    rows = fetch(con, "SELECT run_id, task, deployment, avg(score) AS mean, count(*) AS cases, "
                      "bool_or(simulated) AS simulated FROM case_results WHERE run_id IN (SELECT unnest(?)) "
                      "AND variant = 'base' AND score IS NOT NULL GROUP BY ALL ORDER BY ALL",
                 [list(index)])  # fmt: skip
    tasks: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for r in rows:
        tasks[r["task"]][r["deployment"]].append({"run": index[r["run_id"]], "run_id": r["run_id"], "mean": r["mean"],
                                                  "cases": r["cases"], "simulated": bool(r["simulated"])})  # fmt: skip
    return {
        "runs": [{"run_id": r["run_id"], "started_at": str(r["started_at"]), "simulated": bool(r["simulated"])}
                 for r in runs],
        "tasks": [{"task": t, "series": [{"deployment": d, "points": sorted(p, key=lambda x: x["run"])}
                                         for d, p in sorted(by_dep.items())]} for t, by_dep in sorted(tasks.items())],
    }  # fmt: skip


def pairwise_rows(con: Any, run_id: str) -> list[dict[str, Any]]:
    """The run's pairwise-judge verdicts, judge errors left out (empty before migration 6)."""
    if "pairwise" not in _tables(con):
        return []
    return fetch(con, "SELECT task, variant, case_id, sample, a_deployment, b_deployment, judge_deployment, "
                      "judge_prompt_hash, winner, consistent, simulated FROM pairwise "
                      "WHERE run_id = ? AND winner IS NOT NULL ORDER BY ALL", [run_id])  # fmt: skip


def _swap(pairwise: list[dict[str, Any]]) -> list[dict[str, Any]]:
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for r in pairwise:
        groups[(r["task"], r["judge_deployment"])].append(r)
    return [{"task": t, "judge": j, "n": len(rs), "consistent": sum(bool(r["consistent"]) for r in rs) / len(rs),
             "ties": sum(r["winner"] == "tie" or not r["consistent"] for r in rs) / len(rs),
             "simulated": any(r["simulated"] for r in rs)} for (t, j), rs in sorted(groups.items())]  # fmt: skip


def _calibrations(con: Any, tasks: set[str], judges: set[str]) -> list[dict[str, Any]]:
    """The latest calibration per (task, grader, judge, judge prompt) of the judges this run used."""
    rows = fetch(con, "SELECT calibrated_at, task, grader_id, judge_deployment, judge_prompt_hash, simulated, n, "
                      "accuracy, kappa, weighted_kappa, length_score_corr, confusion FROM judge_calibrations "
                      "WHERE task IN (SELECT unnest(?)) AND judge_deployment IN (SELECT unnest(?)) "
                      "QUALIFY row_number() OVER (PARTITION BY task, grader_id, judge_deployment, judge_prompt_hash "
                      "ORDER BY calibrated_at DESC) = 1 ORDER BY task, grader_id, judge_deployment",
                 [sorted(tasks), sorted(judges)])  # fmt: skip
    for r in rows:
        r["calibrated_at"] = str(r["calibrated_at"])
        r["flag"] = r["kappa"] is not None and r["kappa"] < KAPPA_BAR
        r["simulated"] = bool(r["simulated"])
    return rows


def _graded_judges(con: Any, run_id: str) -> set[tuple[str, str | None]]:
    """(judge deployment, judge prompt hash) of the run's judge grades."""
    hash_col = "judge_prompt_hash" if _has_column(con, "grades", "judge_prompt_hash") else "NULL"
    rows = fetch(con, f"SELECT DISTINCT judge_deployment, {hash_col} AS prompt FROM grades WHERE run_id = ? "
                      "AND judge_deployment IS NOT NULL", [run_id])  # fmt: skip
    return {(r["judge_deployment"], r["prompt"]) for r in rows}


def judge_health(con: Any, run_id: str, tasks: set[str], pairwise: list[dict[str, Any]]) -> dict[str, Any]:
    """Judges this run used (grades' judge deployments and pairwise judges) with their prompt hashes, their latest
    calibration (κ against labelled outputs) and the swap consistency of pairwise verdicts. Empty: "no judges in
    this run"."""
    used = _graded_judges(con, run_id) | {(r["judge_deployment"], r["judge_prompt_hash"]) for r in pairwise}
    judges = {j for j, _ in used}
    calibrations = _calibrations(con, tasks, judges) if judges and "judge_calibrations" in _tables(con) else []
    hashes: dict[str, set[str]] = defaultdict(set)
    for j, h in used:
        if h:
            hashes[j].add(str(h)[:12])
    named = [f"{j} (prompt {', '.join(sorted(hashes[j]))})" if hashes[j] else j for j in sorted(judges)]
    return {"judges": named, "calibrations": calibrations, "swap": _swap(pairwise), "kappa_bar": KAPPA_BAR}
