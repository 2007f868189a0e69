"""For random programs, the engine's own answers always score full marks; perturbed never."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from chainrule.build import evaluate
from chainrule.engine import topological_order
from chainrule.grading import Answer, Grader, Options, Problem
from tests.support.budget import default_budget

BINARY = ["+", "-", "*"]
UNARY = ["tanh", "sin", "sigmoid", "cos"]


@st.composite
def programs(draw: st.DrawFn) -> tuple[list[tuple[str, str]], dict[str, float]]:
    """Statements v1 = ..., each combining earlier names; inputs x, y in [-2, 2]."""
    names = ["x", "y"]
    statements: list[tuple[str, str]] = []
    for i in range(1, draw(st.integers(1, 6)) + 1):
        a = draw(st.sampled_from(names))
        if draw(st.booleans()):
            expr = f"{draw(st.sampled_from(UNARY))}({a})"
        else:
            expr = f"({a} {draw(st.sampled_from(BINARY))} {draw(st.sampled_from(names))})"
        statements.append((f"v{i}", expr))
        names.append(f"v{i}")
    coord = st.floats(-2, 2, allow_nan=False).map(lambda v: round(v, 3))
    return statements, {"x": draw(coord), "y": draw(coord)}


def source(statements: list[tuple[str, str]]) -> str:
    return "\n".join(f"{name} = {expr}" for name, expr in statements)


def engine_answers(statements: list[tuple[str, str]], at: dict[str, float]) -> list[Answer]:
    """∂vk/∂n for every vk and every node n it depends on, from a program ending at vk."""
    answers: list[Answer] = []
    for k, (of, _) in enumerate(statements):
        built = evaluate(source(statements[: k + 1]), at, budget=default_budget())
        upstream = set(topological_order(built.output))
        for name, node in {**built.inputs, **built.named}.items():
            if node in upstream:
                answers.append(Answer(f"d{of}/d{name}", node.grad, of, name))
        answers.append(Answer(of, built.output.data, of, None))
    return answers


def perturbed(answer: Answer) -> Answer:
    assert isinstance(answer.answer, float)
    x = answer.answer
    return answer._replace(answer=x + 1e-3 * (1 + abs(x)))


@settings(max_examples=60, deadline=None)
@given(programs())
def test_engine_answers_score_full_marks_and_perturbed_ones_none(
    case: tuple[list[tuple[str, str]], dict[str, float]],
) -> None:
    statements, at = case
    grader = Grader(Problem(source(statements), at, budget=default_budget()))
    answers = engine_answers(statements, at)
    right = grader.grade(answers)
    assert right["score"] == right["max_score"] == len(answers)
    wrong = grader.grade([perturbed(a) for a in answers])
    assert wrong["score"] == 0 and all(t["status"] == "failed" for t in wrong["tests"])


@settings(max_examples=40, deadline=None)
@given(programs())
def test_defining_formulas_pass_and_shifted_formulas_fail(
    case: tuple[list[tuple[str, str]], dict[str, float]],
) -> None:
    statements, at = case
    grader = Grader(Problem(source(statements), at, Options(samples=3), budget=default_budget()))
    right = [Answer(name, expr, name) for name, expr in statements]
    shifted = [a._replace(answer=f"{a.answer} + 0.001*(1 + abs({a.answer}))") for a in right]
    assert grader.grade(right)["score"] == len(right)
    assert grader.grade(shifted)["score"] == 0
