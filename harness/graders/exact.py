"""The exact-match family on text: exact, contains / not_contains, regex. A list reference means "any of these".

All share one normalisation (NFKC, then optional case folding, punctuation and whitespace handling), so
`exact`, `contains` and `regex` agree on what "the same text" is.
"""

from __future__ import annotations

import re
import string
import unicodedata
from dataclasses import dataclass
from typing import Any, Literal

from harness.errors import GraderError
from harness.graders.base import GradeFn, Sample, Score, grader, negated

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


def references(expected: Any, what: str = "exact") -> list[str]:
    """The reference strings: one, or any of a list. A missing reference is the grader's problem, not the model's."""
    if expected is None or expected == []:
        raise GraderError(f"{what} needs a reference (`expected`) and the case has none")
    if isinstance(expected, list):
        return [str(e) for e in expected]
    if isinstance(expected, dict):
        raise GraderError(f"{what} needs a string or a list of strings as the reference, got an object")
    return [str(expected)]


def q(value: object) -> str:
    """A reference quoted in a reason, clipped like outputs."""
    return repr(shorten(str(value)))


def shorten(text: str, limit: int = 80) -> str:
    """Reasons quote outputs and references clipped: a long reference repeated in every grade bloats the journal."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


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
        refs = references(sample.expected)
        for ref in refs:
            if got == normalise(ref, **opts):
                return Score(1.0, True, f"matches {q(ref)}")
        return Score(0.0, False, f"{shorten(sample.output)!r} is not {' or '.join(q(r) for r in refs)}")

    return grade


@dataclass(frozen=True)
class _Finder:
    """Whether a normalised needle occurs in a normalised haystack, optionally only as whole words."""

    opts: dict[str, bool]
    word_boundary: bool

    def __call__(self, needle: str, haystack: str) -> bool:
        needle = normalise(needle, **self.opts)
        if not needle:
            raise GraderError("contains: a reference is empty after normalisation")
        if self.word_boundary:
            # a number is not a prefix of a longer number: "£2" is not in "£2.50", nor "3" in "3,000"
            return re.search(rf"(?<!\w)(?<!\d[.,]){re.escape(needle)}(?![.,]\d)(?!\w)", haystack) is not None
        return needle in haystack


def _grade_parts(groups: list[list[str]], haystack: str, sep: str, found: _Finder) -> Score:
    """Best share of a reference's parts found; a reference's synonyms count as whole, one-part references."""
    best, best_ref, best_missing = -1.0, "", [""]
    for ref in (form for group in groups for form in group):
        parts = [p for p in ref.split(sep) if p.strip()] or [ref]
        missing = [p for p in parts if not found(p, haystack)]
        share = 1 - len(missing) / len(parts)
        if share > best:
            best, best_ref, best_missing = share, ref, missing
    if not best_missing:
        return Score(1.0, True, f"contains every part of {q(best_ref)}")
    return Score(best, False, f"{best:.0%} of {q(best_ref)}: missing {' and '.join(q(m) for m in best_missing)}")


@grader("contains", version="1")
def contains(
    *,
    text: str | list[str] | None = None,
    require: Literal["any", "all"] = "any",
    word_boundary: bool = False,
    ignore_case: bool = True,
    ignore_punctuation: bool = False,
    parts_separator: str | None = None,
    synonyms: dict[str, list[str]] | None = None,
) -> GradeFn:
    """The output contains the reference (any of a list; `require: all` for every one) after normalisation.

    `text` checks fixed strings instead of the case's reference (e.g. a disclaimer). `word_boundary` stops
    `3` matching inside `13` or `3.5`. Whitespace runs always collapse. `negate: true` (or `not_contains`) inverts.
    `parts_separator` (e.g. " and ") splits each reference into parts that may appear anywhere: a reference
    matches when all its parts do, and the value is the best share of parts found (partial credit).
    `synonyms` maps a reference to other phrasings that also count, e.g. `unanswerable: ["not stated", ...]`.
    """
    if require not in ("any", "all"):
        raise ValueError("require must be 'any' or 'all'")
    if parts_separator is not None and (not parts_separator or require == "all"):
        raise ValueError("parts_separator must be non-empty and cannot be combined with require: all")
    fixed = [text] if isinstance(text, str) else text
    if fixed is not None and not fixed:
        raise ValueError("text must name at least one string")
    opts = dict(ignore_case=ignore_case, ignore_whitespace=True, ignore_punctuation=ignore_punctuation, strip=True)
    found = _Finder(opts, word_boundary)
    aliases = {normalise(k, **opts): list(v) for k, v in (synonyms or {}).items()}

    def grade(sample: Sample) -> Score:
        refs = fixed if fixed is not None else references(sample.expected, "contains")
        groups = [[r, *aliases.get(normalise(r, **opts), [])] for r in refs]
        haystack = normalise(sample.output, **opts)
        if parts_separator is not None:
            return _grade_parts(groups, haystack, parts_separator, found)
        hits = [next((f for f in g if found(f, haystack)), None) for g in groups]
        ok = any(h is not None for h in hits) if require == "any" else all(h is not None for h in hits)
        if ok:
            return Score(1.0, True, f"contains {' and '.join(q(h) for h in hits if h is not None)}")
        missing = [r for r, h in zip(refs, hits, strict=True) if h is None]
        joiner = " or " if require == "any" else " and "
        return Score(0.0, False, f"does not contain {joiner.join(q(m) for m in missing)}")

    return grade


@grader("not_contains", version="1")
def not_contains(
    *,
    text: str | list[str] | None = None,
    word_boundary: bool = False,
    ignore_case: bool = True,
    ignore_punctuation: bool = False,
) -> GradeFn:
    """The output contains none of the strings (`text`, else the reference): `contains` negated."""
    inner = contains(
        text=text, require="any", word_boundary=word_boundary, ignore_case=ignore_case,
        ignore_punctuation=ignore_punctuation,
    )  # fmt: skip
    return negated(inner)


@grader("regex", version="1")
def regex(
    *,
    pattern: str,
    group: int | str | None = None,
    fullmatch: bool = False,
    ignore_case: bool = False,
    multiline: bool = False,
    dotall: bool = False,
) -> GradeFn:
    """The output matches `pattern` (searched anywhere; `fullmatch` for the whole stripped output).

    With `group`, the first match's group is extracted and compared with the reference (any of a list), ignoring
    case and whitespace runs: e.g. `pattern: "ANSWER: (\\w+)", group: 1`.
    """
    flags = (re.IGNORECASE if ignore_case else 0) | (re.MULTILINE if multiline else 0) | (re.DOTALL if dotall else 0)
    try:
        compiled = re.compile(pattern, flags)
    except re.error as e:
        raise ValueError(f"pattern does not compile: {e}") from None
    if isinstance(group, str) and group not in compiled.groupindex:
        raise ValueError(f"pattern has no group named {group!r}")
    if isinstance(group, int) and not 0 <= group <= compiled.groups:
        raise ValueError(f"pattern has {compiled.groups} group(s), not {group}")
    opts = dict(ignore_case=True, ignore_whitespace=True, ignore_punctuation=False, strip=True)

    def grade(sample: Sample) -> Score:
        out = sample.output.strip() if fullmatch else sample.output
        m = compiled.fullmatch(out) if fullmatch else compiled.search(out)
        if m is None:
            return Score(0.0, False, f"no match for /{shorten(pattern, 60)}/")
        if group is None:
            return Score(1.0, True, f"matched {shorten(m.group(0))!r}")
        got = m.group(group)
        if got is None:
            return Score(0.0, False, f"group {group!r} did not take part in the match")
        refs = references(sample.expected, "regex")
        for ref in refs:
            if normalise(got, **opts) == normalise(ref, **opts):
                return Score(1.0, True, f"extracted {shorten(got)!r} matches {q(ref)}")
        return Score(0.0, False, f"extracted {shorten(got)!r}, want {' or '.join(q(r) for r in refs)}")

    return grade
