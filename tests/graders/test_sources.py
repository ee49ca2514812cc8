"""`cites_sources`: the share of a grounded answer's claims its supports cover with a source that exists."""

from __future__ import annotations

import pytest

from harness.errors import ConfigError
from harness.graders import Sample, build_grader
from harness.types import Grounding, Source, Support

SOURCES = (Source("https://a.test/1", "a.test"), Source("https://b.test/2", "b.test"))
TEXT = "Zürich is the largest city in Switzerland. It has 2.1 million people in its metro area. Sure."


def grade(text: str, grounding: Grounding | None, **args: object) -> tuple[float, bool, str]:
    s = build_grader("cites_sources", dict(args)).fn(Sample(text, None, grounding=grounding))  # type: ignore[misc]
    return s.value, s.passed, s.reason


def test_each_claim_with_a_support_counts_and_short_sentences_are_not_claims() -> None:
    supports = (Support("Zürich is the largest city in Switzerland.", (0,)),
                Support("It has 2.1 million people in its metro area.", (1,)))  # fmt: skip
    g = Grounding(("zurich size",), SOURCES, supports)
    assert grade(TEXT, g) == (1.0, True, "2 of 2 claims carry sources (100% ≥ 80%), 2 sources, 1 queries")


def test_an_unsourced_claim_is_named_and_the_threshold_decides() -> None:
    g = Grounding((), SOURCES, (Support("Zürich is the largest city in Switzerland.", (0,)),))
    value, passed, reason = grade(TEXT, g)
    assert (value, passed) == (0.5, False)
    assert reason == ("1 of 2 claims carry sources (50% < 80%), 2 sources, 0 queries; "
                      "unsourced: 'It has 2.1 million people in its metro area.'")  # fmt: skip
    assert grade(TEXT, g, min_share=0.5)[1] is True


def test_byte_offsets_place_a_support_without_text_after_a_multibyte_character() -> None:
    second = TEXT.index("It has")
    start = len(TEXT[:second].encode())  # "ü" is two bytes: a char offset would be one short
    g = Grounding(
        (), SOURCES, (Support("", (1,), start, start + len(b"It has 2.1 million people in its metro area.")),)
    )
    value, _, reason = grade(TEXT, g)
    assert value == 0.5 and "unsourced: 'Zürich is the largest" in reason


def test_a_support_citing_no_existing_source_does_not_count() -> None:
    g = Grounding((), SOURCES, (Support("Zürich is the largest city in Switzerland.", (5,)),
                                Support("It has 2.1 million people in its metro area.", (1,))))  # fmt: skip
    value, passed, reason = grade(TEXT, g)
    assert (value, passed) == (0.5, False) and reason.endswith("; 1 support(s) cite no source that exists")


def test_no_grounding_fails_with_the_remedy_and_simulated_grounding_says_so() -> None:
    value, passed, reason = grade(TEXT, None)
    assert (value, passed) == (0.0, False) and "`tools: [google_search]`" in reason
    sim = Grounding(("q",), SOURCES, (Support("billing", (0,)),), simulated=True)
    assert grade("billing", sim) == (1.0, True, "1 of 1 claims carry sources (100% ≥ 80%), 2 sources, 1 queries "
                                                "(simulated grounding)")  # fmt: skip
    assert grade("  ", sim)[2] == "empty answer: no claim to source"


@pytest.mark.parametrize("args", [{"min_share": 1.5}, {"coverage": 0}, {"min_words": 0}])
def test_bad_arguments_are_config_errors(args: dict[str, object]) -> None:
    with pytest.raises(ConfigError, match="cites_sources"):
        build_grader("cites_sources", args)
