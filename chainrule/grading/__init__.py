"""Grading: answers about a program's values and derivatives, scored Gradescope-style."""

from chainrule.grading.answers import EXPECTS, Expect, Unreadable, read, to_finite
from chainrule.grading.problem import GradingError, Options, Problem, label
from chainrule.grading.scoring import Answer, AnswerLike, Grader, QuestionLike, Result

__all__ = [
    "EXPECTS",
    "Answer",
    "AnswerLike",
    "Expect",
    "Grader",
    "GradingError",
    "Options",
    "Problem",
    "QuestionLike",
    "Result",
    "Unreadable",
    "label",
    "read",
    "to_finite",
]
