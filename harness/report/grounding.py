"""The report's search-grounding section: per (task, deployment, variant) with grounded answers (a deployment with
`tools: [google_search]`), how many answers were grounded, the queries and sources per answer, the share of the
answer text a cited source supports, the sources' domains, and a few answers with their queries and sources."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from typing import Any

from harness.graders.sources import supported
from harness.report.cases import fetch
from harness.types import Grounding

EXAMPLES = 5
"""Grounded answers shown per row (every one: `harness show RUN --task T --deployment D --case C`)."""


def _share(text: str, g: Grounding) -> float:
    """Share of the answer's non-space characters inside a span a cited, existing source supports."""
    spans, _ = supported(text, g)
    hit = {i for a, b in spans for i in range(a, b) if i < len(text) and not text[i].isspace()}
    chars = sum(not c.isspace() for c in text)
    return len(hit) / chars if chars else 0.0


def _row(key: tuple[str, str, str], cells: list[dict[str, Any]]) -> dict[str, Any]:
    grounded = [(c, Grounding.from_record(json.loads(c["grounding"]))) for c in cells if c["grounding"]]
    found = [(c, g) for c, g in grounded if g is not None]
    domains = Counter(s.domain or s.title for _, g in found for s in g.sources if s.domain or s.title)
    n = len(found)
    examples = [{"case_id": c["case_id"], "sample": c["sample"], "queries": list(g.queries),
                 "sources": [{"title": s.title or s.domain, "uri": s.uri} for s in g.sources],
                 "supports": len(g.supports)} for c, g in found[:EXAMPLES]]  # fmt: skip
    return {
        "task": key[0], "deployment": key[1], "variant": key[2], "answers": len(cells), "grounded": n,
        "queries": sum(len(g.queries) for _, g in found) / n if n else None,
        "sources": sum(len(g.sources) for _, g in found) / n if n else None,
        "supported": sum(_share(c["output"] or "", g) for c, g in found) / n if n else None,
        "domains": dict(domains.most_common(5)), "examples": examples,
        "simulated": any(c["simulated"] or (g and g.simulated) for c, g in found),
    }  # fmt: skip


def section(con: Any, run_id: str) -> list[dict[str, Any]]:
    """One row per (task, deployment, variant) that sent a grounding tool. Empty for a run without one, or one read
    from a lake pushed before grounding was recorded."""
    import duckdb

    try:
        rows = fetch(con, "SELECT task, deployment, variant, case_id, sample, output, grounding, simulated FROM cells "
                          "WHERE run_id = ? AND status = 'ok' AND (task, deployment, variant) IN (SELECT task, "
                          "deployment, variant FROM cells WHERE run_id = ? AND grounding IS NOT NULL) "
                          "ORDER BY task, deployment, variant, case_id, sample", [run_id, run_id])  # fmt: skip
    except duckdb.BinderException:  # no grounding column: a lake pushed by an older harness
        return []
    groups: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        groups[(r["task"], r["deployment"], r["variant"])].append(r)
    return [_row(key, cells) for key, cells in groups.items()]
