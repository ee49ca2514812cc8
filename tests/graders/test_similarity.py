import subprocess
import sys

import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import cosine_similarity

from harness.errors import ConfigError, GraderError
from harness.graders import Sample, build_grader

PAIRS = [
    ("The lift serves all three floors.", "A lift serving all three floors."),
    ("Licences are renewed every three years.", "every 3 years"),
    ("Completely unrelated words here.", "The lift serves three floors."),
    ("Paris", "paris"),
]


@pytest.mark.parametrize(("output", "reference"), PAIRS)
def test_value_is_sklearns_cosine_of_the_pair(output: str, reference: str) -> None:
    m = TfidfVectorizer().fit_transform([output, reference])
    want = float(cosine_similarity(m[0], m[1])[0, 0])
    s = build_grader("tfidf_cosine", {"threshold": 0.5}).fn(Sample(output, reference))
    assert s.value == pytest.approx(want, abs=1e-12) and s.passed is (want >= 0.5)


def test_best_reference_wins_and_threshold_decides() -> None:
    g = build_grader("tfidf_cosine", {"threshold": 0.9}).fn
    s = g(Sample("Paris is the capital", ["Berlin", "the capital is Paris"]))
    assert s.passed and s.value == pytest.approx(1.0) and "'the capital is Paris'" in s.reason
    assert not g(Sample("Lyon", ["Berlin", "Paris"])).passed


def test_char_ngrams_tolerate_spelling() -> None:
    word = build_grader("tfidf_cosine", {"threshold": 0.5}).fn(Sample("colour", "color"))
    char = build_grader("tfidf_cosine", {"threshold": 0.5, "analyzer": "char_wb", "ngram_max": 3}).fn(
        Sample("colour", "color")
    )
    assert word.value == 0.0 and char.value > 0.5


def test_degenerate_inputs() -> None:
    g = build_grader("tfidf_cosine", {"stop_words": "english"}).fn
    assert g(Sample("", "x y")).reason == "empty output"
    assert g(Sample("the and of", "it is")).value == 0.0  # only stop words: no comparable terms
    with pytest.raises(GraderError):
        g(Sample("x", None))
    with pytest.raises(ConfigError):
        build_grader("tfidf_cosine", {"threshold": 1.5})


def test_sklearn_is_imported_only_when_the_grader_is_built() -> None:
    code = (
        "import sys\nfrom harness.graders import build_grader\n"
        "build_grader('exact', {}); build_grader('code_exec', {}); build_grader('function_call', {})\n"
        "assert 'sklearn' not in sys.modules and 'jsonschema' not in sys.modules\n"
        "build_grader('tfidf_cosine', {})\nassert 'sklearn' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
