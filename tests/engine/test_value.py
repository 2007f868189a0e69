"""Value's constructor refuses a malformed node at once, and a node says what kind it is."""

from __future__ import annotations

import pytest

from chainrule.engine import EngineError, Value
from chainrule.ops import ALIAS, CALL, CONSTANT, INPUT, is_alias, is_call, is_constant, is_input


@pytest.mark.parametrize(
    ("make", "error", "says"),
    [
        (lambda a: Value(1.0, "x", (a,), ()), ValueError, "1 input(s), 0 local derivative(s)"),
        (lambda a: Value(1.0, "x", (), (1.0,)), ValueError, "0 input(s), 1 local derivative(s)"),
        (lambda a: Value(1.0, "x", (a, a), (1.0,)), ValueError, "one local derivative per input"),
        (lambda a: Value(1.0, "x", (a, 2.0), (1.0, 1.0)), TypeError, "must be a Value"),  # type: ignore[arg-type]
        (lambda a: Value(1.0, "+"), ValueError, "an input or a constant, not '+'"),
        (lambda a: Value(1.0, CONSTANT, (a,), (1.0,)), ValueError, "needs an operation"),
        (lambda a: Value.node(float("inf"), "f", (a,), (1.0,)), EngineError, "not a finite"),
    ],
    ids=[
        "input-no-grad",
        "grad-no-input",
        "two-inputs-one-grad",
        "not-a-value",
        "leaf-op",
        "const-inputs",
        "inf-value",
    ],
)
def test_a_malformed_node_is_refused_when_made(make: object, error: type, says: str) -> None:
    a = Value(2.0)
    with pytest.raises(error) as info:
        make(a)  # type: ignore[operator]
    assert says in str(info.value)


def test_a_checked_node_backpropagates_through_each_input() -> None:
    a, b, c = Value(1.0), Value(2.0), Value(3.0)
    node = Value(6.0, "f", (a, b, c), (1, 2, 3))
    node.backward()
    assert (a.grad, b.grad, c.grad) == (1.0, 2.0, 3.0)
    assert node.local_grads == (1.0, 2.0, 3.0) and node.inputs == (a, b, c)


def test_every_kind_of_node_has_its_predicate() -> None:
    x = Value(2.0, name="x")
    nodes = {
        "input": x,
        "constant": Value.constant(3),
        "alias": Value.node(2.0, ALIAS, (x,), (1.0,)),
        "call": Value.node(4.0, CALL, (x,), (2.0,)),
        "operation": x * 3,
    }
    kinds = {
        kind: [p for p in ("is_input", "is_constant", "is_alias", "is_call") if getattr(v, p)]
        for kind, v in nodes.items()
    }
    assert kinds == {
        "input": ["is_input"],
        "constant": ["is_constant"],
        "alias": ["is_alias"],
        "call": ["is_call"],
        "operation": [],
    }


def test_the_kind_predicates_on_op_names_agree_with_the_nodes() -> None:
    assert [is_input(INPUT), is_constant(CONSTANT), is_alias(ALIAS), is_call(CALL)] == [True] * 4
    assert not any(f("+") for f in (is_input, is_constant, is_alias, is_call))


def test_numbers_beside_a_value_are_constant_leaves_of_either_type() -> None:
    x = Value(2.0)
    for out in (x + 1, 1 + x, x * 2.5, 2.5 * x, x - True, x / 4, 2**x, x**2):
        assert [v.is_constant for v in out.inputs].count(True) == 1, out
