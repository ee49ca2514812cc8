"""Gemini grounded with Google Search: `tools: [google_search]` sends google-genai's grounding tool, the answer's
grounding metadata is recorded per cell (through the real SDK against the loopback server, and by the simulated
twin, labelled simulated), graded by `cites_sources`, and shown by `harness show` and the report."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from harness.cli import app
from harness.config.models import Deployment, ModelTable
from harness.providers.base import ProviderSettings, make_provider
from harness.report.data import build
from harness.report.render import render
from harness.run.cache import from_record, to_record
from harness.run.plan import options_key, short_hash
from harness.types import Completion, RequestOptions
from tests.fakeprov import KEY_ENVS, Prompt, Reply, live_project, query, serve
from tests.fakeprov.project import run_live
from tests.providers.test_live_wire import call

FIRST, SECOND = "Refunds take five working days.", "Contact billing for a faster answer."
SOURCES = [{"web": {"uri": "https://example.test/refunds", "title": "example.test", "domain": "example.test"}},
           {"web": {"uri": "https://help.example.test/billing", "title": "Billing help"}}]  # fmt: skip


def metadata(both: bool) -> dict[str, object]:
    """What Gemini returns with a grounded answer: queries, chunks, and supports with byte offsets and chunk indices."""
    supports = [{"segment": {"endIndex": len(FIRST), "text": FIRST}, "groundingChunkIndices": [0],
                 "confidenceScores": [0.93]}]  # fmt: skip
    if both:
        start = len(FIRST) + 1
        supports.append({"segment": {"startIndex": start, "endIndex": start + len(SECOND), "text": SECOND},
                         "groundingChunkIndices": [0, 1], "confidenceScores": [0.71, 0.88]})  # fmt: skip
    return {"webSearchQueries": ["refund time", "billing contact"], "groundingChunks": SOURCES,
            "groundingSupports": supports, "searchEntryPoint": {"renderedContent": "<div>chips</div>"}}  # fmt: skip


def grounded(p: Prompt) -> Reply:
    """A grounded model when asked to search: billing answers source one sentence of two, the others both."""
    if not p.search:
        return Reply(text="not grounded")
    return Reply(text=f"{FIRST} {SECOND}", grounding=metadata(both="charged" not in p.user))


def test_the_sdk_sends_the_tool_and_the_metadata_comes_back(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENVS["gemini"], "key-gemini-CANARY0123456789")
    with serve(grounded) as server:
        dep = Deployment(provider="google", model="gemini-test", base_url=server.base_url("gemini", "google"),
                         credentials_env=KEY_ENVS["gemini"], tools=["google_search"])  # fmt: skip
        p = make_provider("google", "gemini", dep, ProviderSettings(ModelTable(deployments={"gemini": dep})))
        c = call(p, "when is my refund?", builtin_tools=("google_search",))
        plain = call(make_provider("google", "gemini", dep, ProviderSettings(ModelTable(deployments={"gemini": dep}))),
                     "when is my refund?")  # fmt: skip
        search_body, plain_body = (h.body for h in server.lane("gemini"))
    assert search_body["tools"] == [{"googleSearch": {}}] and "tools" not in plain_body
    assert "toolConfig" not in search_body  # function-calling config is for declared functions only
    g = c.grounding
    assert g is not None and not g.simulated
    assert g.queries == ("refund time", "billing contact")
    assert [(s.uri, s.title, s.domain) for s in g.sources] == [
        ("https://example.test/refunds", "example.test", "example.test"),
        ("https://help.example.test/billing", "Billing help", ""),
    ]
    assert [(s.text, s.chunks, s.start, s.end, s.confidence) for s in g.supports] == [
        (FIRST, (0,), None, len(FIRST), (0.93,)),
        (SECOND, (0, 1), len(FIRST) + 1, len(FIRST) + 1 + len(SECOND), (0.71, 0.88)),
    ]
    assert plain.text == "not grounded" and plain.grounding is None


GROUNDED_SUITE = """
schema_version: 1
name: live
tasks:
  intents:
    task_class: qa
    dataset: intents@1
    graders: [{name: cites_sources, args: {min_share: 0.75}}]
