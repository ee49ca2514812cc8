"""`harness show`: one cell in full or a filtered list, from a simulated run of the `project` fixture."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from harness.cli import app
from harness.errors import InputError
from harness.report.show import Filter, show

MARKUP = "[bold red]not markup[/bold red] <script>x</script>"


def run(project: Path, results: Path, *extra: str) -> str:
    r = CliRunner().invoke(app, ["run", str(project), "--results-dir", str(results), "--no-report", *extra])
    assert r.exit_code == 0, r.output
    found = re.search(r"^run (\S+) complete", r.output, re.M)
    assert found, r.output
    return found.group(1)


def harness_show(results: Path, *args: str) -> tuple[int, str]:
    r = CliRunner().invoke(app, ["show", *args, "--results-dir", str(results)], env={"COLUMNS": "200"})
    return r.exit_code, r.output


@pytest.fixture
def results(project: Path, tmp_path: Path) -> Path:
    models = project.parent / "models.yaml"
    text = models.read_text().replace("response: {vendor: null, invoice_number: null, total: null}",
                                      "response: " + json.dumps(MARKUP))  # fmt: skip
    models.write_text(text)
    run(project, tmp_path / "res", "--repeats", "2")
    return tmp_path / "res"


def test_one_cell_in_full(results: Path) -> None:
    code, out = harness_show(results, "latest", "--task", "intents", "--deployment", "beta", "--case", "c001",
                             "--sample", "1")  # fmt: skip
    assert code == 0, out
    assert "cell [SIMULATED]" in out and "SIMULATED results" in out  # labelled twice: the cell and the run
    assert "Where is my parcel 1?" in out  # the input, from the dataset version the run recorded
    assert "shipping" in out.split("reference", 1)[1]  # the reference
    assert "grades" in out and "exact" in out and "attempts" in out
    assert "variant / sample  base / 1" in out


def test_detail_data(results: Path) -> None:
    shown = show(results, "latest", Filter(task="invoices", deployment="fallback-canned", case="x2", sample=0))
    assert shown.total == 1 and shown.detail is not None
    d = shown.detail
    assert d["output"] == MARKUP and d["simulated"] is False and d["mode"] == "local"
    assert json.loads(d["input"]) == {"document": "Invoice INV-2 from Acme GmbH, total EUR 102.00"}
    assert json.loads(d["reference"])["invoice_number"] == "INV-2"
    assert [g["grader_id"] for g in d["grades"]] == ["json_fields"] and d["grades"][0]["reason"]
    assert [a["n"] for a in d["attempt_rows"]] == [1] and d["attempt_rows"][0]["status"] == "ok"


def test_model_output_is_printed_as_text(results: Path) -> None:
    code, out = harness_show(results, "latest", "--deployment", "fallback-canned", "--case", "x2", "--sample", "0")
    assert code == 0 and "[bold red]not markup[/bold red] <script>x</script>" in out


def test_filtered_list(results: Path) -> None:
    code, out = harness_show(results, "latest", "--task", "intents", "--deployment", "alpha", "--limit", "5")
    assert code == 0, out
    assert "24 cell(s), first 5 shown" in out and "narrow the filter" in out
    assert out.count("│ intents ") == 5 and "SIM" in out
    shown = show(results, "latest", Filter(task="intents", status="fail", limit=1000))
    assert shown.total == len(shown.rows) > 0 and all(r["passed"] is False for r in shown.rows)
    passed = show(results, "latest", Filter(task="intents", status="pass", limit=1000))
    assert passed.total + shown.total == 48  # every intents cell is graded: passes and fails add up


def test_run_id_and_bad_input(results: Path) -> None:
    run_id = show(results, "latest", Filter()).run["run_id"]
    assert show(results, run_id, Filter(case="x0")).total == 3 * 2  # three invoice deployments, two samples
    code, out = harness_show(results, "latest", "--case", "nope")
    assert code == 0 and "0 cell(s)" in out and "no cell matches" in out
    code, out = harness_show(results, "nope")
    assert code == 2 and "no run 'nope'" in out
    code, out = harness_show(results, "latest", "--status", "great")
    assert code == 2 and "--status must be one of ok, error, skipped, pass, fail" in out
    with pytest.raises(InputError, match="no database"):
        show(results / "missing", "latest", Filter())


def test_tool_call_cells_list_their_calls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 27: `harness show` listed tool-call cells with a blank output column; it shows `name(args…)`."""
    from tests.conftest import bfcl_tool_cases, clone_example

    monkeypatch.chdir(clone_example(tmp_path))
    (tmp_path / "cases.jsonl").write_text("".join(json.dumps(c) + "\n" for c in bfcl_tool_cases()))
    for args in (["datasets", "new", "calls", "cases.jsonl", "--task-class", "function-calling"],
                 ["new", "suite", "calls", "--dataset", "calls"],
                 ["run", "evals/calls.yaml", "--mode", "sim", "--no-report", "--results-dir", "res"]):  # fmt: skip
        r = CliRunner().invoke(app, args)
        assert r.exit_code == 0, r.output
    code, out = harness_show(tmp_path / "res", "latest", "--status", "pass")
    assert code == 0, out
    assert "output / calls" in out
    assert re.search(r"math\.factorial\(number=\d+\)", out) or re.search(r"area_circle\(radius=\d", out), out
    # one cell in full: what its vendor was sent (an OpenAI or Anthropic deployment: renamed, types translated)
    dep = re.search(r"(gpt-4o-mini@openai|claude-\S+@anthropic)", out)
    assert dep, out
    code, out = harness_show(tmp_path / "res", "latest", "--deployment", dep.group(1), "--case", "t0")
    assert code == 0 and "tools as sent" in out, out
    assert "tools[0].name: math.factorial -> math_factorial" in out and "dict -> object" in out


def test_latency_table(results: Path) -> None:
    code, out = harness_show(results, "latest", "--latency", "--task", "intents")
    assert code == 0, out
    assert "TTFT p50" in out and "total p95" in out and "alpha" in out and "beta" in out
    assert "invoices" not in out and "SIM" in out
