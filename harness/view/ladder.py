"""What the run and cell pages add from the report: the degradation ladder (`report.compare.ladders_of`, the report's
own statistics on the run's cases), a cell's pairwise-judge verdicts in both orders, and the prompt templates
a run used."""

from __future__ import annotations

from typing import Any

from harness.view import paired
from harness.view.reader import Reader, rows

#: A cell's pairwise verdicts: the judge saw the answers in one order, then swapped (`first_order`, `second_order`).
PAIRWISE_SQL = """
SELECT task, variant, sample, a_deployment, b_deployment, judge_deployment, a_cell, b_cell, winner, consistent,
       first_order, second_order, flagged, reason, error, judge_prompt_hash, simulated
FROM pairwise WHERE run_id = ? AND (a_cell = ? OR b_cell = ?) ORDER BY a_deployment, b_deployment, judge_deployment
"""
TEMPLATES_SQL = """
SELECT task, deployment, variant, template_path, template_hash, count(*) AS cells,
       count(DISTINCT prompt_hash) AS prompts, min(chain_position) AS position
FROM cells WHERE run_id = ? GROUP BY ALL ORDER BY task, position, deployment, variant, template_path, template_hash
"""


def ladders(reader: Reader, con: Any, run: dict[str, Any], groups: list[paired.Group]) -> list[dict[str, Any]]:
    """The run's degradation ladder per (task, variant), as the HTML report builds it (`report.data.build`): the
    report's `ladders_of` on the run's cases (`paired.positions`), its suite's bars and base models, its pairwise
    win rates."""
    from harness.report.compare import ladders_of, pairwise_wins
    from harness.report.data import suite_context
    from harness.report.history import pairwise_rows

    ctx = suite_context(run, reader.results_dir)
    wins = pairwise_wins(pairwise_rows(con, run["run_id"]))
    return ladders_of(paired.positions(groups), ctx.bars, ctx.base_models, wins)


def pairwise(con: Any, run_id: str, cell_key: str) -> list[dict[str, Any]]:
    """The pairwise-judge verdicts on this cell (as candidate or as what it was compared against), each with the
    verdict in both orders; none before migration 6 or when the run had no pairwise judge."""
    if not rows(con, "SELECT 1 FROM information_schema.tables WHERE table_name = 'pairwise'"):
        return []
    return rows(con, PAIRWISE_SQL, [run_id, cell_key, cell_key])


def templates(con: Any, run_id: str) -> list[dict[str, Any]]:
    """Each (task, deployment, variant) of the run with the template path and hash its cells recorded, how many
    cells and distinct rendered prompts."""
    return rows(con, TEMPLATES_SQL, [run_id])
