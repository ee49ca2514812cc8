"""Latency exceedance in routed play (issue 29): deadlines and hedging against a primary that stalls.

A simulated suite (labelled simulated: the figures measure the router's play, not a model's quality): one
classification task routed `fast` -> `steady` under a latency budget on time to first token. `fast` starts
answering in ~250 ms (p95 500 ms) but, in the suite's `stall` scenario, 20% of its calls wait 2.5 s before their first
token (a fault with latency, drawn per call), far past the budget. Three routing tables, the same cells:

- `budget only`: no deadline; the walk gives up on a late answer at the budget (as before) and falls back then.
- `deadline`: `deadlines: {fast: {ttft_ms: 700}}`: a stalled attempt is cancelled at 700 ms and `steady` serves.
- `deadline + hedge`: the same, and `hedge: {after: p95_ttft}`: with no first token by fast's observed p95 TTFT,
  `steady` starts too and the first token serves.

Per table: served TTFT p50/p95 against the budget, the share served by the fallback and the quality of what each
deployment served, attempts cut at the deadline, hedges sent and their extra cost. Target: with the deadline, served
TTFT p95 within the budget; with hedging, its extra cost reported.
"""

from __future__ import annotations

import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

from bench.common import _dataset

BUDGET_MS = 1500.0
STALL_MS = 2500.0
STALL_SHARE = 0.2

MODELS = """
schema_version: 1
deployments:
  fast:
    provider: openai
    model: fast-1
    family: gpt
    pricing: {input_per_mtok: 2.5, output_per_mtok: 10.0}
    credentials_env: LATENCY_BENCH_KEY
    sim: {accuracy: {classification: 0.9}, latency_ms_p50: 900, latency_ms_p95: 1800, ttft_ms_p50: 250,
          ttft_ms_p95: 500}
  steady:
    provider: anthropic
    model: steady-1
    family: claude
    pricing: {input_per_mtok: 3.0, output_per_mtok: 15.0}
    credentials_env: LATENCY_BENCH_KEY
    sim: {accuracy: {classification: 0.85}, latency_ms_p50: 1100, latency_ms_p95: 2000, ttft_ms_p50: 350,
          ttft_ms_p95: 600}
"""

ROUTING = """
schema_version: 1
{policy}
tasks:
  t:
    chain: [fast, steady]
    constraints: {{latency_budget_ms: {budget}, latency_budget_on: ttft}}
{deadlines}
"""

TABLES = {
    "budget only": ("", ""),
    "deadline": ("", "    deadlines:\n      fast: {ttft_ms: 700}"),
    "deadline + hedge": ("defaults:\n  hedge: {after: p95_ttft}", "    deadlines:\n      fast: {ttft_ms: 700}"),
}

SUITE = f"""
schema_version: 1
name: latency
tasks:
  t:
    task_class: classification
    dataset: d@1
    graders: [{{name: exact, args: {{ignore_punctuation: true}}}}]
scenarios:
  stall:
    description: 20% of fast's calls wait {STALL_MS:g} ms before their first token.
    faults:
      - {{deployment: fast, rate: {STALL_SHARE}, latency_ms: {STALL_MS:g}}}
"""


def project(root: Path, cases: int, table: str) -> Path:
    """The suite under `root` with routing table `table` (a key of TABLES); returns the suite's path."""
    policy, deadlines = TABLES[table]
    evals = root / "evals"
    evals.mkdir(parents=True)
    (evals / "models.yaml").write_text(textwrap.dedent(MODELS))
    (evals / "routing.yaml").write_text(ROUTING.format(policy=policy, budget=BUDGET_MS, deadlines=deadlines))
    (evals / "latency.yaml").write_text(SUITE)
    _dataset(root, cases, 0)
    return evals / "latency.yaml"


def measure(results: Path, run_id: str) -> dict[str, Any]:
    """Routed play's figures for one run, from the database (`harness.report.data.routed`)."""
    from harness.report.data import routed
    from harness.store.lake import open_read

    con = open_read(results)
    try:
        cur = con.execute("SELECT * FROM served WHERE run_id = ?", [run_id])
        names = [d[0] for d in cur.description]
        served = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    finally:
        con.close()
    (row,) = routed(served, {"t": BUDGET_MS}, {"t": "ttft"})
    cost = sum(r["cost_usd"] for r in served) / len(served) * 1000
    return {"ttft_p50_ms": row["ttft_p50_ms"], "ttft_p95_ms": row["ttft_p95_ms"], "total_p95_ms": row["p95_ms"],
            "within_budget": row["ttft_p95_ms"] is not None and row["ttft_p95_ms"] <= BUDGET_MS,
            "served_by": {d: round(v, 3) for d, v in row["share"].items()},
            "quality_by_server": {d: round(q, 3) for d, q in row["quality_by_server"].items()},
            "served_quality": row["served_mean"], "cut_at_deadline": row["cut"], "hedged": round(row["hedged"], 3),
            "cost_per_1k": round(cost, 4), "hedge_cost_per_1k": round(row["hedge_cost_per_1k"], 4),
            "simulated": row["simulated"]}  # fmt: skip


def play(cases: int) -> dict[str, dict[str, Any]]:
    """The three tables on the same simulated cells (seeded), each a routed run under the `stall` scenario."""
    from harness.run.launch import Selection, start_run
    from harness.run.records import RunOptions

    out = {}
    with tempfile.TemporaryDirectory(prefix="bench-deadlines-") as tmp:
        for i, table in enumerate(TABLES):
            root = Path(tmp) / f"t{i}"
            suite = project(root, cases, table)
            run = start_run(suite, Selection(mode="sim", routed=True, scenario="stall"), results_dir=root / "results",
                            options=RunOptions())  # fmt: skip
            out[table] = measure(root / "results", run.run_id)
    return out


def scenario(cases: int) -> dict[str, Any]:
    t = time.perf_counter()
    tables = play(cases)
    plain, cut, hedged = tables["budget only"], tables["deadline"], tables["deadline + hedge"]
    ok = (not plain["within_budget"] and cut["within_budget"] and hedged["within_budget"]
          and hedged["hedge_cost_per_1k"] > 0)  # fmt: skip
    return {
        "name": "deadlines",
        "scenario": f"routed play, {cases:,} simulated cases: fast -> steady, TTFT budget {BUDGET_MS:g} ms, "
        f"{STALL_SHARE:.0%} of fast's calls stall {STALL_MS:g} ms before their first token",
        "target": "with deadlines, served TTFT p95 within the budget (without: over it); hedging's extra cost reported",
        "tables": tables,
        "hedge_extra_cost_share": round(hedged["hedge_cost_per_1k"] / hedged["cost_per_1k"], 4),
        "wall": round(time.perf_counter() - t, 1),
        "ok": ok,
        "note": "simulated deployments: the figures measure the router's play, not a model's quality",
    }
