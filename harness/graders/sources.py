"""`cites_sources`: a search-grounded answer's claims carry sources.

A claim is a sentence of the answer with at least `min_words` words (a shorter answer is one claim). It carries a
source when the answer's grounding metadata has supports, each citing at least one source that exists, covering at
least `coverage` of its characters. The value is the share of claims that carry one; the grade passes at
`min_share`. An answer without grounding metadata fails: nothing in it is sourced.
"""

from __future__ import annotations

import re

from harness.graders.base import GradeFn, Sample, Score, grader
from harness.graders.exact import q
from harness.types import Grounding

_CLAIM = re.compile(r"\S[^\n]*?(?:[.!?]+(?=\s|$)|$)", re.M)
"""A sentence: up to end punctuation followed by a space or the line's end (`2.1` and `e.g.x` do not end one)."""


def claims(text: str, min_words: int) -> list[tuple[int, int]]:
    """Character spans of the sentences with at least `min_words` words (the whole answer when none has)."""
    spans = []
    for m in _CLAIM.finditer(text):
        if len(m.group().split()) >= min_words:
            spans.append((m.start(), m.end()))
    if not spans and text.strip():
        start = len(text) - len(text.lstrip())
        spans = [(start, len(text.rstrip()))]
    return spans


def _char_offset(text: str, byte_offset: int) -> int:
    return len(text.encode()[:byte_offset].decode(errors="ignore"))


def supported(text: str, grounding: Grounding) -> tuple[list[tuple[int, int]], int]:
    """Character spans of the answer that a support backs with an existing source (found by the segment's text, else
    by its byte offsets), and how many supports cite no source that exists."""
    spans, dangling, cursor = [], 0, 0
    for s in grounding.supports:
        if not any(0 <= i < len(grounding.sources) and grounding.sources[i].uri for i in s.chunks):
            dangling += 1
            continue
        at = text.find(s.text, cursor) if s.text else -1
        at = text.find(s.text) if at < 0 and s.text else at
        if at >= 0:
            spans.append((at, at + len(s.text)))
            cursor = at + len(s.text)
        elif s.end is not None:
            spans.append((_char_offset(text, s.start or 0), _char_offset(text, s.end)))
    return spans, dangling


def _covered(claim: tuple[int, int], spans: list[tuple[int, int]], coverage: float) -> bool:
    start, end = claim
    hit = {i for a, b in spans for i in range(max(a, start), min(b, end))}
    return len(hit) >= coverage * (end - start)


@grader("cites_sources", version="1")
def cites_sources(*, min_share: float = 0.8, min_words: int = 3, coverage: float = 0.5) -> GradeFn:
    """A grounded answer's claims carry sources: the share of its sentences (of `min_words` words or more) that its
    grounding supports cover (at least `coverage` of each, citing a source that exists), passing at `min_share`."""
    if not 0 <= min_share <= 1 or not 0 < coverage <= 1:
        raise ValueError("min_share must be in [0, 1] and coverage in (0, 1]")
    if min_words < 1:
        raise ValueError("min_words must be at least 1")

    def grade(sample: Sample) -> Score:
        g, text = sample.grounding, sample.output
        if not text.strip():
            return Score(0.0, False, "empty answer: no claim to source")
        if g is None:
            return Score(0.0, False, "no grounding metadata: the answer cites no source (is `tools: [google_search]` "
                                     "set on the deployment, and did the model search?)")  # fmt: skip
        spans, dangling = supported(text, g)
        found = claims(text, min_words)
        bare = [c for c in found if not _covered(c, spans, coverage)]
        share = 1 - len(bare) / len(found)
        passed = share >= min_share - 1e-9
        sign, n = "≥" if passed else "<", len(found)
        reason = (f"{n - len(bare)} of {n} claims carry sources ({share:.0%} {sign} {min_share:.0%}), "
                  f"{len(g.sources)} sources, {len(g.queries)} queries")  # fmt: skip
        if bare:
            reason += "; unsourced: " + ", ".join(q(text[a:b]) for a, b in bare[:3]) + (" ..." if len(bare) > 3 else "")
        if dangling:
            reason += f"; {dangling} support(s) cite no source that exists"
        return Score(share, passed, reason + (" (simulated grounding)" if g.simulated else ""))

    return grade
