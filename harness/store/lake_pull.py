"""A shard's rows in the lake written back as a journal: what a Ray task resumes from when it replaces one that died.

Every table's columns are the journal record's keys of the same name (`ingest.TABLES`), so a row plus its `type` is
the record the journal held: the pulled journal is the dead task's, up to its last push (records that are in no
table, such as `model_call`, are not in the lake and not pulled). Its sessions are counted back from the attempt ids
(`key:session:n`) as `resume` records, so the next session's attempt ids are new.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from harness.store import lake as lake_mod
from harness.store.ingest import JSON_COLS, TABLES
from harness.store.journal import JournalWriter

#: Lake table -> record type, in the order a journal holds them (the run record first).
PULLED = {"run_shards": "run", "routes": "route", "attempts": "attempt", "cells": "cell", "grades": "grade",
          "served": "served", "pairwise": "pairwise", "lanes": "lane"}  # fmt: skip
assert set(PULLED.values()) <= set(TABLES)


def _value(name: str, value: Any) -> Any:
    if name in JSON_COLS and isinstance(value, str):
        return json.loads(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def _rows(con: Any, table: str, run_id: str, shard: int) -> list[dict[str, Any]]:
    drop = "shard, shards" if table == "run_shards" else "shard"
    cur = con.execute(f"SELECT * EXCLUDE ({drop}) FROM {table} WHERE run_id = ? AND shard = ?", [run_id, shard])
    names = [d[0] for d in cur.description]
    return [{n: _value(n, v) for n, v in zip(names, row, strict=True)} for row in cur.fetchall()]


def pull_shard(lake: lake_mod.Lake, run_id: str, shard: int, path: Path) -> int:
    """Write shard `shard` of run `run_id` as the lake holds it to the journal `path`; the cells it holds. Nothing
    is written when the lake has no run record of the shard (0)."""
    con = lake_mod.connect(lake)  # not read-only: the first shard to start creates a new lake's catalog
    try:
        known = {t for (t,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = 'lake'")
                 .fetchall()}  # fmt: skip
        if "run_shards" not in known or not _rows(con, "run_shards", run_id, shard):
            return 0
        (sessions,) = con.execute(
            "SELECT coalesce(max(TRY_CAST(string_split(attempt_id, ':')[-2] AS INTEGER)), 0) FROM attempts "
            "WHERE run_id = ? AND shard = ?", [run_id, shard],
        ).fetchone()  # fmt: skip
        writer = JournalWriter(path)
        cells = 0
        try:
            for table, kind in PULLED.items():
                for row in _rows(con, table, run_id, shard) if table in known else []:
                    writer.write({"type": kind, **row})
                    cells += kind == "cell"
                if kind == "run":
                    for session in range(1, int(sessions) + 1):  # the sessions the dead tasks ran
                        writer.write({"type": "resume", "run_id": run_id, "session": session, "pulled": True})
        finally:
            writer.close()
        return cells
    finally:
        con.close()
