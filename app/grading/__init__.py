"""Grading: answers about a program's values and derivatives, scored Gradescope-style."""

from app.grading.problem import GradingError, Options, Problem, label
from app.grading.scoring import Answer, AnswerLike, Grader, QuestionLike, Result

__all__ = [
    "Answer",
    "AnswerLike",
    "Grader",
    "GradingError",
    "Options",
    "Problem",
    "QuestionLike",
    "Result",
    "label",
]
