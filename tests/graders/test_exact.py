import pytest

from harness.errors import ConfigError
from harness.graders import Sample, build_grader


def grade(args: dict[str, object], output: str, expected: object) -> tuple[float, bool]:
    s = build_grader("exact", args).fn(Sample(output, expected))
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
    value, ok = grade(args, output, expected)
    assert ok is passed and value == (1.0 if passed else 0.0)


def test_reason_names_what_differs() -> None:
    s = build_grader("exact", {}).fn(Sample("refund", "billing"))
    assert "'refund' is not 'billing'" in s.reason


def test_unknown_argument_is_config_error() -> None:
    with pytest.raises(ConfigError, match="unexpected keyword argument"):
        build_grader("exact", {"ignorecase": True})
