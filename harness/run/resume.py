"""What a journal says about its run: which cells are final, which grades exist, and whether a resume is safe.

Resume = the plan's cells minus the cells with a final record in the journal. In-flight cells (attempts but no
final record) re-run; a torn last line is cut off before anything is appended; nothing is ever deleted. A resume
requires the same fingerprint (suite, model table, routing table, datasets, templates, grader versions).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.errors import InputError
from harness.store.journal import read_records, torn_tail


@dataclass
class JournalState:
    path: Path
    run: dict[str, Any]
    done: dict[str, dict[str, Any]] = field(default_factory=dict)
    """cell key -> its final `cell` record."""
    grades: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """cell key -> its grade records."""
    routes: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    """(task, case id) -> its routing decision."""
    sessions: int = 1
    """1 + the number of resumes so far."""
    status: str = "running"
    """The last `run_end` status, or `running` when the run never ended (crashed or still going)."""


def journal_path(results_dir: Path, run_id: str) -> Path:
    if not run_id or "/" in run_id or run_id.startswith("."):
        raise InputError(f"invalid run id {run_id!r}")
    return results_dir / "runs" / f"{run_id}.jsonl"


def read_state(path: Path) -> JournalState:
    """Scan a journal. A corrupt line in the middle raises JournalCorruptError (file:line)."""
    state: JournalState | None = None
    for _, _, rec in read_records(path):
        kind = rec["type"]
        if kind == "run":
            state = JournalState(path, rec)
        elif state is None:
            raise InputError(f"{path}: the first record is not a run record", fix="is this a harness journal?")
        elif kind == "cell":
            state.done[rec["cell_key"]] = rec
        elif kind == "route":
            state.routes[(rec["task"], rec["case_id"])] = rec
        elif kind == "grade":
            state.grades.setdefault(rec["cell_key"], []).append(rec)
        elif kind == "resume":
            state.sessions += 1
            state.status = "running"
        elif kind == "run_end":
            state.status = rec["status"]
    if state is None:
        raise InputError(f"{path}: no run record (empty journal)", fix="start a new run instead")
    return state


def cut_torn_tail(path: Path) -> int:
    """Truncate a torn last record so appended records start on a fresh line; return the bytes cut."""
    torn = torn_tail(path)
    if torn:
        with open(path, "r+b") as fh:
            fh.truncate(path.stat().st_size - torn)
            fh.flush()
            os.fsync(fh.fileno())
    return torn


def fingerprint_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Human-readable differences between a run's recorded fingerprint and the current one."""
    changes = []
    names = {"suite": "the suite file", "models": "the model table", "routing": "the routing table"}
    for key, label in names.items():
        if old.get("hashes", {}).get(key) != new.get("hashes", {}).get(key):
            changes.append(f"{label} changed")
    old_ds, new_ds = old.get("datasets", {}), new.get("datasets", {})
    for ref in sorted(set(old_ds) | set(new_ds)):
        if old_ds.get(ref) != new_ds.get(ref):
            both = ref in old_ds and ref in new_ds
            changes.append(f"dataset {ref} changed" if both else f"dataset set changed ({ref})")
    old_t, new_t = dict(map(tuple, old.get("templates", []))), dict(map(tuple, new.get("templates", [])))
    for path in sorted(set(old_t) | set(new_t)):
        if old_t.get(path) != new_t.get(path):
            changes.append(f"template {path} changed")
    old_g, new_g = dict(map(tuple, old.get("graders", []))), dict(map(tuple, new.get("graders", [])))
    for name in sorted(set(old_g) | set(new_g)):
        if old_g.get(name) != new_g.get(name):
            changes.append(f"grader {name} version {old_g.get(name)} -> {new_g.get(name)}")
    if not changes and old.get("cells") != new.get("cells"):
        changes.append(f"the plan has {new.get('cells')} cells, the run had {old.get('cells')}")
    return changes
