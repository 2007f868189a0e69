"""The reverse pass: topological order, each node once, sums over shared uses, no recursion."""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable

import pytest

from chainrule.engine import Value, topological_order


def test_seed_figure_a_plus_b_times_b_plus_1() -> None:
    a, b = Value(2.0), Value(1.0)
    c = a + b
    d = b + 1
    e = c * d
    e.backward()
    assert (e.data, a.grad, b.grad, c.grad, d.grad) == (6.0, 2.0, 5.0, 2.0, 3.0)


def test_leaf_used_many_times_sums_its_contributions() -> None:  # the Scalar seed: x*x*x+x+x
    x = Value(4.0)
    y = x * x * x + x + x
    y.backward()
    assert (y.data, x.grad) == (72.0, 50.0)


def test_square_of_shared_node_is_visited_once() -> None:
    w, xv = Value(3.0), Value(2.0)
    error = w * xv - 1.0
    loss = error * error
    loss.backward()
    assert error.grad == 2 * error.data  # 2*error, not 4*error as a double visit would give
    assert w.grad == 2 * error.data * 2.0


def test_topological_order_puts_inputs_first_and_lists_each_node_once() -> None:
    a = Value(1.0)
    b = a * a
    c = b + a
    order = topological_order(c)
    assert len(order) == len(set(map(id, order))) == 3
    pos = {id(v): i for i, v in enumerate(order)}
    for node in order:
        for child in node.inputs:
            assert pos[id(child)] < pos[id(node)]


def test_a_times_a_keeps_both_input_slots() -> None:
    a = Value(3.0)
    sq = a * a
    assert sq.inputs == (a, a)
    sq.backward()
    assert a.grad == 6.0


def test_second_backward_accumulates_and_zero_grad_resets() -> None:
    a, b = Value(2.0), Value(1.0)
    e = (a + b) * (b + 1)
    e.backward()
    e.backward()
    assert (a.grad, b.grad, e.grad) == (4.0, 10.0, 2.0)
    e.zero_grad()
    assert (a.grad, b.grad, e.grad) == (0.0, 0.0, 0.0)
    e.backward()
    assert (a.grad, b.grad) == (2.0, 5.0)


def test_backward_seed_scales_every_gradient() -> None:
    x = Value(3.0)
    y = x * x
    y.backward(seed=0.5)
    assert x.grad == 3.0


@pytest.mark.slow
def test_million_node_chain_at_default_recursion_limit() -> None:
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(1000)
    try:
        x = Value(0.5)
        y = x
        for _ in range(1_000_000):
            y = y + x
        y.backward()
        assert x.grad == 1_000_001.0
        assert y.data == pytest.approx(500_000.5)
    finally:
        sys.setrecursionlimit(limit)


def test_graph_is_freed_without_the_cycle_collector() -> None:
    """Nodes hold no reference to themselves: reference counting alone frees a graph."""
    gc.collect()
    gc.disable()
    try:
        x = Value(1.0)
        y = x
        for _ in range(1000):
            y = (y * 1.0001).tanh() + x
        y.backward()
        del x, y
        assert gc.collect() == 0  # nothing was left for the cycle collector to find
    finally:
        gc.enable()


def test_values_have_slots_not_dicts() -> None:
    assert not hasattr(Value(1.0), "__dict__")


@pytest.mark.parametrize(
    "make",
    [
        lambda x: x,  # an input leaf
        lambda x: Value.constant(2),
        lambda x: x.exp(),  # one input
        lambda x: x * 3,  # two inputs
        lambda x: Value.node(1.0, "f", (x, x, x), (1.0, 2.0, 3.0)),  # any other number
    ],
    ids=["leaf", "const", "unary", "binary", "n-ary"],
)
def test_every_slot_of_every_kind_of_node_is_set(make: Callable[[Value], Value]) -> None:
    node = make(Value(0.5, name="x"))
    for slot in Value.__slots__:
        getattr(node, slot)  # raises AttributeError for a slot left unset
