"""Baseline snapshots for the CI gate: `evals/baselines/<suite>.jsonl`, committed, small, diffable.

Line 1 is a header: format, suite, the run(s) it was made from, their git commit, sim seed, limit, repeats,
variants, deployment modes, and the config hashes and fingerprint of the run. Then one line per (task,
deployment, variant): its cell count and the signature the gate compares (`harness.gate.verdict.signatures`). Then one
line per cell: task, deployment, variant, case id, sample, score, passed, status, error class and cluster (null
fields left out).
Lines are sorted and scores rounded to 6 places, so the same run always gives the same file, byte for byte.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.config.suite import Project
from harness.errors import InputError
from harness.run.resume import JournalState
from harness.store.lake import Lake

FORMAT = "harness-baseline/1"
CELL_KEYS = ("task", "deployment", "variant", "case_id", "sample", "score", "passed", "status", "error_class",
             "cluster")  # fmt: skip
PairKey = tuple[str, str, str]
Row = dict[str, Any]


@dataclass
class Baseline:
    header: dict[str, Any]
    signatures: dict[PairKey, dict[str, Any]]
    cells: dict[PairKey, int]
    """Cells per pair in the run(s) the baseline was made from."""
    rows: dict[PairKey, list[Row]]

    @property
    def variants(self) -> list[str]:
        return list(self.header.get("variants") or ["base"])

    @property
    def modes(self) -> dict[str, str]:
        """Deployment -> live, sim or local, as in the run(s) it was made from."""
        return dict(self.header.get("modes") or {})

    def problems(self) -> list[str]:
        """Pairs whose cell lines do not add up to the recorded count: a damaged or hand-edited baseline."""
        out = []
        for key in sorted(set(self.cells) | set(self.rows)):
            n, have = self.cells.get(key), len(self.rows.get(key, []))
            if n is None:
                out.append(f"baseline: cells for {'/'.join(key)} but no pair line")
            elif have != n:
                out.append(f"baseline: {'/'.join(key)} has {have} of its {n} cells")
        return out


def default_path(project: Project) -> Path:
    return project.suite_path.parent / "baselines" / f"{project.suite.name}.jsonl"


def _row(rec: dict[str, Any]) -> Row:
    row = {k: rec.get(k) for k in CELL_KEYS}
    row["output"] = None  # the report's drift code reads it for flipped cases; baselines keep no outputs
    return row


def parse(text: str, where: str) -> Baseline:
    try:
        records = [json.loads(line) for line in text.splitlines() if line.strip()]
        if not records or not isinstance(records[0], dict) or records[0].get("format") != FORMAT:
            raise ValueError(f"the first line is not a {FORMAT} header")
        sigs: dict[PairKey, dict[str, Any]] = {}
        cells: dict[PairKey, int] = {}
        rows: dict[PairKey, list[Row]] = {}
        for rec in records[1:]:
            if "pair" in rec:
                key = (str(rec["pair"][0]), str(rec["pair"][1]), str(rec["pair"][2]))
                sigs[key], cells[key] = rec["signature"], int(rec["cells"])
            else:
                rows.setdefault((rec["task"], rec["deployment"], rec["variant"]), []).append(_row(rec))
    except (ValueError, KeyError, IndexError, TypeError) as e:
        fix = "regenerate it with `harness baseline update`"
        raise InputError(f"{where}: not a harness baseline ({e})", fix=fix) from None
    return Baseline(records[0], sigs, cells, rows)


def read(path: Path) -> Baseline:
    return parse(path.read_text(encoding="utf-8"), str(path))


def _json(obj: Any, sort: bool = False) -> str:
    return json.dumps(obj, sort_keys=sort, ensure_ascii=False, separators=(",", ":"))


def dumps(b: Baseline) -> str:
    lines = [_json(b.header, sort=True)]
    for key in sorted(b.signatures):
        lines.append(_json({"pair": list(key), "cells": b.cells.get(key, 0), "signature": b.signatures[key]}, True))
    for key in sorted(b.rows):
        for r in sorted(b.rows[key], key=lambda r: (r["case_id"], r["sample"])):
            lines.append(_json({k: r[k] for k in CELL_KEYS if r[k] is not None}))  # a missing key reads as null
    return "\n".join(lines) + "\n"


def journal_rows(
    state: JournalState, thresholds: dict[str, float], candidates: Iterable[PairKey] = ()
) -> dict[PairKey, list[Row]]:
    """The final cells of a journal as gate rows, per pair, with the weighted score and pass verdict. Candidates
    the run selected that no case could reach (no eligible routing entry) are there with no rows."""
    from harness.run.launch import cell_score

    out: dict[PairKey, list[Row]] = {}
    for rec in state.done.values():
        score, passed = None, None
        if rec["status"] == "ok":
            score, passed = cell_score(state.grades.get(rec["cell_key"], []), thresholds.get(rec["task"], 1.0))
        row = _row({**rec, "score": None if score is None else round(score, 6), "passed": passed})
        out.setdefault((rec["task"], rec["deployment"], rec["variant"]), []).append(row)
    for rows in out.values():
        rows.sort(key=lambda r: (r["case_id"], r["sample"]))
    reached = {(route["task"], e["deployment"], e["variant"]) for route in state.routes.values()
               for e in route.get("entries") or [] if e["eligible"]}  # fmt: skip
    sel = state.run.get("selection") or {}
    deployments, variants = set(state.run.get("deployments") or []), set(sel.get("variants") or ["base"])
    for key in candidates:
        selected = (sel.get("tasks") is None or key[0] in sel["tasks"]) and key[1] in deployments
        if selected and key[2] in variants and key not in reached:
            out.setdefault(key, [])
    return out


def _settings(run: dict[str, Any]) -> dict[str, Any]:
    sel = run.get("selection") or {}
    return {"sim_seed": run.get("sim_seed") or 0, "limit": sel.get("limit"), "repeats": sel.get("repeats"),
            "variants": sel.get("variants") or ["base"]}  # fmt: skip


def snapshot(
    run: dict[str, Any],
    rows: dict[PairKey, list[Row]],
    signatures: dict[PairKey, dict[str, Any]],
    existing: Baseline | None,
) -> tuple[Baseline, list[str]]:
    """A baseline from one run's rows. Pairs the run did not cover are kept from `existing` while their signature
    still matches, so a gate run can refresh just the pairs it re-evaluated. Returns the baseline and notes."""
    settings = _settings(run)
    covered = set(rows) & set(signatures)
    notes = [f"dropped {'/'.join(k)}: no longer a candidate" for k in sorted(set(rows) - set(signatures))]
    rest = set(signatures) - covered
    keep: set[PairKey] = set()
    if rest and existing is not None:
        differ = [name for name, value in settings.items() if existing.header.get(name) != value]
        if differ:
            raise InputError(
                f"run {run['run_id']} covers part of the suite and differs from the existing baseline in "
                f"{', '.join(differ)}",
                fix="run the whole suite (the baseline is then replaced), or rerun with the baseline's settings",
            )
        keep = {k for k in rest if existing.signatures.get(k) == signatures[k] and k in existing.cells}
    notes += [f"no baseline for {'/'.join(k)} (not in this run; changed or new)" for k in sorted(rest - keep)]
    modes = dict(existing.modes) if existing is not None and keep else {}
    modes.update({d: m for d, m in (run.get("deployment_modes") or {}).items() if any(k[1] == d for k in covered)})
    runs = set(existing.header.get("runs") or []) if existing is not None and keep else set()
    header = {
        "format": FORMAT, "suite": run.get("suite"), "runs": sorted(runs | {run["run_id"]}),
        "git_commit": run.get("git_commit"), "git_dirty": run.get("git_dirty"),
        "simulated": any(m == "sim" for m in modes.values()), **settings, "modes": dict(sorted(modes.items())),
        "hashes": run.get("hashes"), "fingerprint": {k: v for k, v in (run.get("fingerprint") or {}).items()
                                                     if k != "cells"},
    }  # fmt: skip
    sigs = {k: signatures[k] for k in covered | keep}
    cells = {k: len(rows[k]) for k in covered}
    out_rows = {k: rows[k] for k in covered}
    if existing is not None:
        cells.update({k: existing.cells[k] for k in keep})
        out_rows.update({k: existing.rows.get(k, []) for k in keep})
    return Baseline(header, sigs, cells, out_rows), notes


def config_changes(project: Project, run: dict[str, Any]) -> list[str]:
    """How the configuration `run` was made from differs from `project`'s (empty: the same). A gate run narrows
    its plan, so only the templates the run used are compared."""
    from harness.run.plan import Selection, build_plan
    from harness.run.resume import fingerprint_changes

    sel = run.get("selection") or {}
    plan = build_plan(project, Selection(tasks=sel.get("tasks"), deployments=sel.get("deployments"),
                                         variants=sel.get("variants") or ["base"], limit=sel.get("limit"),
                                         repeats=sel.get("repeats"), mode="sim"), "baseline-check")  # fmt: skip
    old = {**(run.get("fingerprint") or {}), "cells": None}
    used = {t[0] for t in old.get("templates", [])}
    new = {**plan.fingerprint(), "cells": None}
    new["templates"] = [t for t in new["templates"] if t[0] in used]
    return fingerprint_changes(old, new)


LAKE_ROWS = """
SELECT task, deployment, variant, case_id, sample, round(score, 6) AS score, passed, status, error_class, cluster
FROM results WHERE run_id = ? ORDER BY task, deployment, variant, case_id, sample
"""
JSON_FIELDS = ("selection", "fingerprint", "hashes", "deployment_modes", "packages", "counts")


def from_lake(store: Lake, project: Project, candidates: int = 20) -> tuple[Baseline | None, list[str]]:
    """A baseline from the lake: the latest complete run of the suite (among the last `candidates`) made from
    `project`'s configuration (the base ref's), and a note naming it; None when there is none."""
    from harness.gate.changes import signatures
    from harness.report.cases import fetch
    from harness.store.lake import connect

    con = connect(store, read_only=True)
    try:
        runs = fetch(con, "SELECT * FROM runs WHERE suite = ? AND status = 'complete' ORDER BY started_at DESC "
                          "LIMIT ?", [project.suite.name, candidates])  # fmt: skip
        for run in runs:
            run = {k: json.loads(v) if k in JSON_FIELDS and isinstance(v, str) else v for k, v in run.items()}
            if config_changes(project, run):
                continue
            rows: dict[PairKey, list[Row]] = {}
            for r in fetch(con, LAKE_ROWS, [run["run_id"]]):
                rows.setdefault((r["task"], r["deployment"], r["variant"]), []).append(_row(r))
            variants = (run.get("selection") or {}).get("variants") or ["base"]
            base, notes = snapshot(run, rows, signatures(project, variants), None)
            return base, [f"baseline: run {run['run_id']} from the lake {store.label}", *notes]
    finally:
        con.close()
    return None, [f"no complete run of suite {project.suite.name!r} in the lake made from this configuration"]
