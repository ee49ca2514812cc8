"""Answers pulled out of free text: a number compared within a tolerance, a multiple-choice letter."""

from __future__ import annotations

import math
import re
from typing import Any, Literal

from harness.errors import GraderError
from harness.graders.base import GradeFn, Sample, Score, grader
from harness.graders.exact import shorten

# A number as models write it: optional sign (ASCII or Unicode minus), thousands separators, decimals, exponent.
# Not preceded by a letter, digit or dot, so `v1.2` and `A1` give nothing and `3.5.1` is not read as 3.5.
_NUMBER = re.compile(r"(?<![\w.])[-+\u2212]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?(?:[eE][-+]?\d+)?(?!\w|\.\d)")
_FORMATTING = re.compile(r"[*_`$€£¥]")


def parse_number(token: str) -> float | None:
    """A finite float from one number token (`1,234.5`, `-3`, `2e3`, `−7`), or None."""
    t = token.replace("\u2212", "-").replace(",", "")
    if not any(c.isdigit() for c in t):
        return None
    try:
        v = float(t)
    except ValueError:
        return None
    return v if math.isfinite(v) else None


def numbers_in(text: str) -> list[float]:
    """Every number in `text`, left to right; currency symbols and markdown emphasis are ignored."""
    cleaned = _FORMATTING.sub(" ", text)
    found = (parse_number(m.group(0)) for m in _NUMBER.finditer(cleaned) if m.group(0))
    return [v for v in found if v is not None]


def _reference_numbers(expected: Any) -> list[float]:
    refs = expected if isinstance(expected, list) else [expected]
    out = []
    for r in refs:
        v = float(r) if isinstance(r, int | float) and not isinstance(r, bool) else None
        if isinstance(r, str):
            nums = numbers_in(r)
            v = nums[0] if len(nums) == 1 else None
        if v is None:
            raise GraderError(f"numeric needs numbers as the reference, got {r!r}")
        out.append(v)
    if not out:
        raise GraderError("numeric needs a reference (`expected`) and the case has none")
    return out


@grader("numeric", version="1")
def numeric(
    *,
    abs_tol: float = 0.0,
    rel_tol: float = 0.0,
    location: Literal["end", "begin", "any", "exact"] = "end",
) -> GradeFn:
    """A number in the output equals the reference (any of a list) within `abs_tol` / `rel_tol`.

    `location` picks the number: `end` the last one in the output (default), `begin` the first, `any` any of
    them, `exact` the whole output must be one number. Thousands separators, currency symbols and `**bold**`
    are ignored; a trailing `%` is not interpreted (60% reads as 60).
    """
    if abs_tol < 0 or rel_tol < 0:
        raise ValueError("abs_tol and rel_tol must be >= 0")
    if location not in ("end", "begin", "any", "exact"):
        raise ValueError("location must be end, begin, any or exact")

    def close(a: float, b: float) -> bool:
        return a == b or math.isclose(a, b, rel_tol=rel_tol, abs_tol=abs_tol)

    def grade(sample: Sample) -> Score:
        refs = _reference_numbers(sample.expected)
        found = numbers_in(sample.output)
        if location == "exact":
            whole = parse_number(_FORMATTING.sub("", sample.output).strip().rstrip("%").strip())
            candidates = [whole] if whole is not None else []
        elif location == "any":
            candidates = found
        else:
            candidates = found[-1:] if location == "end" else found[:1]
        if not candidates:
            return Score(0.0, False, f"no number in {shorten(sample.output)!r}")
        for got in candidates:
            for want in refs:
                if close(got, want):
                    return Score(1.0, True, f"{got:g} matches {want:g}")
        shown = ", ".join(f"{c:g}" for c in candidates[:5])
        return Score(0.0, False, f"got {shown}, want {' or '.join(f'{r:g}' for r in refs)}")

    return grade


def extract_choice(text: str, letters: str) -> str | None:
    """The letter a model chose, or None.

    In order: the last `Answer: X` / `the answer is (X)`; an output that is only a letter (`B`, `(B)`, `**B.**`);
    an output that opens with one (`B) Paris`, `C. ...`); a single distinct `(X)` in the text. Letters must be
    upper case outside parentheses so that the article "a" is never read as A.
    """
    cls = f"[{re.escape(letters)}]"
    said = re.findall(rf"(?i:answer)(?:\s+(?i:is))?\s*[:：]?\s*[*_]*\s*[(\[]?\s*({cls})(?![\w])", text)
    if said:
        return str(said[-1])
    m = re.fullmatch(rf"\W*({cls})\W*", text)
    if m:
        return m.group(1)
    m = re.match(rf"\s*[*_]*\s*\(?({cls})(?:[).:]\s|[*_]*\s*\n)", text + " ")
    if m:
        return m.group(1)
    bracketed = set(re.findall(rf"\(({cls})\)", text.upper() if letters.isupper() else text))
    return bracketed.pop() if len(bracketed) == 1 else None


@grader("choice", version="1")
def choice(*, letters: str = "ABCD") -> GradeFn:
    """Multiple choice: extract the chosen letter (see `extract_choice`) and compare it with the reference letter.

    The reference is a letter, a 0-based option index, or a list of acceptable letters.
    """
    if not letters or not letters.isalpha() or len(set(letters)) != len(letters):
        raise ValueError("letters must be distinct letters, e.g. ABCD")

    def reference_letters(expected: Any) -> list[str]:
        refs = expected if isinstance(expected, list) else [expected]
        out = []
        for r in refs:
            if isinstance(r, int) and not isinstance(r, bool) and 0 <= r < len(letters):
                out.append(letters[r])
            elif isinstance(r, str) and r.strip().upper() in letters.upper() and len(r.strip()) == 1:
                out.append(letters[letters.upper().index(r.strip().upper())])
            else:
                raise GraderError(f"choice needs a letter of {letters} or an option index as the reference, got {r!r}")
        if not out:
            raise GraderError("choice needs a reference (`expected`) and the case has none")
        return out

    def grade(sample: Sample) -> Score:
        refs = reference_letters(sample.expected)
        got = extract_choice(sample.output, letters)
        if got is None:
            return Score(0.0, False, f"no choice among {letters} found in {shorten(sample.output)!r}")
        if got in refs:
            return Score(1.0, True, f"chose {got}")
        return Score(0.0, False, f"chose {got}, want {' or '.join(refs)}")

    return grade
