"""Questions set by the instructor, answered by name in a student's submission."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from chainrule.grading.scoring import Answer, QuestionLike


class Named(Protocol):
    """A submitted answer: the question's name and the raw answer."""

    @property
    def name(self) -> str: ...
    @property
    def answer(self) -> object: ...


def answer_to(question: QuestionLike, raw: object) -> Answer:
    """Return the Answer to question given the raw answer (the question sets the rest)."""
    q = question
    return Answer(q.name, raw, q.of, q.wrt, q.points, q.expect, q.rtol, q.atol)


def merge(
    questions: Sequence[QuestionLike], answers: Sequence[Named]
) -> tuple[list[Answer], list[str]]:
    """Return one Answer per question (None where unanswered) and the unasked answer names.

    The question decides of, wrt, points and how the answer is checked; a submission only
    supplies the answer, so a student cannot change what is asked or what it is worth.
    """
    given = {a.name: a.answer for a in answers}
    merged = [answer_to(q, given.get(q.name)) for q in questions]
    asked = {q.name for q in questions}
    return merged, [a.name for a in answers if a.name not in asked]
