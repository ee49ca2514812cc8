"""The grader seam: generic negation and argument checking."""

import pytest

from harness.errors import ConfigError, GraderError
from harness.graders import Sample, build_grader


def test_negate_flips_value_and_passed_and_marks_the_version() -> None:
    plain = build_grader("contains", {"text": "sorry"})
    neg = build_grader("contains", {"text": "sorry", "negate": True})
    s, n = plain.fn(Sample("Sorry, no.", None)), neg.fn(Sample("Sorry, no.", None))
    assert (s.value, s.passed) == (1.0, True) and (n.value, n.passed) == (0.0, False)
    assert n.reason.startswith("not: ") and neg.version == plain.version + "-negated"


def test_negate_keeps_partial_credit_complementary() -> None:
    args = {"negate": True}
    s = build_grader("json_fields", args).fn(Sample('{"a": 1, "b": 3}', {"a": 1, "b": 2}))
    assert s.value == pytest.approx(0.5) and s.passed


def test_negated_grader_error_stays_an_error() -> None:
    with pytest.raises(GraderError):
        build_grader("exact", {"negate": True}).fn(Sample("x", None))


def test_negate_must_be_boolean() -> None:
    with pytest.raises(ConfigError, match="negate must be true or false"):
        build_grader("exact", {"negate": "yes"})


def test_unknown_argument_lists_negate_among_the_arguments() -> None:
    with pytest.raises(ConfigError, match="negate"):
        build_grader("regex", {"patern": "x"})


def test_bad_pattern_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="does not compile"):
        build_grader("regex", {"pattern": "("})
