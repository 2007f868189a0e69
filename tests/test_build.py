"""Build: a program and input values become a Value graph with names, inputs and output."""

from __future__ import annotations

import math
import re

import pytest

from chainrule.build import EvalError, FunctionCall, MissingValuesError, build, evaluate
from chainrule.lang import ParseError, SourceError, parse
from tests.support.budget import default_budget


def test_seed_program_with_named_nodes() -> None:
    built = evaluate("c = a + b\nd = b + 1\ne = c * d", {"a": 2, "b": 1}, budget=default_budget())
    assert built.output_name == "e"
    assert built.output.data == 6.0
    assert built.gradients() == {"a": 2.0, "b": 5.0, "c": 2.0, "d": 3.0, "e": 1.0}
    assert list(built.inputs) == ["a", "b"]
    assert list(built.named) == ["c", "d", "e"]


def test_unnamed_output_is_called_output() -> None:
    built = evaluate("(a+b)*(b+1)", {"a": 2, "b": 1}, budget=default_budget())
    assert (built.output_name, built.output.name) == ("output", "output")


def test_unnamed_output_avoids_an_input_called_output() -> None:
    assert evaluate("output * 2", {"output": 1}, budget=default_budget()).output_name == "output_"


def test_exercise_2_of_the_pytorch_seed() -> None:
    # The seed prints (y-3)^3 but its gradients belong to (z-3)^3: the printed formula is a typo.
    built = evaluate(
        "(x-1)*(y-2)^2*(z-3)^3 / sqrt(x+y+z)", {"x": 4, "y": 5, "z": 6}, budget=default_budget()
    )
    grads = {k: round(v, 3) for k, v in built.gradients().items()}
    assert grads == {"x": 56.468, "y": 119.21, "z": 181.953}


def test_missing_values_are_all_named_in_one_error() -> None:
    with pytest.raises(MissingValuesError) as info:
        evaluate("a*b + c", {"b": 1}, budget=default_budget())
    assert info.value.missing == ["a", "c"]
    assert str(info.value) == "missing input values for a, c"


def test_extra_values_are_warnings_not_errors() -> None:
    built = evaluate("a + 1", {"a": 1, "zz": 3}, budget=default_budget())
    assert built.warnings == ["value given for 'zz', which the program does not use"]


def test_non_finite_input_values_are_rejected() -> None:
    with pytest.raises(ValueError, match="finite"):
        evaluate("a + 1", {"a": math.inf}, budget=default_budget())


def test_domain_error_carries_the_position_of_the_operation() -> None:
    with pytest.raises(EvalError) as info:
        evaluate("y = 2 * log(a - 3)", {"a": 1}, budget=default_budget())
    err = info.value
    assert (err.line, err.column, err.length) == (1, 9, 10)
    assert err.message == "log(-2.0): operand must be > 0"
    assert err.kind == "domain"


@pytest.mark.parametrize(
    ("source", "op"),
    [("1/(a-a)", "/"), ("exp(exp(exp(a)))", "exp"), ("sqrt(-a)", "sqrt"), ("a^1000", "^")],
)
def test_domain_errors_in_programs(source: str, op: str) -> None:
    with pytest.raises(EvalError, match="^1:\\d+: " + re.escape(op + "(")):
        evaluate(source, {"a": 100}, budget=default_budget())


@pytest.mark.parametrize(
    ("source", "operand"),
    [
        ("log(exp(a * -800))", "exp(a * -800)"),
        ("log(sigmoid(-800 * a))", "sigmoid(-800 * a)"),
        ("log(b^400)", "b^400"),
        ("log(pow(b, 400))", "pow(b, 400)"),
        ("log(c * c)", "c * c"),
        ("log(c / 1e200)", "c / 1e200"),
        ("def f(x) = x^400\nlog(f(b))", "f(b)"),
    ],
)
def test_an_operand_that_rounds_to_0_is_said_to_underflow(source: str, operand: str) -> None:
    with pytest.raises(EvalError) as info:
        evaluate(source, {"a": 1, "b": 1e-50, "c": 1e-200}, budget=default_budget())
    assert f"{operand} underflows to 0 (too small for a float)" in info.value.message


