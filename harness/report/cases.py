"""Everything about single cells that the `results` view does not hold: the case's input and reference (from the
dataset version the run recorded), the grades with their reasons, and the attempts with their error classes.

Used by the report's flipped cases and by `harness show`. Lookups are defensive: a dataset that moved since the
run gives a note instead of the input, never an error.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

INPUT_CHARS = 4000
"""Input and reference text embedded per flipped case in a report; `harness show --full` prints everything."""


def fetch(con: Any, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    cur = con.execute(sql, params)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]


def text(value: Any, limit: int | None = INPUT_CHARS) -> str:
    """A case field as readable text (JSON for structures), clipped to `limit` characters with a note."""
    out = value if isinstance(value, str) else json.dumps(value, indent=1, ensure_ascii=False, default=str)
    if limit is not None and len(out) > limit:
        return f"{out[:limit]}… ({len(out) - limit} more characters: harness show --full)"
    return out


def datasets_dir(run: dict[str, Any], known: Path | None) -> Path | None:
    """Where the run's datasets live: the suite's setting when it loads, else `../datasets` next to the suite."""
    if known is not None:
        return known
    suite_path = run.get("suite_path")
    return Path(suite_path).parent.parent / "datasets" if suite_path else None


def case_lookup(root: Path | None, refs: Iterable[tuple[str, str]]) -> tuple[dict[tuple[str, str, str], Any], str]:
    """(dataset, version, case id) -> the `Case`, for each recorded dataset version that still loads; and a note
    naming those that do not."""
    from harness.config.datasets import load_dataset
    from harness.errors import HarnessError

    out: dict[tuple[str, str, str], Any] = {}
    missing = []
    for name, version in sorted(set(refs)):
        try:
            if root is None:
                raise FileNotFoundError("no datasets directory")
            ds = load_dataset(root, name, version)
        except (HarnessError, OSError) as e:
            missing.append(f"{name}@{version} ({str(e).splitlines()[0][:120]})")
            continue
        out.update({(name, version, c.id): c for c in ds.cases})
    return out, ("input not available for " + "; ".join(missing)) if missing else ""


def grades(con: Any, cell_keys: Iterable[str | None]) -> dict[str, list[dict[str, Any]]]:
    """cell key -> its grades (latest version per grader first), with reasons and judge deployments."""
    keys = sorted({k for k in cell_keys if k})
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    if not keys:
        return out
    rows = fetch(con, "SELECT cell_key, grader_id, grader_version, value, passed, reason, error, weight, "
                      "judge_deployment FROM grades WHERE cell_key IN (SELECT unnest(?)) "
                      "ORDER BY cell_key, grader_id, graded_at DESC", [keys])  # fmt: skip
    for r in rows:
        out[r.pop("cell_key")].append(r)
    return out


def attempts(con: Any, cell_key: str) -> list[dict[str, Any]]:
    """The attempts behind one cell, in order, with whatever columns this database has."""
    return fetch(con, "SELECT * EXCLUDE (cell_key, run_id) FROM attempts WHERE cell_key = ? ORDER BY n", [cell_key])
