"""The gate's result as people and CI read it: the plan and verdict tables, the one-line headline, Markdown for
the PR comment and $GITHUB_STEP_SUMMARY, JUnit XML (a test case per pair and per chain check), and JSON."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict

from harness.gate import changes
from harness.gate.run import GateResult
from harness.report.escape import md

SIM_NOTE = "SIMULATED: answers come from simulated twins; this verdict tests the pipeline, not the models"


def _pair(key: changes.PairKey) -> str:
    return " / ".join(key)


def plan_rows(result: GateResult) -> list[tuple[str, ...]]:
    return [(*p.key, p.action, "; ".join(p.reasons)) for p in result.plan]


def _fmt(x: float | None, spec: str) -> str:
    return "-" if x is None else format(x, spec)


def _cells(used: int, planned: int) -> str:
    if not planned:
        return "-"
    return f"{used:,}" if used == planned else f"{used:,} of {planned:,}"


def verdict_rows(result: GateResult) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for v in result.pairs:
        s, e = v.score or {}, v.errors or {}
        ci = s.get("ci")
        rows.append((
            *v.key, v.verdict.upper(), str(s.get("n", "-")), _cells(v.cells, v.planned_cells),
            _fmt(s.get("mean_a"), ".3f"), _fmt(s.get("mean_b"), ".3f"),
            f"{s['diff']:+.3f} [{ci[0]:+.3f}, {ci[1]:+.3f}]" if ci else "-", _fmt(s.get("p_holm"), ".3g"),
            _fmt(s.get("mde"), ".3f"), f"{e['before']:.1%} → {e['after']:.1%}" if e else "-", "; ".join(v.notes),
        ))  # fmt: skip
    return rows


def chain_rows(result: GateResult) -> list[tuple[str, ...]]:
    return [(c.task, c.variant, c.primary, c.fallback, c.before or "-", c.after or "-", c.outcome.upper())
            for c in result.chains]  # fmt: skip


def headline(result: GateResult, sim_note: bool = True) -> str:
    n = Counter(p.action for p in result.plan)
    text = (f"GATE {result.verdict.upper()}: {n['run']} pair(s) run, {n['regrade']} re-graded, {n['new']} new, "
            f"{n['reuse']} reused from the baseline; base {result.base} ({result.base_commit[:10]})")  # fmt: skip
    used, planned = sum(v.cells for v in result.pairs), sum(v.planned_cells for v in result.pairs)
    if planned:
        text += f"; {used:,} cells" + (f" of the fixed-n gate's {planned:,} (sequential)" if used != planned else "")
    return text + (f"; {SIM_NOTE}" if result.simulated and sim_note else "")


def _md_table(header: list[str], rows: list[tuple[str, ...]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return out + ["| " + " | ".join(md(x) for x in r) + " |" for r in rows]


VERDICT_COLS = ["task", "deployment", "variant", "verdict", "cases", "cells", "baseline", "now", "Δ [95% CI]",
                "p (Holm)", "MDE", "errors", "why"]  # fmt: skip
CHAIN_COLS = ["task", "variant", "primary", "fallback", "baseline", "now", "outcome"]
PLAN_COLS = ["task", "deployment", "variant", "action", "why"]


def markdown(result: GateResult) -> str:
    """The summary for $GITHUB_STEP_SUMMARY or a PR comment: verdict, what was compared, the plan. Every name in
    it goes through `escape.md`: whoever edits the suite in a pull request cannot forge a line of it."""
    lines = [f"## Eval gate: {md(result.verdict.upper())}", ""]
    if result.simulated:
        lines += [f"> **{SIM_NOTE}.**", ""]
    lines += [f"{md(headline(result, sim_note=False))}. Suite {md(result.suite)}, baseline {md(result.baseline)} at "
              "the base" + (f", gate run {md(result.run_id)}." if result.run_id else "."), ""]  # fmt: skip
    lines += [f"- {md(p)}" for p in result.problems] + ([""] if result.problems else [])
    if result.pairs:
        lines += _md_table(VERDICT_COLS, verdict_rows(result)) + [""]
        compared = {p.key: p.compared for p in result.plan}
        lines += ["Compared (dataset · template · model):", ""]
        lines += [f"- {md(_pair(v.key))}: {md(compared.get(v.key, ''))}" for v in result.pairs] + [""]
        flips = [f"- {md(_pair(v.key))}: {md(', '.join(v.flips))}" for v in result.pairs if v.flips]
        lines += ["Cases that passed in the baseline and fail now:", "", *flips, ""] if flips else []
    if result.chains:
        lines += ["### Fallbacks against their primary (non-inferiority)", ""]
        lines += _md_table(CHAIN_COLS, chain_rows(result)) + [""]
    active = [r for r, p in zip(plan_rows(result), result.plan, strict=True) if p.action != "reuse"]
    lines += ["### Plan", "", *_md_table(PLAN_COLS, active)] if active else ["Nothing changed since the base."]
    return "\n".join(lines) + "\n"


def junit(result: GateResult) -> str:
    """JUnit XML for CI test tabs: one test case per gated pair and per chain check. Degraded is a failure,
    incomplete an error, inconclusive a skip (with its MDE), pass and new pass."""
    from xml.etree import ElementTree as ET

    suite = ET.Element("testsuite", name=f"eval-gate {result.suite}")
    counts: Counter[str] = Counter()
    tags = {
        "degraded": ("failure", "failures"),
        "incomplete": ("error", "errors"),
        "inconclusive": ("skipped", "skipped"),
    }
    Case = tuple[str, str, str, str, str]  # classname, name, outcome, message, detail
    cases: list[Case] = [(f"{result.suite}.{v.key[0]}", " / ".join(v.key[1:]), v.verdict,
                          "; ".join(v.notes) or v.verdict, "\n".join([*v.notes, *v.flips]))
                         for v in result.pairs]  # fmt: skip
    cases += [(f"{result.suite}.{c.task}.chain", f"{c.fallback} vs {c.primary} / {c.variant}", c.outcome,
               f"non-inferiority: baseline {c.before or '-'}, now {c.after or '-'}", "")
              for c in result.chains]  # fmt: skip
    for classname, name, outcome, message, detail in cases:
        case = ET.SubElement(suite, "testcase", classname=classname, name=name)
        counts["tests"] += 1
        if outcome in tags:
            tag, count = tags[outcome]
            element = ET.SubElement(case, tag, message=message)
            if tag != "skipped":
                element.set("type", outcome)
                element.text = detail or None
            counts[count] += 1
    for k in ("tests", "failures", "errors", "skipped"):
        suite.set(k, str(counts[k]))
    if result.simulated:
        ET.SubElement(suite, "system-out").text = SIM_NOTE
    return ET.tostring(suite, encoding="unicode", xml_declaration=True) + "\n"


def to_json(result: GateResult) -> str:
    return json.dumps(asdict(result), indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n"
