"""Shards of one run joined into one journal (`harness runs merge`).

`harness run --shard K/N --run-id ID` runs the cases of shard K (every deployment of a case in its case's shard),
journaling `runs/ID.jsonl` on its machine. Given the N results directories, the merge writes one journal `ID.jsonl`:
the first shard's run record with the cells of all (its shard dropped, planned cells summed), every other record
of every shard, and one `run_end` (complete when every shard is; its counts summed). Cell keys, attempt ids and pair
names hold the run id, the case and the deployment, never the shard, so the merged run is the unsharded one, cell
for cell. It is then loaded, reported and pushed like any run.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from typing import Any

from harness.errors import InputError
from harness.store.journal import JournalWriter, read_records

#: The last status of a shard decides the merged run's: the worst wins.
SEVERITY = {"complete": 0, "cancelled": 1, "running": 2, "failed": 3}


def _shard_of(records: list[dict[str, Any]], path: Path) -> tuple[dict[str, Any], tuple[int, int]]:
    run = records[0] if records and records[0].get("type") == "run" else None
    shard = (run or {}).get("selection", {}).get("shard")
    if run is None or not shard:
        raise InputError(f"{path} is not the journal of a shard", fix="shards are runs started with --shard K/N")
    return run, (int(shard[0]), int(shard[1]))


def _status(records: list[dict[str, Any]]) -> tuple[str, dict[str, int]]:
    status: str = "running"
    counts: dict[str, int] = {}
    for r in records:
        if r["type"] == "run_end":
            status, counts = r["status"], r.get("counts") or {}
        elif r["type"] == "resume":
            status = "running"
    return status, counts


def merge(run_id: str, sources: list[Path], out: Path) -> tuple[Path, int]:
    """Merge the shard journals `<source>/runs/<run_id>.jsonl` into `<out>/runs/<run_id>.jsonl`; the number of cells."""
    shards: dict[int, tuple[dict[str, Any], list[dict[str, Any]]]] = {}
    total = None
    for source in sources:
        path = source / "runs" / f"{run_id}.jsonl"
        if not path.is_file():
            raise InputError(f"no journal of run {run_id} in {source}", fix="pass each shard's results directory")
        records = [r for _, _, r in read_records(path)]
        run, (k, n) = _shard_of(records, path)
        if total not in (None, n) or k in shards:
            raise InputError(f"{path}: shard {k}/{n} does not fit the others (or is there twice)")
        if shards and run["fingerprint"].get("hashes") != next(iter(shards.values()))[0]["fingerprint"].get("hashes"):
            raise InputError(f"{path}: shard {k}/{n} ran another suite, model or routing table than the others")
        total, shards[k] = n, (run, records)
    missing = sorted(set(range(1, (total or 0) + 1)) - set(shards))
    if missing:
        raise InputError(f"run {run_id}: shard(s) {', '.join(f'{k}/{total}' for k in missing)} missing")
    target = out / "runs" / f"{run_id}.jsonl"
    if target.exists():
        raise InputError(f"{target} exists already", fix="merge into another --results-dir, or move it aside")
    return target, _write(target, [shards[k] for k in sorted(shards)])


def _write(target: Path, shards: list[tuple[dict[str, Any], list[dict[str, Any]]]]) -> int:
    """One run record, every shard's records, one run_end; written beside the target, then renamed into place."""
    first = shards[0][0]
    merged_run = {**first, "planned_cells": sum(run["planned_cells"] for run, _ in shards),
                  "selection": {**first["selection"], "shard": None}}  # fmt: skip
    merged_run["fingerprint"] = {**first["fingerprint"], "cells": merged_run["planned_cells"]}
    statuses, counts = zip(*(_status(records) for _, records in shards), strict=True)
    summed: Counter[str] = Counter()
    for c in counts:
        summed.update(c)
    tmp = target.with_name(f".{target.name}.merging-{os.getpid()}")
    journal = JournalWriter(tmp)
    cells = 0
    journal.write(merged_run)
    for _, records in shards:
        for r in records[1:]:
            if r["type"] not in ("run_end", "resume"):
                journal.write(r)
                cells += r["type"] == "cell"
    ends = [r["ended_at"] for _, rs in shards for r in rs if r["type"] == "run_end" and r.get("ended_at")]
    status = max(statuses, key=lambda s: SEVERITY.get(s, len(SEVERITY)))
    journal.write({"type": "run_end", "run_id": first["run_id"], "status": status, "ended_at": max(ends, default=None),
                   "counts": dict(summed), "session": 0})  # fmt: skip
    journal.close()
    os.replace(tmp, target)
    return cells
