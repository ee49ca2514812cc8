"""Graders: registered by name, named in suites, each returning value, passed and reason."""

from harness.graders import calls, code, exact, numeric, similarity, structured  # noqa: F401  (registers them)
from harness.graders.base import REGISTRY, BuiltGrader, Sample, Score, build_grader, grader

__all__ = ["REGISTRY", "BuiltGrader", "Sample", "Score", "build_grader", "grader"]
