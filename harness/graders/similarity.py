"""Lexical similarity to the reference: TF-IDF cosine (scikit-learn), thresholded.

scikit-learn costs about a second to import, so it is imported when a suite uses this grader, never before.
"""

from __future__ import annotations

from typing import Any, Literal

from harness.graders.base import GradeFn, Sample, Score, grader
from harness.graders.exact import references


@grader("tfidf_cosine", version="1")
def tfidf_cosine(
    *,
    threshold: float = 0.5,
    analyzer: Literal["word", "char_wb"] = "word",
    ngram_max: int = 1,
    lowercase: bool = True,
    stop_words: Literal["english"] | None = None,
) -> GradeFn:
    """Cosine similarity of TF-IDF vectors of the output and the reference (the best of a list); passes at or
    above `threshold`.

    A vectoriser is fitted on each (output, reference) pair alone (scikit-learn's defaults: smoothed idf, l2
    norm), so the score needs no corpus, is symmetric and does not depend on the other references.
    `analyzer: char_wb` with `ngram_max: 3..5` tolerates spelling and inflection. Value = the similarity, in [0, 1].
    """
    if not 0.0 <= threshold <= 1.0:
        raise ValueError("threshold must be in [0, 1]")
    if ngram_max < 1:
        raise ValueError("ngram_max must be >= 1")
    if analyzer not in ("word", "char_wb"):
        raise ValueError("analyzer must be 'word' or 'char_wb'")
    from sklearn.feature_extraction.text import TfidfVectorizer  # lazy: see the module docstring

    def vectoriser() -> Any:
        return TfidfVectorizer(
            analyzer=analyzer, ngram_range=(1, ngram_max), lowercase=lowercase, stop_words=stop_words
        )

    def similarity(a: str, b: str) -> float:
        try:
            matrix = vectoriser().fit_transform([a, b])
        except ValueError:  # no token survives (all stop words, or shorter than the token pattern)
            return 0.0
        return min(max(float((matrix[0] @ matrix[1].T).toarray()[0, 0]), 0.0), 1.0)

    def grade(sample: Sample) -> Score:
        refs = references(sample.expected, "tfidf_cosine")
        if not sample.output.strip():
            return Score(0.0, False, "empty output")
        sims = [similarity(sample.output, ref) for ref in refs]
        best = max(range(len(refs)), key=sims.__getitem__)
        value = sims[best]
        verdict = ">=" if value >= threshold else "<"
        return Score(value, value >= threshold, f"cosine {value:.3f} {verdict} {threshold:g} vs {refs[best]!r}")

    return grade
