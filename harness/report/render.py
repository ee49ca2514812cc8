"""Render the report's view data to one self-contained HTML file, Markdown, or JSON.

The HTML has inline CSS and one inline script allowed by its sha256 in a strict Content-Security-Policy (no
network, no other script); every value from runs (model output, case text, names) is escaped by Jinja2's
autoescaping and never placed inside the script.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from harness.report.escape import code, md

Format = Literal["html", "md", "json"]


def _asset(name: str) -> str:
    return resources.files("harness.report").joinpath("templates", name).read_text(encoding="utf-8")


OUTPUT_CHARS = 6000
"""Model output shown per flipped case in the HTML; the JSON report and `harness show` have it whole."""


def _clip(value: object, limit: int = OUTPUT_CHARS) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text) - limit} more characters: harness show)"


def html(report: dict[str, Any]) -> str:
    import jinja2

    from harness.report import charts

    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["clip"] = _clip
    template = env.from_string(_asset("report.html.j2"))
    script = _asset("report.js")
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    trend = report["trend"]
    return template.render(
        report=report, p=report["provenance"], overview=report["overview"], ladders=report["ladders"],
        routed=report["routed"], drift=report["drift"], baseline=report["baseline"], variants=report["variants"],
        portability=report.get("portability") or [], grounding=report.get("grounding") or [],
        max_cases=report["max_cases"], css=_asset("report.css"), script=script, script_hash=f"sha256-{digest}",
        trend_charts=[(t["task"], charts.trend(t, trend["runs"])) for t in trend["tasks"]],
        cost_charts=[(c, charts.cost_quality(c["points"])) for c in report["cost_quality"]],
    )  # fmt: skip


def _f(x: float | None, fmt: str = "{:.3f}") -> str:
    return "-" if x is None else fmt.format(x)


def markdown(report: dict[str, Any]) -> str:
    """A compact summary for PR comments and `$GITHUB_STEP_SUMMARY`; every name in it through `escape.md`."""
    p = report["provenance"]
    lines = [f"## harness: {md(p['suite'])} run {code(p['run_id'])}", ""]
    if p["simulated"]:
        lines += ["> **SIMULATED**: rows marked SIM come from simulated twins; not evidence of model quality."]
        lines += [""]
    lines += [
        "| task | deployment | role | cases | samples | score [95% CI] | pass | errors | p50 / p95 ms "
        "| TTFT p50 / p95 ms | mode |",
        "|---" * 11 + "|",
    ]
    for r in report["overview"]:
        ci = f" [{r['mean_ci'][0]:.3f}, {r['mean_ci'][1]:.3f}]" if r["mean_ci"] else ""
        errs = ", ".join(f"{md(k)} {v}" for k, v in r["errors"].items()) or "0"
        pass_rate = _f(r["pass_rate"], "{:.1%}")
        mode = "SIM" if r["simulated"] else "real"
        cols = [
            md(r["task"]),
            md(r["deployment"]),
            md(r["role"]),
            str(r["cases"]),
            str(r["samples"]),
            _f(r["mean"]) + ci,
            pass_rate,
            errs,
            f"{_f(r.get('p50_ms'), '{:.0f}')} / {_f(r.get('p95_ms'), '{:.0f}')}",
            f"{_f(r.get('ttft_p50_ms'), '{:.0f}')} / {_f(r.get('ttft_p95_ms'), '{:.0f}')}",
            mode,
        ]
        lines.append("| " + " | ".join(cols) + " |")
    for ladder in report["ladders"]:
        steps = [s for s in ladder["steps"] if "vs_primary" in s]
        if steps:
            lines += ["", f"**{md(ladder['task'])}** vs primary {code(ladder['primary'])} (margin {ladder['margin']}):"]
            for s in steps:
                d = s["vs_primary"]
                eq = f", {md(s['equivalence'])}" if s.get("equivalence") else ""
                ci = f"[{d['ci'][0]:+.3f}, {d['ci'][1]:+.3f}]"
                lines.append(f"- {md(s['deployment'])}: Δ {d['diff']:+.3f} {ci}, {md(s['non_inferiority'])}{eq}")
    if report["drift"]:
        lines += ["", f"Drift vs {code(report['baseline'])}:", ""]
        lines += ["| task | deployment | variant | Δ [95% CI] | MDE | Holm p | verdict |", "|---" * 7 + "|"]
        for d in report["drift"]["pairs"]:
            ci = f"[{d['ci'][0]:+.3f}, {d['ci'][1]:+.3f}]"
            lines.append(f"| {md(d['task'])} | {md(d['deployment'])} | {md(d['variant'])} | {d['diff']:+.3f} {ci} | "
                         f"{d['mde']:.3f} | {d['p_holm']:.4f} | {md(d['verdict'])} |")  # fmt: skip
        n_flips = report["drift"]["n_flips"]
        worse = [f for f in report["drift"]["flips"] if f["direction"] == "pass → fail"]
        if n_flips:
            shown = ", ".join(md(f"{f['task']}/{f['deployment']}/{f['case_id']}") for f in worse[:10])
            lines += ["", f"{n_flips} case(s) flipped" + (f"; pass → fail: {shown}" if shown else "")]
    return "\n".join(lines + _md_extras(report)) + "\n"


def _md_extras(report: dict[str, Any]) -> list[str]:
    """Prompt portability, search grounding, scenario expectations, flaky cases and judge health, one line each."""
    lines = [f"- {md(t['headline'])}" for t in report.get("portability") or []]
    if lines:
        lines = ["", "Prompt portability (own template − default, paired pass rate):", "", *lines]
    grounded = report.get("grounding") or []
    lines += ["", "Search grounding:", ""] if grounded else []
    for g in grounded:
        lines.append(f"- {md(g['task'])} / {md(g['deployment'])}: {g['grounded']} of {g['answers']} answers grounded"
                     + (f", {g['sources']:.1f} sources each, {g['supported']:.0%} of the text supported"
                        if g["grounded"] else "") + (" (SIM)" if g["simulated"] else ""))  # fmt: skip
    served = []
    for s in report["scenarios"]:
        cells = [f"{md(r['scenario'])} {r['quality']:.3f} (\\${r['cost_per_1k']:.3g}/1k, {r['latency_ms']:.0f} ms)"
                 for r in s["rows"]]  # fmt: skip
        served.append(f"- {md(s['task'])} ({md(s['variant'])}) served quality: " + "; ".join(cells))
    if served:
        lines += ["", "Expected served quality under failure scenarios:", "", *served]
    flaky = [f for f in report["flaky"] if f["flaky"]]
    if flaky:
        lines += ["", "Flaky cases: " + ", ".join(f"{md(f['task'])}/{md(f['deployment'])} {f['flaky']} of {f['cases']}"
                                                   for f in flaky)]  # fmt: skip
    advice = [t for t in report.get("advice", {}).get("tasks", []) if t["status"] != "not evaluated"]
    if advice:
        lines += ["", "Routing advice:", "", *(f"- {md(t['task'])}: {md(t['summary'])}" for t in advice)]
    from harness.report.router import markdown_lines

    lines += markdown_lines(report.get("router") or {})
    judges = report["judges"]
    low = [c for c in judges["calibrations"] if c["flag"]]
    if low:
        low_judges = [f"{md(c['judge_deployment'])} on {md(c['task'])} (κ {c['kappa']:.2f})" for c in low]
        lines += ["", f"Judges below κ {judges['kappa_bar']}: " + ", ".join(low_judges)]
    moved = [r for r in report.get("lanes", []) if r["cuts"] or r["quota_429s"] or r["transient_429s"]]
    if moved:
        lines += ["", "Rate limits: " + "; ".join(
            f"{md(r['deployment'])} {r['cuts']} cut(s) ({r['quota_cuts']} on a spent quota, {r['share_cuts']} on the "
            f"429 share), 429s {r['quota_429s']} quota / {r['transient_429s']} transient, ended "
            + (f"{r['rate']:.3g} requests/s" if r["rate"] is not None else "unpaced") for r in moved)]  # fmt: skip
    return lines


def render(report: dict[str, Any], fmt: Format) -> str:
    if fmt == "json":
        return json.dumps(report, indent=2, default=str, ensure_ascii=False) + "\n"
    if fmt == "md":
        return markdown(report)
    return html(report)


def write(text: str, path: Path) -> None:
    """Atomically: a report is never seen half-written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