def test_an_operand_that_is_exactly_0_is_not_said_to_underflow() -> None:
    with pytest.raises(EvalError) as info:
        evaluate("log(a - a)", {"a": 1}, budget=default_budget())
    assert info.value.message.endswith("a - a is 0")


def test_constants_are_nodes_and_a_times_a_has_two_edges() -> None:
    built = evaluate("y = a*a + 2", {"a": 3}, budget=default_budget())
    y = built.output
    square, two = y.inputs
    assert two.op == "const" and two.data == 2.0
    assert square.inputs == (built.inputs["a"], built.inputs["a"])
    assert square.local_grads == (3.0, 3.0)


def test_naming_an_existing_name_makes_a_copy_node() -> None:
    built = evaluate("c = a\nd = c\nd * 2", {"a": 5}, budget=default_budget())
    c, d = built.named["c"], built.named["d"]
    assert (c.op, c.inputs) == ("=", (built.inputs["a"],))
    assert (d.op, d.inputs) == ("=", (c,))
    assert built.inputs["a"].grad == 2.0


LEGENDRE = "def P3(x) = 0.5*(5*x^3 - 3*x) grad 1.5*(5*x^2 - 1)\ny = P3(t)"


def test_user_function_is_one_node_with_its_body_kept() -> None:
    built = evaluate(LEGENDRE, {"t": 0.3}, budget=default_budget())
    call = built.output.inputs[0] if built.output.op == "=" else built.output
    assert call.op == "call"
    detail = call.detail
    assert isinstance(detail, FunctionCall)
    assert (detail.function, detail.declared_grad) == ("P3", True)
    assert built.output.data == pytest.approx(0.5 * (5 * 0.3**3 - 3 * 0.3))
    assert built.inputs["t"].grad == pytest.approx(1.5 * (5 * 0.3**2 - 1))
    assert built.warnings == []


def test_declared_derivative_is_used_and_checked_against_the_body() -> None:
    built = evaluate("def f(x) = x^2 grad 3*x\nf(a)", {"a": 2}, budget=default_budget())
    assert built.inputs["a"].grad == 6.0  # the declared derivative wins ...
    assert built.warnings == ["f: declared d/dx = 6 but the body's derivative is 4 at x=2"]


def test_user_function_without_declared_derivative_uses_its_body() -> None:
    built = evaluate(
        "def f(x, y) = x*y + y\ng = f(a, b)", {"a": 2, "b": 3}, budget=default_budget()
    )
    assert built.gradients()["a"] == 3.0
    assert built.gradients()["b"] == 3.0


def test_nested_user_functions() -> None:
    built = evaluate(
        "def sq(x) = x*x\ndef quad(x) = sq(sq(x))\nquad(a)", {"a": 2}, budget=default_budget()
    )
    assert (built.output.data, built.inputs["a"].grad) == (16.0, 32.0)


def test_build_alone_runs_only_the_forward_pass() -> None:
    built = build(parse("a*b"), {"a": 2, "b": 3}, budget=default_budget())
    assert built.output.data == 6.0
    assert built.inputs["a"].grad == 0.0


def test_long_left_chain_builds_without_recursion() -> None:
    built = evaluate("+".join(["x"] * 10_000), {"x": 1}, budget=default_budget())
    assert (built.output.data, built.inputs["x"].grad) == (10_000.0, 10_000.0)


def test_parse_and_eval_errors_share_a_source_error_base_and_neither_is_the_other() -> None:
    assert issubclass(ParseError, SourceError) and issubclass(EvalError, SourceError)
    assert not issubclass(EvalError, ParseError) and not issubclass(ParseError, EvalError)
