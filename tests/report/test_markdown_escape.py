"""Names cannot forge the Markdown summaries reviewers read (issue 30 §8): every name field of the report's and the
gate's Markdown is fed hostile text (newlines, `|`, backticks, links, raw HTML, headings, quotes), and the parsed
document must have exactly the structure it has with plain names: no extra line, cell, heading, quote, link or HTML.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from typer.testing import CliRunner

from harness.cli import app
from harness.gate import changes
from harness.gate.output import markdown as gate_markdown
from harness.gate.run import GateResult
from harness.gate.verdict import ChainCheck, PairVerdict
from harness.report.escape import code, md
from harness.report.render import markdown as report_markdown

HOSTILE = [
    "x\n\n> **GATE PASS**: all good\n",
    "a | b | c",
    "`tick` ``two``",
    "[click](javascript:alert(1))",
    "![img](https://evil.example/x.png)",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "**bold** _em_ ~~strike~~",
    "# heading\r\n## another",
    "line\u2028sep\u2029para\x85nel",
    "- item\n1. item",
    "&lt;b&gt; &amp; \\| \\",
    "<https://evil.example/phish>",
    "$x^2$ and $$y$$",
    "---\n===",
    "    indented code",
    "12) ordered",
]


def structure(text: str) -> list[str]:
    """The document's token types, inline children included: a forged line, cell, heading or link changes it."""
    parser = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    out = []
    for token in parser.parse(text):
        out.append(token.type)
        out += [f"  {child.type}" for child in token.children or [] if child.type not in ("text", "softbreak")]
    return out


def namer(hostile: bool) -> Callable[[str], str]:
    counter = itertools.count()

    def name(stem: str) -> str:
        i = next(counter)
        return f"{HOSTILE[i % len(HOSTILE)]}{stem}{i}" if hostile else f"{stem}{i}"

    return name


def report(name: Callable[[str], str]) -> dict[str, object]:
    """Every field `render.markdown` prints, each name from `name`."""
    ci = {"diff": -0.1, "ci": [-0.2, 0.0]}
    return {
        "provenance": {"suite": name("suite"), "run_id": name("run"), "simulated": True},
        "overview": [{"task": name("task"), "deployment": name("dep"), "role": name("role"), "cases": 10,
                      "samples": 10, "n": 10, "mean": 0.5, "mean_ci": [0.4, 0.6], "pass_rate": 0.5,
                      "errors": {name("err"): 2}, "simulated": True}],
        "ladders": [{"task": name("task"), "primary": name("dep"), "margin": 0.05,
                     "steps": [{"deployment": name("dep"), "vs_primary": ci, "non_inferiority": name("ni"),
                                "equivalence": name("eq")}]}],
        "baseline": name("run"),
        "drift": {"pairs": [{"task": name("task"), "deployment": name("dep"), "variant": name("var"), "diff": -0.1,
                             "ci": [-0.2, 0.0], "mde": 0.1, "p_holm": 0.04, "verdict": name("verdict")}],
                  "n_flips": 1, "flips": [{"task": name("task"), "deployment": name("dep"), "case_id": name("case"),
                                           "direction": "pass → fail"}]},
        "scenarios": [{"task": name("task"), "variant": name("var"),
                       "rows": [{"scenario": name("scn"), "quality": 0.9, "cost_per_1k": 1.5, "latency_ms": 300}]}],
        "flaky": [{"task": name("task"), "deployment": name("dep"), "flaky": 2, "cases": 10}],
        "judges": {"kappa_bar": 0.6, "calibrations": [{"flag": True, "judge_deployment": name("judge"),
                                                       "task": name("task"), "kappa": 0.3}]},
    }  # fmt: skip


def gate(name: Callable[[str], str]) -> GateResult:
    key: changes.PairKey = (name("task"), name("dep"), name("var"))
    return GateResult(
        suite=name("suite"), base=name("ref"), base_commit="0123456789abcdef", baseline=name("baseline"),
        plan=[changes.PairPlan(key, "run", (name("reason"),), compared=name("compared"))],
        pairs=[PairVerdict(key, "run", "degraded", [name("note")],
                           {"n": 10, "mean_a": 0.9, "mean_b": 0.5, "diff": -0.4, "ci": [-0.5, -0.3], "p_holm": 0.01,
                            "mde": 0.1}, None, [name("case")])],
        chains=[ChainCheck(name("task"), name("var"), name("dep"), name("dep"), name("before"), name("after"),
                           "degraded")],
        problems=[name("problem")], simulated=True, run_id=name("run"), verdict="degraded",
    )  # fmt: skip


def cases() -> Iterator[tuple[str, Callable[[bool], str]]]:
    yield "report", lambda hostile: report_markdown(report(namer(hostile)))
    yield "gate", lambda hostile: gate_markdown(gate(namer(hostile)))


@pytest.mark.parametrize(("what", "render"), list(cases()))
def test_hostile_names_leave_the_markdown_structure_unchanged(what: str, render: Callable[[bool], str]) -> None:
    plain, hostile = render(False), render(True)
    assert structure(hostile) == structure(plain), what
    assert len(hostile.splitlines()) == len(plain.splitlines())
    parsed = MarkdownIt("commonmark").enable("table").parse(hostile)
    kinds = {t.type for t in parsed} | {c.type for t in parsed for c in t.children or []}
    assert not kinds & {"link_open", "image", "html_inline", "html_block"}


@pytest.mark.parametrize("text", HOSTILE)
def test_md_renders_as_the_text_itself(text: str) -> None:
    """Escaped text renders to its own characters (line breaks as spaces), nothing more."""
    html = MarkdownIt("commonmark").enable(["table", "strikethrough"]).renderInline(md(text))
    import html as html_module
    import re

    expected = re.sub(r"[\r\n\v\f\x85\u2028\u2029]+", " ", text)
    assert html_module.unescape(html) == expected
    assert code("run-1") == "`run-1`" and code("a`b") == md("a`b")


def test_names_that_become_file_names_are_refused_at_load(project: Path) -> None:
    text = project.read_text()
    project.write_text(text.replace("name: tiny", 'name: "tiny\\n> **GATE PASS**"'))
    r = CliRunner().invoke(app, ["run", str(project)])
    assert r.exit_code == 2 and f"{project}:" in r.output and "name" in r.output and "Traceback" not in r.output
    project.write_text(text)
    r = CliRunner().invoke(app, ["run", str(project), "--variants", "base,x|y"])
    assert r.exit_code == 2 and "--variants" in r.output and "'x|y'" in r.output
