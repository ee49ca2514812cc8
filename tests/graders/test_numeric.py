import pytest

from harness.errors import ConfigError, GraderError
from harness.graders import Sample, build_grader
from harness.graders.numeric import extract_choice, numbers_in


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("The total is $1,234.50.", [1234.5]),
        ("-3 and +4, then −7", [-3.0, 4.0, -7.0]),
        ("2e3 items", [2000.0]),
        ("version v1.2 and 3.5.1", []),
        ("**42**", [42.0]),
        ("60% of 12,5", [60.0, 12.0, 5.0]),
        ("x=.5", [0.5]),
    ],
)
def test_numbers_in(text: str, numbers: list[float]) -> None:
    assert numbers_in(text) == numbers


@pytest.mark.parametrize(
    ("args", "output", "expected", "passed"),
    [
        ({}, "So the answer is 42.", 42, True),
        ({}, "It costs €1,204.50", "1204.5", True),
        ({}, "Step 1: 40 + 2 = 42. Answer: 41", 42, False),  # the last number counts
        ({"location": "begin"}, "42 is the answer, not 41", 42, True),
        ({"location": "any"}, "maybe 40, maybe 42, maybe 44", [42], True),
        ({"location": "exact"}, " 42 ", 42, True),
        ({"location": "exact"}, "42 apples", 42, False),
        ({"abs_tol": 0.01}, "3.141", 3.14159, True),
        ({"abs_tol": 0.001}, "3.14", 3.14159, False),
        ({"rel_tol": 0.05}, "103", 100, True),
        ({}, "no numbers here", 1, False),
        ({}, "0.30", [0.3, 0.25], True),
    ],
)
def test_numeric(args: dict[str, object], output: str, expected: object, passed: bool) -> None:
    s = build_grader("numeric", args).fn(Sample(output, expected))
    assert s.passed is passed and s.value == (1.0 if passed else 0.0), s.reason


@pytest.mark.parametrize("expected", [None, "about ten", [True], {"x": 1}])
def test_numeric_bad_reference_is_a_grader_error(expected: object) -> None:
    with pytest.raises(GraderError):
        build_grader("numeric", {}).fn(Sample("1", expected))


def test_numeric_rejects_negative_tolerance() -> None:
    with pytest.raises(ConfigError):
        build_grader("numeric", {"abs_tol": -1})


@pytest.mark.parametrize(
    ("text", "letter"),
    [
        ("ANSWER: B", "B"),
        ("answer: (c)", "C"),  # lower case is read only inside parentheses
        ("answer: c", None),
        ("The answer is (C).", "C"),
        ("Let me think. A seems wrong... The correct answer is: **D**", "D"),
        ("Answer: A\nWait, no. Answer: B", "B"),  # the last stated answer wins
        ("B", "B"),
        ("(B)", "B"),
        ("**C.**", "C"),
        ("B) Paris", "B"),
        ("D. because the others fail", "D"),
        ("C\n\nExplanation: ...", "C"),
        ("I pick option (b) here", "B"),
        ("The answer is a bit unclear", None),
        ("A or B, hard to say", None),
        ("Both (A) and (C) are wrong", None),
        ("Answer: E", None),
    ],
)
def test_extract_choice(text: str, letter: str | None) -> None:
    assert extract_choice(text, "ABCD") == letter


@pytest.mark.parametrize(
    ("output", "expected", "passed"),
    [("ANSWER: B", "B", True), ("ANSWER: B", "c", False), ("ANSWER: B", 1, True), ("B", ["A", "B"], True),
     ("I don't know", "A", False)],
)  # fmt: skip
def test_choice(output: str, expected: object, passed: bool) -> None:
    assert build_grader("choice", {}).fn(Sample(output, expected)).passed is passed


def test_choice_letters_and_references_are_checked() -> None:
    assert build_grader("choice", {"letters": "ABCDE"}).fn(Sample("Answer: E", "E")).passed
    with pytest.raises(GraderError):
        build_grader("choice", {}).fn(Sample("A", "F"))
    with pytest.raises(ConfigError):
        build_grader("choice", {"letters": "AAB"})
