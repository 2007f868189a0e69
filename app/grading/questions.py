"""Questions set by the instructor, answered by name in a student's submission."""

from __future__ import annotations

from collections.abc import Sequence

from app.grading.scoring import Answer, AnswerLike, QuestionLike


def merge(
    questions: Sequence[QuestionLike], answers: Sequence[AnswerLike]
) -> tuple[list[Answer], list[str]]:
    """Return one Answer per question (None where unanswered) and the unasked answer names.

    The question decides of, wrt and points; a submission only supplies the answer, so a
    student cannot change what is asked or what it is worth.
    """
    given = {a.name: a.answer for a in answers}
    merged = [Answer(q.name, _value(given.get(q.name)), q.of, q.wrt, q.points) for q in questions]
    asked = {q.name for q in questions}
    return merged, [a.name for a in answers if a.name not in asked]


def _value(answer: float | int | str | None) -> float | str | None:
    return float(answer) if isinstance(answer, int) else answer
