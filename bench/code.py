"""Code execution (9): what a code_exec grade costs per sample, isolated under bwrap and with rlimits only.

HumanEval's reference solutions graded by `code_exec` one after another in this process (the sandbox spawns a
child per sample, so the figure is the per-sample latency a grading thread sees; grading runs in a pool, so a run
overlaps them). The reference is the rlimits-only sandbox, what code_exec did before bwrap; `ok` when isolation
costs at most 3x it per sample.
"""

from __future__ import annotations

import json
import statistics
import time
from typing import Any

from bench.common import ROOT


def _grade_all(cases: list[dict[str, Any]], mode: str) -> dict[str, Any]:
    from harness.graders import Sample, sandbox
    from harness.graders.code import build_program, completion_code

    limits = sandbox.Limits()
    start = time.perf_counter()
    passed = 0
    for c in cases:
        s = Sample(c["expected"]["solution"], c["expected"], (), c["input"])
        program = build_program(s.input["prompt"], completion_code(s.output), s.expected["test"],
                                s.expected["entry_point"])  # fmt: skip
        passed += sandbox.run_python(program, limits, mode).status == "ok"
    return {"wall": time.perf_counter() - start, "passed": passed, "cells": len(cases)}


def code_exec(samples: int, repeats: int) -> dict[str, Any]:
    from harness.graders import bwrap, sandbox

    rows = [json.loads(line) for line in (ROOT / "datasets/humaneval/v1.jsonl").read_text().splitlines()]
    cases = (rows * (samples // len(rows) + 1))[:samples]
    modes = ["rlimits"] + (["bwrap"] if sandbox.isolation(65534 if _root() else None) == "bwrap" else [])
    figures: dict[str, Any] = {}
    for mode in modes:
        runs = [_grade_all(cases, mode) for _ in range(repeats)]
        figures[mode] = {
            "ms_per_sample": round(statistics.median(r["wall"] / r["cells"] * 1000 for r in runs), 2),
            "passed": runs[0]["passed"],
        }
    iso, ref = figures.get("bwrap"), figures["rlimits"]
    ratio = round(iso["ms_per_sample"] / ref["ms_per_sample"], 2) if iso else None
    return {
        "scenario": "code_exec per sample: bwrap vs rlimits only (HumanEval reference solutions, sequential)",
        "cells": samples, "runs": repeats, "sandboxes": figures, "bwrap_over_rlimits": ratio,
        "bwrap_problem": bwrap.problem(65534 if _root() else None),
        "target": "bwrap costs <= 3x rlimits per sample; every reference solution passes in both",
        "ok": ratio is not None and ratio <= 3.0 and all(f["passed"] == samples for f in figures.values()),
    }  # fmt: skip


def _root() -> bool:
    import os

    return os.geteuid() == 0
