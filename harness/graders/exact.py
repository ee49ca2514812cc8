"""Exact match with normalisation options."""

from __future__ import annotations

import re
import string
import unicodedata
from typing import Any

from harness.graders.base import GradeFn, Sample, Score, grader

_PUNCT = re.compile(f"[{re.escape(string.punctuation)}]")
_SPACE = re.compile(r"\s+")


def normalise(text: str, *, ignore_case: bool, ignore_whitespace: bool, ignore_punctuation: bool, strip: bool) -> str:
    text = unicodedata.normalize("NFKC", text)
    if ignore_case:
        text = text.casefold()
    if ignore_punctuation:
        text = _PUNCT.sub(" " if ignore_whitespace else "", text)
    if ignore_whitespace:
        text = _SPACE.sub(" ", text)
    if strip or ignore_whitespace:
        text = text.strip()
    return text


def _references(expected: Any) -> list[str]:
    if isinstance(expected, list):
        return [str(e) for e in expected]
    return [str(expected)]


@grader("exact", version="1")
def exact(
    *,
    ignore_case: bool = True,
    ignore_whitespace: bool = True,
    ignore_punctuation: bool = False,
    strip: bool = True,
) -> GradeFn:
    """The output equals the reference (or one of a list of references) after normalisation.

    By default case and runs of whitespace are ignored; `ignore_punctuation` also drops ASCII punctuation
    (so `Billing.` matches `billing`).
    """
    opts = dict(
        ignore_case=ignore_case,
        ignore_whitespace=ignore_whitespace,
        ignore_punctuation=ignore_punctuation,
        strip=strip,
    )

    def grade(sample: Sample) -> Score:
        got = normalise(sample.output, **opts)
        refs = _references(sample.expected)
        for ref in refs:
            if got == normalise(ref, **opts):
                return Score(1.0, True, f"matches {ref!r}")
        shown = sample.output if len(sample.output) <= 80 else sample.output[:77] + "..."
        return Score(0.0, False, f"{shown!r} is not {' or '.join(repr(r) for r in refs)}")

    return grade
