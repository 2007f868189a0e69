"""chainrule.draw reads other engines' graphs: micrograd's, closure-style ones like the
seeds' Scalar, and chainrule's own; iteratively, with ids that do not depend on id()."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

import pytest
from micrograd.engine import Value as Micro

import chainrule
from chainrule.budget import Budget, BudgetExceeded, BudgetLimits
from chainrule.notebook.learner_ops import op_of
from chainrule.notebook.order import NotANode
from chainrule.notebook.walk import walk
from tests.notebook.engines import Ordered, Recursive, Tiny, backprop

ROOT = Path(__file__).resolve().parents[2]


def shape(root: object) -> list[tuple[str, str, list[int], float, float]]:
    """Each walked node as (op, name, operand indices, value, grad)."""
    return [(n.op, n.name or "", n.inputs, n.value, n.grad) for n in walk(root, {}).nodes]


def test_a_closure_style_node_is_read_from_its_backward_closure() -> None:
    x = Recursive(3.0)
    x.label = "x"  # type: ignore[attr-defined]
    y = (x * Recursive(2.0)) ** 2
    y.grad = 1.0
    y.backward()
    assert shape(y) == [
        ("", "x", [], 3.0, 24.0),
        ("", "", [], 2.0, 36.0),
        ("*", "", [0, 1], 6.0, 12.0),
        ("const", "", [], 2.0, pytest.approx(float("nan"), nan_ok=True)),
        ("^", "", [2, 3], 36.0, 1.0),
    ]


def test_operand_order_comes_from_the_method_and_reflected_methods_swap_it() -> None:
    x = Ordered(3.0)
    d = x.__rsub__(Ordered(10.0))  # 10 - x, made by x's __rsub__
    assert [(n.op, n.value) for n in walk(d, {}).nodes] == [("", 10.0), ("", 3.0), ("-", 7.0)]


def test_a_micrograd_node_with_one_operand_twice_keeps_both_uses() -> None:
    q = Micro(-3.0)
    y = q * q  # micrograd keeps _prev = {q}
    y.backward()
    assert shape(y) == [("", "", [], -3.0, -6.0), ("*", "", [0, 0], 9.0, 1.0)]


def test_micrograd_ops_map_onto_chainrules_table_without_eval() -> None:
    assert op_of("**2", 1)[0] == "^" and op_of("**2", 1)[1][0].value == 2.0  # type: ignore[attr-defined]
    assert op_of("ReLU", 1) == ("relu", [])
    assert op_of("__rtruediv__", 2) == ("/", [])
    assert op_of("-", 1) == ("neg", [])
    assert op_of("**__import__('os')", 1) == ("**__import__('os')", [])  # text, kept as is
    assert op_of("anything", 0) == ("", [])  # no operands: a leaf


def build_micrograd() -> Micro:
    a, b, c = Micro(2.0), Micro(2.0), Micro(-1.0)
    out = (a * b + b * c + a * c).relu() + (a + b + c) ** 3
    out.backward()
    return out


@pytest.mark.slow  # seconds of work: the full suite runs it, not ./dev check
def test_ids_and_drawing_do_not_depend_on_where_objects_live_in_memory() -> None:
    dots = set()
    keep = []
    for i in range(12):
        keep.append([object() for _ in range(i * 7)])  # shift the addresses of the next graph
        dots.add(chainrule.draw(build_micrograd(), names={}).dot())
        gc.collect()
    assert len(dots) == 1


def test_a_deep_graph_is_walked_without_recursion() -> None:
    x = Tiny(0.5)
    y = x
    for _ in range(3 * sys.getrecursionlimit()):
        y = y - Tiny(0.001)
    y.backward()
    walked = walk(y, {})
    assert len(walked.nodes) == 1 + 2 * 3 * sys.getrecursionlimit()
    assert walked.nodes[0].grad == 1.0 and walked.engine == "micrograd-style"


def test_the_walk_is_bounded_by_the_node_budget() -> None:
    y = Tiny(0.0)
    for _ in range(5000):
        y = y - Tiny(1.0)
    with pytest.raises(BudgetExceeded, match="nodes budget"):
        walk(y, {}, Budget(BudgetLimits(nodes=2000)))


def test_names_come_from_the_given_mapping_or_the_callers_variables() -> None:
    x = Ordered(2.0)
    total = x * x + Ordered(1.0)
    backprop(total)
    assert "total" in chainrule.draw(total).text() and "x:" in chainrule.draw(total).text()
    named = chainrule.draw(total, names={"w": x}).text()
    assert "w:" in named and "total" not in named


def test_what_is_not_a_node_is_refused_clearly() -> None:
    with pytest.raises(NotANode, match="cannot draw a int"):
        chainrule.draw(3)
    with pytest.raises(NotANode, match=r"Recursive\.grad is not a number"):
        x = Recursive(1.0)
        x.grad = "lots"  # type: ignore[assignment]
        chainrule.draw(x)


def test_a_cycle_is_refused() -> None:
    a = Tiny(1.0)
    b = Tiny(2.0, (a,), "exp")
    a._children = (b,)
    with pytest.raises(NotANode, match="cycle"):
        walk(b, {})


class Kept:
    """Closure-style, its operands kept together in one tuple the closure reads."""

    def __init__(self, val: float) -> None:
        self.val, self.grad = val, 0.0
        self.backward: object = None

    def __mul__(self, other: Kept) -> Kept:
        out = Kept(self.val * other.val)
        pair = (self, other)

        def backward() -> None:
            for node, partner in zip(pair, reversed(pair), strict=True):
                node.grad += partner.val * out.grad

        out.backward = backward
        return out


def test_operands_kept_in_one_tuple_of_the_closure_are_found() -> None:
    a, b = Kept(2.0), Kept(5.0)
    assert [(n.op, n.inputs, n.value) for n in walk(a * b, {}).nodes] == [
        ("", [], 2.0),
        ("", [], 5.0),
        ("*", [0, 1], 10.0),
    ]


def test_a_pytorch_tensor_is_told_by_its_class_and_a_learners_grad_fn_is_not() -> None:
    Tensor = type("Tensor", (), {"__module__": "torch._tensor", "data": 1.0, "grad": None})
    with pytest.raises(NotANode, match="torchviz"):
        chainrule.draw(Tensor())

    class Mine:  # a learner's class that happens to have a grad_fn: read as any other
        def __init__(self, data: float, grad_fn: object = None) -> None:
            self.data, self.grad, self.grad_fn = data, 0.0, grad_fn

    class MulBackward:
        def __init__(self, *inputs: Mine) -> None:
            self.inputs, self.op = inputs, "mul"

    a, b = Mine(2.0), Mine(5.0)
    c = Mine(10.0, MulBackward(a, b))
    assert [(n.op, n.inputs) for n in walk(c, {}).nodes] == [("", []), ("", []), ("*", [0, 1])]


@pytest.mark.slow  # seconds of work: the full suite runs it, not ./dev check
def test_the_drawing_is_the_same_in_processes_with_different_hash_seeds() -> None:
    code = (
        "import chainrule\n"
        "from tests.notebook.test_walk import build_micrograd\n"
        "print(chainrule.draw(build_micrograd(), names={}).dot())\n"
    )
    dots = {
        subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(dots) == 1


def test_operands_in_any_container_are_found_a_deque_too() -> None:
    from collections import deque

    class Queued:
        def __init__(self, data: float, inputs: tuple[Queued, ...] = (), op: str = "") -> None:
            self.data, self.grad, self.inputs, self.op = data, 0.0, deque(inputs), op

    a, b = Queued(2.0), Queued(5.0)
    c = Queued(7.0, (a, b), "add")
    assert [(n.op, n.inputs) for n in walk(c, {}).nodes] == [("", []), ("", []), ("+", [0, 1])]


def test_a_class_per_operation_names_the_op() -> None:
    class Node:
        def __init__(self, data: float, *parents: Node) -> None:
            self.data, self.grad, self.parents = data, 0.0, list(parents)

    class Mul(Node):
        pass

    class Tanh(Node):
        pass

    a, b = Node(2.0), Node(0.25)
    y = Tanh(0.46211715726000974, Mul(0.5, a, b))
    assert [n.op for n in walk(y, {}).nodes] == ["", "", "*", "tanh"]
