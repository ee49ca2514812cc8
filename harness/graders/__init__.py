"""Graders: registered by name, named in suites, each returning value, passed and reason."""

from harness.graders import calls, code, exact, judge, numeric, rubric, similarity, sources, structured  # noqa: F401  (registers them)
from harness.graders.base import (
    REGISTRY,
    BuiltGrader,
    ModelCaller,
    Sample,
    Score,
    build_grader,
    grader,
    lookup,
    versioned,
)

__all__ = [
    "REGISTRY", "BuiltGrader", "ModelCaller", "Sample", "Score", "build_grader", "grader", "lookup", "versioned",
]  # fmt: skip