"""


def _grounded_project(root: Path, server: object) -> Path:
    suite = live_project(root, server, cases=6, lanes=("gemini",))  # type: ignore[arg-type]
    models = root / "evals" / "models.yaml"
    models.write_text(models.read_text() + "    tools: [google_search]\n")
    suite.write_text(textwrap.dedent(GROUNDED_SUITE))
    return suite


def test_a_live_run_records_grades_shows_and_reports_grounding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENVS["gemini"], "key-gemini-CANARY0123456789")
    results = tmp_path / "results"
    with serve(grounded) as server:
        result = run_live(_grounded_project(tmp_path, server), results)
        assert all(h.body["tools"] == [{"googleSearch": {}}] for h in server.lane("gemini"))
    assert result.status == "complete"
    rows = query(results, "SELECT case_id, grounding FROM cells ORDER BY case_id")
    assert len(rows) == 6 and all(json.loads(g)["queries"] == ["refund time", "billing contact"] for _, g in rows)
    assert not any(json.loads(g)["simulated"] for _, g in rows)
    # billing cases (every third) source one claim of two: 0.5 < 0.75 fails; the others pass with both sourced
    grades = query(results, "SELECT c.case_id, g.value, g.passed, g.reason FROM grades g JOIN cells c USING "
                            "(cell_key) ORDER BY c.case_id")  # fmt: skip
    assert [(v, p) for _, v, p, _ in grades] == [(0.5, False), (1.0, True), (1.0, True)] * 2
    assert grades[0][3].startswith("1 of 2 claims carry sources (50% < 75%), 2 sources, 2 queries; unsourced: ")
    assert SECOND[:20] in grades[0][3]
    out = CliRunner().invoke(app, ["show", result.run_id, "--results-dir", str(results), "--case", "c000"])
    assert out.exit_code == 0, out.output
    assert "search grounding" in out.output and "SIMULATED" not in out.output
    assert (
        "refund time; billing contact" in out.output
        and "[1] Billing help  https://help.example.test/billing" in out.output
    )
    assert f'"{FIRST}" <- [0]' in out.output
    (section,) = build(results, result.run_id)["grounding"]
    assert (section["grounded"], section["answers"], section["sources"], section["simulated"]) == (6, 6, 2.0, False)
    # the supported share of the text: both sentences on 4 cases, the first (27 of 58 non-space chars) on 2
    first, both = sum(not c.isspace() for c in FIRST), sum(not c.isspace() for c in FIRST + SECOND)
    assert section["supported"] == pytest.approx((4 * 1.0 + 2 * first / both) / 6)
    html = render(build(results, result.run_id), "html")
    assert 'id="grounding-table"' in html and "https://help.example.test/billing" in html


SIM_MODELS = """
schema_version: 1
deployments:
  gem:
    provider: google
    model: gemini-x
    family: gemini
    credentials_env: TINY_KEY
    tools: [google_search]
    sim: {default_accuracy: 0.8}
  plain:
    provider: google
    model: gemini-y
    family: gemini
    credentials_env: TINY_KEY
