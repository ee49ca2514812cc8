import json
from pathlib import Path

import pytest

from harness.errors import ConfigError, GraderError
from harness.graders import Sample, build_grader
from harness.graders.structured import parse_json_output

WANT = {"vendor": "Acme GmbH", "total": 120.5, "due_date": None}
ROOT = Path(__file__).parents[2]


def grade(output: str, expected: object = WANT, **args: object):  # type: ignore[no-untyped-def]
    return build_grader("json_fields", args).fn(Sample(output, expected))


def test_full_match_tolerates_fences_and_case() -> None:
    s = grade('Here:\n```json\n{"vendor": "acme  gmbh", "total": 120.50, "due_date": null}\n```')
    assert (s.value, s.passed) == (1.0, True)


def test_partial_credit_with_reasons() -> None:
    s = grade('{"vendor": "Acme", "total": 120.5, "due_date": "2026-01-01"}')
    assert s.value == pytest.approx(1 / 3) and not s.passed
    assert "vendor: got 'Acme'" in s.reason and "due_date" in s.reason and s.reason.startswith("1/3 fields match")


def test_tolerance_and_numeric_strings() -> None:
    assert grade('{"vendor": "Acme GmbH", "total": "120.51", "due_date": null}', tolerance=0.01).passed
    assert grade('{"total": "1,204.50"}', {"total": 1204.5}).passed
    assert not grade('{"total": "about 5"}', {"total": 5}).passed
    assert not grade('{"vendor": "Acme GmbH", "total": 120.6, "due_date": null}', tolerance=0.01).passed


def test_missing_key_is_reported_and_matches_only_null() -> None:
    s = grade('{"vendor": "Acme GmbH"}')
    assert s.value == pytest.approx(2 / 3) and "total: missing" in s.reason


def test_number_matches_string_reference_with_the_same_text() -> None:
    assert grade('{"n": 10045}', {"n": "10045"}).passed
    assert not grade('{"n": true}', {"n": "true"}).passed
    assert not grade('{"n": 1}', {"n": True}).passed


def test_nested_values_compare_recursively_and_name_the_path() -> None:
    want = {"buyer": {"name": "Ann Lee", "ids": [1, 2]}, "n": 1}
    assert grade('{"buyer": {"name": "ann lee", "ids": [1, 2.0], "x": 0}, "n": 1}', want).passed
    s = grade('{"buyer": {"name": "Ann Lee", "ids": [1, 3]}, "n": 1}', want)
    assert s.value == 0.5 and "buyer.ids[1]: got 3, want 2" in s.reason


def test_fields_limit_the_comparison() -> None:
    assert grade('{"vendor": "Acme GmbH", "total": 1}', fields=["vendor"]).passed
    with pytest.raises(GraderError, match="no field 'vendr'"):
        grade("{}", fields=["vendr"])


def test_not_json_scores_zero() -> None:
    s = grade("I cannot help with that.")
    assert (s.value, s.passed, s.reason) == (0.0, False, "output is not JSON")
    assert "not an object" in grade("[1, 2]").reason


def test_non_object_reference_is_grader_error() -> None:
    with pytest.raises(GraderError):
        grade("{}", expected="x")


def test_parse_prefers_whole_text() -> None:
    assert parse_json_output("[1, 2]") == [1, 2]
    assert parse_json_output('noise {"a": {"b": 1}} trailing') == {"a": {"b": 1}}
    assert parse_json_output("```\n[1]\n```") == [1]
    with pytest.raises(ValueError):
        parse_json_output("nothing here")


def test_reference_outputs_of_the_invoice_dataset_score_full_marks() -> None:
    g = build_grader("json_fields", {"tolerance": 0.01}).fn
    lines = (ROOT / "datasets/invoice-extraction/v1.jsonl").read_text().splitlines()[:50]
    for case in map(json.loads, lines):
        assert g(Sample(json.dumps(case["expected"]), case["expected"])).passed


INVOICE_SCHEMA = {
    "type": "object",
    "required": ["vendor", "total", "date"],
    "properties": {
        "vendor": {"type": "string", "minLength": 1},
        "total": {"type": "number"},
        "date": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
        "due_date": {"type": ["string", "null"]},
    },
    "additionalProperties": False,
}


def test_json_schema_valid_and_invalid_with_paths() -> None:
    g = build_grader("json_schema", {"schema": INVOICE_SCHEMA}).fn
    ok = g(Sample('```json\n{"vendor": "A", "total": 1.5, "date": "2026-01-09", "due_date": null}\n```', None))
    assert (ok.value, ok.passed) == (1.0, True)
    bad = g(Sample('{"vendor": "", "total": "1.5", "date": "09/01/2026", "extra": 1}', None))
    assert (bad.value, bad.passed) == (0.0, False)
    assert bad.reason.startswith("4 schema violation(s)")
    assert "$.total: '1.5' is not of type 'number'" in bad.reason and "$.date" in bad.reason
    assert g(Sample("no json", None)).reason == "output is not JSON"


def test_json_schema_max_errors_and_invalid_schema() -> None:
    g = build_grader("json_schema", {"schema": {"type": "array", "items": {"type": "integer"}}, "max_errors": 1}).fn
    assert "(+2 more)" in g(Sample('["a", "b", "c"]', None)).reason
    with pytest.raises(ConfigError, match="not a valid JSON Schema"):
        build_grader("json_schema", {"schema": {"type": "nope"}})


def test_json_schema_honours_the_declared_draft() -> None:
    draft4 = {"$schema": "http://json-schema.org/draft-04/schema#", "type": "number", "maximum": 5,
              "exclusiveMaximum": True}  # fmt: skip
    g = build_grader("json_schema", {"schema": draft4}).fn
    assert g(Sample("4", None)).passed and not g(Sample("5", None)).passed
