"""Judges in a suite: validated at load against the model table, with file:line errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.config.suite import load_suite
from harness.errors import ConfigError, PromptError
from tests.judged import add_judges


def test_pairwise_needs_a_known_judge_and_a_candidate_to_compare_against(project: Path) -> None:
    add_judges(project)
    assert load_suite(project).judges("intents") == ["gamma"]
    text = project.read_text()
    project.write_text(text.replace("pairwise: {judge: gamma, against: primary}", "pairwise: {judge: zeta}"))
    with pytest.raises(
        ConfigError, match=r"tiny.yaml:\d+: tasks.intents.pairwise.judge: unknown judge deployment 'zeta'"
    ):
        load_suite(project)
    project.write_text(text.replace("against: primary", "against: fallback-canned"))
    with pytest.raises(ConfigError, match="not a candidate of task 'intents'.*use `primary` or one of: alpha, beta"):
        load_suite(project)


def test_a_missing_judge_prompt_fails_the_load(project: Path) -> None:
    add_judges(project, grader="{name: judge, args: {judge: gamma, prompt: judges/strict.j2}}", pairwise=False)
    with pytest.raises(PromptError, match="template not found"):
        load_suite(project)


def test_a_rubric_judge_is_checked_like_a_judge(project: Path) -> None:
    rubric = "{name: rubric, args: {judge: [gamma, omega], criteria: [{assess: Polite}]}}"
    add_judges(project, grader=rubric, pairwise=False)
    with pytest.raises(ConfigError, match="graders\\[1\\].args.judge: unknown judge deployment 'omega'"):
        load_suite(project)
    project.write_text(project.read_text().replace("[gamma, omega]", "[gamma, beta]"))
    assert load_suite(project).judges("intents") == ["gamma", "beta"]