"""


def test_the_simulated_twin_returns_plausible_grounding_labelled_simulated(project: Path, tmp_path: Path) -> None:
    (project.parent / "models.yaml").write_text(textwrap.dedent(SIM_MODELS))
    (project.parent / "routing.yaml").write_text("schema_version: 1\ntasks:\n  intents: {chain: [gem, plain]}\n"
                                                 "  invoices: {chain: [gem]}\n")  # fmt: skip
    suite = project.read_text().replace("graders: [{name: exact, args: {ignore_punctuation: true}}]",
                                        "graders: [{name: cites_sources, args: {min_words: 1}}]")  # fmt: skip
    project.write_text(suite)
    r = CliRunner().invoke(app, ["run", str(project), "--results-dir", str(tmp_path), "--no-report", "--tasks",
                                 "intents", "--mode", "sim"])  # fmt: skip
    assert r.exit_code == 0, r.output
    rows = query(tmp_path, "SELECT deployment, grounding, output FROM cells ORDER BY deployment, case_id")
    gem = [json.loads(g) for d, g, _ in rows if d == "gem"]
    assert len(gem) == 12 and all(g["simulated"] for g in gem)
    assert all(2 <= len(g["sources"]) <= 4 and g["queries"] for g in gem)
    assert all(s["uri"].startswith("https://grounding.sim.invalid/") for g in gem for s in g["sources"])
    assert not any(g for d, g, _ in rows if d == "plain")  # no tool sent, no grounding
    for _, g, output in (row for row in rows if row[0] == "gem"):
        for s in json.loads(g)["supports"]:  # offsets are bytes of the answer, as Gemini's
            assert output.encode()[s["start"] : s["end"]].decode() == s["text"]
    reasons = [x for (x,) in query(tmp_path, "SELECT g.reason FROM grades g JOIN cells c USING (cell_key) "
                                             "WHERE c.deployment = 'gem'")]  # fmt: skip
    assert all(x.endswith("(simulated grounding)") for x in reasons)
    plain = query(tmp_path, "SELECT DISTINCT g.reason FROM grades g JOIN cells c USING (cell_key) "
                            "WHERE c.deployment = 'plain'")  # fmt: skip
    assert plain[0][0].startswith("no grounding metadata")
    (section,) = build(tmp_path)["grounding"]
    assert section["deployment"] == "gem" and section["simulated"] and section["grounded"] == 12
    assert "(SIM)" in render(build(tmp_path), "md")
    shown = CliRunner().invoke(app, ["show", "latest", "--results-dir", str(tmp_path), "--deployment", "gem",
                                     "--case", "c000"])  # fmt: skip
    assert "search grounding [SIMULATED: made-up sources]" in shown.output


def test_google_search_on_another_vendor_is_one_line_naming_the_key(project: Path, tmp_path: Path) -> None:
    models = project.parent / "models.yaml"
    text = models.read_text()
    models.write_text(text.replace("    family: gpt\n", "    family: gpt\n    tools: [google_search]\n"))
    line = models.read_text().splitlines().index("    tools: [google_search]") + 1
    r = CliRunner().invoke(app, ["run", str(project), "--results-dir", str(tmp_path), "--mode", "sim"])
    assert r.exit_code == 2
    (err,) = [x for x in r.output.splitlines() if x.strip()]
    assert err.startswith(f"error: {models}:{line}: deployments.beta.tools: google_search is only for provider google")
    assert "Traceback" not in r.output


def test_the_cache_keeps_grounding_and_old_keys_stay(monkeypatch: pytest.MonkeyPatch) -> None:
    from dataclasses import asdict

    from google.genai import types as gt

    from harness.providers.google_convert import to_grounding

    g = to_grounding(gt.GroundingMetadata.model_validate(metadata(both=True)))
    c = Completion("x", grounding=g)
    assert from_record(json.loads(json.dumps(to_record(c)))).grounding == g
    assert "grounding" not in to_record(Completion("x"))  # entries of ungrounded answers are as before
    plain = RequestOptions(temperature=0.0, max_tokens=10)
    before = {k: v for k, v in asdict(plain).items() if k != "builtin_tools"}  # the options as they were
    assert options_key(plain) == short_hash(json.dumps(before, sort_keys=True, default=str))
    assert options_key(RequestOptions(temperature=0.0, max_tokens=10, builtin_tools=("google_search",))) != (
        options_key(plain)
    )  # a grounded request never answers from an ungrounded one's cache entry
