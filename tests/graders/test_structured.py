import pytest

from harness.errors import GraderError
from harness.graders import Sample, build_grader
from harness.graders.structured import parse_json_output

WANT = {"vendor": "Acme GmbH", "total": 120.5, "due_date": None}


def grade(output: str, expected: object = WANT, **args: object):  # type: ignore[no-untyped-def]
    return build_grader("json_fields", args).fn(Sample(output, expected))


def test_full_match_tolerates_fences_and_case() -> None:
    s = grade('Here:\n```json\n{"vendor": "acme  gmbh", "total": 120.50, "due_date": null}\n```')
    assert (s.value, s.passed) == (1.0, True)


def test_partial_credit_with_reasons() -> None:
    s = grade('{"vendor": "Acme", "total": 120.5, "due_date": "2026-01-01"}')
    assert s.value == pytest.approx(1 / 3) and not s.passed
    assert "vendor: got 'Acme'" in s.reason and "due_date" in s.reason


def test_tolerance_and_numeric_strings() -> None:
    assert grade('{"vendor": "Acme GmbH", "total": "120.51", "due_date": null}', tolerance=0.01).passed
    assert not grade('{"vendor": "Acme GmbH", "total": 120.6, "due_date": null}', tolerance=0.01).passed


def test_not_json_scores_zero() -> None:
    s = grade("I cannot help with that.")
    assert (s.value, s.passed, s.reason) == (0.0, False, "output is not JSON")


def test_non_object_reference_is_grader_error() -> None:
    with pytest.raises(GraderError):
        grade("{}", expected="x")


def test_parse_prefers_whole_text() -> None:
    assert parse_json_output("[1, 2]") == [1, 2]
    assert parse_json_output('noise {"a": {"b": 1}} trailing') == {"a": {"b": 1}}
