"""Grading: answers about a program's values and derivatives, scored Gradescope-style."""

from app.grading.problem import GradingError, Options, Problem, label
from app.grading.scoring import Answer, Grader, Result

__all__ = ["Answer", "Grader", "GradingError", "Options", "Problem", "Result", "label"]
