import pytest

from harness.errors import ConfigError, GraderError
from harness.graders import Sample, build_grader


def grade(name: str, args: dict[str, object], output: str, expected: object) -> tuple[float, bool]:
    s = build_grader(name, args).fn(Sample(output, expected))
    return s.value, s.passed


@pytest.mark.parametrize(
    ("args", "output", "expected", "passed"),
    [
        ({}, "billing", "billing", True),
        ({}, "  Billing \n", "billing", True),
        ({}, "Billing.", "billing", False),
        ({"ignore_punctuation": True}, "Billing.", "billing", True),
        ({"ignore_case": False}, "Billing", "billing", False),
        ({}, "new  york", "New York", True),
        ({"ignore_whitespace": False, "strip": False}, "new  york", "new york", False),
        ({}, "paris", ["Paris", "Paris, France"], True),
        ({}, "ｂｉｌｌｉｎｇ", "billing", True),
        ({}, "billing or refund", "billing", False),
    ],
)
def test_exact(args: dict[str, object], output: str, expected: object, passed: bool) -> None:
    value, ok = grade("exact", args, output, expected)
    assert ok is passed and value == (1.0 if passed else 0.0)


def test_reason_names_what_differs() -> None:
    s = build_grader("exact", {}).fn(Sample("refund", "billing"))
    assert "'refund' is not 'billing'" in s.reason


def test_unknown_argument_is_config_error() -> None:
    with pytest.raises(ConfigError, match="unexpected keyword argument"):
        build_grader("exact", {"ignorecase": True})


@pytest.mark.parametrize("expected", [None, [], {"a": 1}])
def test_missing_or_wrong_reference_is_a_grader_error_not_a_zero(expected: object) -> None:
    with pytest.raises(GraderError):
        build_grader("exact", {}).fn(Sample("x", expected))


@pytest.mark.parametrize(
    ("args", "output", "expected", "passed"),
    [
        ({}, "The lift serves all THREE floors.", ["three", "3"], True),
        ({}, "It serves 13 floors.", ["3"], True),  # substring semantics by default
        ({"word_boundary": True}, "It serves 13 floors.", ["3", "three"], False),
        ({"word_boundary": True}, "It serves 3 floors.", ["3", "three"], True),
        ({"word_boundary": True}, "Every three years.", "three years", True),
        ({"word_boundary": True}, "every   three\nyears", "three years", True),  # whitespace runs collapse
        ({"require": "all"}, "Ana and Bo", ["ana", "bo"], True),
        ({"require": "all"}, "Ana only", ["ana", "bo"], False),
        ({"text": ["as an ai"]}, "As an AI, I cannot.", None, True),  # fixed text, no reference needed
        ({"ignore_case": False}, "Paris", "paris", False),
        ({"ignore_punctuation": True}, "U.S.A.", "u s a", True),
    ],
)
def test_contains(args: dict[str, object], output: str, expected: object, passed: bool) -> None:
    value, ok = grade("contains", args, output, expected)
    assert ok is passed and value == (1.0 if passed else 0.0)


def test_not_contains_is_contains_negated() -> None:
    assert grade("not_contains", {"text": "sorry"}, "Sure, here it is.", None) == (1.0, True)
    assert grade("not_contains", {"text": ["sorry", "apolog"]}, "I apologise.", None) == (0.0, False)
    assert grade("not_contains", {}, "It is Paris.", ["paris"]) == (0.0, False)


def test_contains_reasons_name_hits_and_misses() -> None:
    g = build_grader("contains", {"require": "all"}).fn
    assert "does not contain 'bo'" in g(Sample("ana", ["ana", "bo"])).reason
    assert "contains 'ana' and 'bo'" in g(Sample("ana bo", ["ana", "bo"])).reason


@pytest.mark.parametrize(
    ("args", "output", "expected", "passed"),
    [
        ({"pattern": r"^\d{4}-\d{2}-\d{2}$", "fullmatch": True}, " 2026-01-09 \n", None, True),
        ({"pattern": r"\d{4}-\d{2}-\d{2}", "fullmatch": True}, "on 2026-01-09", None, False),
        ({"pattern": r"\d{4}-\d{2}-\d{2}"}, "on 2026-01-09", None, True),
        ({"pattern": r"ANSWER:\s*(\w+)", "group": 1}, "so... ANSWER: Paris", ["paris"], True),
        ({"pattern": r"ANSWER:\s*(?P<a>\w+)", "group": "a"}, "ANSWER: Lyon", "paris", False),
        ({"pattern": r"answer", "ignore_case": True}, "ANSWER", None, True),
        ({"pattern": r"^B$", "multiline": True}, "A\nB\nC", None, True),
        ({"pattern": r"x(y)?z", "group": 1}, "xz", "y", False),
    ],
)
def test_regex(args: dict[str, object], output: str, expected: object, passed: bool) -> None:
    assert grade("regex", args, output, expected)[1] is passed


def test_regex_group_must_exist() -> None:
    with pytest.raises(ConfigError, match="group"):
        build_grader("regex", {"pattern": "(a)", "group": 2})
    with pytest.raises(ConfigError, match="no group named"):
        build_grader("regex", {"pattern": "(a)", "group": "x"})


def test_word_boundary_does_not_match_inside_a_longer_number() -> None:
    g = build_grader("contains", {"word_boundary": True}).fn
    assert not g(Sample("Children pay £2.50.", ["£2"])).passed
    assert not g(Sample("It holds 3,000 people.", ["3"])).passed
    assert g(Sample("Adults pay £2. Children pay less.", ["£2"])).passed


def test_parts_give_partial_credit_and_synonyms_widen_a_reference() -> None:
    g = build_grader("contains", {"word_boundary": True, "parts_separator": " and "}).fn
    refs = ["30 hours and IPX4", "thirty hours and IPX4"]
    assert g(Sample("Up to 30 hours of playback; it is rated IPX4.", refs)).passed
    half = g(Sample("Up to 30 hours of playback; it is rated IPX7.", refs))
    assert half.value == 0.5 and not half.passed and "missing 'IPX4'" in half.reason
    syn = build_grader("contains", {"synonyms": {"Unanswerable": ["not stated", "does not say"]}}).fn
    assert syn(Sample("This is not stated in the context.", ["unanswerable"])).passed
    assert not syn(Sample("The fee is £5.", ["unanswerable"])).passed
    with pytest.raises(ConfigError):
        build_grader("contains", {"parts_separator": " and ", "require": "all"})


QA_SYNONYMS = {"unanswerable": [
    "not stated", "does not say", "doesn't say", "does not contain", "don't contain", "doesn't contain", "can't find",
    "cannot find", "none of the passages", "not mentioned", "no information", "can't say", "cannot say",
    "cannot be answered", "not in the context",
]}  # fmt: skip


def test_suite_config_agrees_with_grounded_qa_calibration_labels() -> None:
    """The example suite's grounded-qa grader against the dataset's 353 hand-labelled outputs (pass and score)."""
    import json
    from pathlib import Path

    args = {"word_boundary": True, "parts_separator": " and ", "synonyms": QA_SYNONYMS}
    g = build_grader("contains", args).fn
    lines = (Path(__file__).parents[2] / "datasets/grounded-qa/v1.jsonl").read_text().splitlines()
    labelled = [(case, lab) for case in map(json.loads, lines) for lab in case["labels"]]
    wrong = []
    for case, lab in labelled:
        s = g(Sample(lab["output"], case["expected"]))
        if s.passed != lab["passed"] or s.value != lab["score"]:
            wrong.append((case["id"], lab["output"], s.reason))
    assert len(labelled) > 300 and wrong == []
