"""A live LLM judge end to end: candidates and judge are real SDK clients talking to the loopback wire server,
the judge (the openai adapter) answers JSON verdicts, and the stored grades, attempts and cost match what the
server saw."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.fakeprov import KEY_ENVS, Prompt, Reply, live_project, query, route_by_keyword, run_live, serve

BLOCK = re.compile(r"<<<CANDIDATE_OUTPUT ([0-9a-f]{16})>>>\n(.*?)\n<<<END_CANDIDATE_OUTPUT \1>>>", re.DOTALL)


def answer(p: Prompt) -> Reply:
    """Candidates answer by keyword; the judge compares the data block with the reference, as JSON."""
    if "impartial grader" not in p.system:
        return route_by_keyword(p)
    m = BLOCK.search(p.user)
    assert m and m.group(1) in p.system, "the judge is told which block is data"
    reference = p.user.split("# Reference answer", 1)[1].split("# Criteria", 1)[0].strip()
    right = m.group(2).strip() == reference
    return Reply(text=json.dumps({"score": 2 if right else 0, "passed": right, "reasoning": "compared"}))


def test_a_live_judge_grades_through_the_runners_call_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for lane, env in KEY_ENVS.items():
        monkeypatch.setenv(env, f"key-{lane}-0123456789")
    results = tmp_path / "results"
    with serve(answer) as server:
        suite = live_project(tmp_path, server, cases=4)
        routing = suite.parent / "routing.yaml"
        routing.write_text(routing.read_text().replace("chain: [claude, gpt, gemini]", "chain: [claude, gemini]"))
        text = suite.read_text().replace(
            "graders: [{name: exact, args: {ignore_punctuation: true}}]",
            "graders: [{name: exact, args: {ignore_punctuation: true}}, "
            "{name: judge, args: {judge: gpt, min_score: 0, max_score: 2}}]",
        )
        suite.write_text(text)
        (tmp_path / "prompts" / "judges").mkdir()
        for name in ("single.j2", "pairwise.j2"):
            src = Path(__file__).resolve().parents[2] / "prompts" / "judges" / name
            (tmp_path / "prompts" / "judges" / name).write_text(src.read_text())
        result = run_live(suite, results)
    assert result.status == "complete" and result.plan.judges == {"gpt": "live"}
    grades = query(results, "SELECT value, passed, judge_deployment, judge_simulated, length(judge_prompt_hash), "
                            "count(*) FROM grades WHERE grader_id = 'judge' GROUP BY ALL")  # fmt: skip
    assert grades == [(1.0, True, "gpt", False, 64, 8)]
    judge_hits = server.lane("gpt")
    assert len(judge_hits) == 8 and all(h.body["response_format"] == {"type": "json_object"} for h in judge_hits)
    assert query(results, "SELECT count(*) FROM attempts WHERE deployment = 'gpt'") == [(8,)]
    (cells_cost,) = query(results, "SELECT sum(cost_usd) FROM cells")[0]
    (judge_cost,) = query(results, "SELECT sum(cost_usd) FROM attempts WHERE deployment = 'gpt'")[0]
    tokens_in, tokens_out = server.billed("gpt")
    assert judge_cost == pytest.approx((tokens_in * 2.5 + tokens_out * 10.0) / 1e6)
    assert result.tally.cost_usd == pytest.approx(cells_cost + judge_cost)
    assert query(results, "SELECT bool_or(simulated) FROM results") == [(False,)]
