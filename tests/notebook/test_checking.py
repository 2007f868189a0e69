"""chainrule.check rebuilds a learner's graph in chainrule's engine and reports every node
whose value or gradient disagrees, with the learner's number and the true one."""

from __future__ import annotations

import math

import pytest
from micrograd.engine import Value as Micro

import chainrule
from tests.notebook.engines import Ordered, Recursive, Tiny, backprop


def seeds_bug(x0: float) -> tuple[Recursive, Recursive]:
    x = Recursive(x0)
    m = x + Recursive(1.0)
    y = m * m
    y.grad = 1.0
    y.backward()
    return x, y


@pytest.mark.parametrize("x0", [3.0, -0.5, 10.0])
def test_the_double_counting_engine_is_caught_at_the_nodes_below_the_shared_one(
    x0: float,
) -> None:
    x, y = seeds_bug(x0)
    truth = 2 * (x0 + 1)
    assert x.grad == pytest.approx(2 * truth)  # the bug: twice the truth
    result = chainrule.check(y, names={"x": x, "y": y})
    assert not result.ok
    wrong = {m.description: m for m in result.mismatches}
    assert set(wrong) == {"x (input)", "n1 (input 1)"}  # x and the 1: m and y are right
    assert wrong["x (input)"].grad == pytest.approx(2 * truth)
    assert wrong["x (input)"].expected == pytest.approx(truth)
    assert wrong["x (input)"].wrong == ("grad",)
    assert f"x (input): grad {chainrule.Value(2 * truth).data:g}" in result.text()


def test_a_correct_closure_engine_passes() -> None:
    x = Ordered(3.0)
    y = (x * x + Ordered(1.0)).exp() * x
    backprop(y)
    result = chainrule.check(y)
    assert result.ok and result.mismatches == [] and result.checked == 6
    assert "check passed: all 6 nodes agree" in result.text()
    assert "rtol=1e-06, atol=1e-09" in result.text()  # the tolerances are stated


def test_micrograd_passes_on_a_neuron_and_on_every_op_it_has() -> None:
    x1, x2, w1, w2, b = Micro(2.0), Micro(0.0), Micro(-3.0), Micro(1.0), Micro(6.88)
    n = x1 * w1 + x2 * w2 + b
    out = n.relu() * (n**2) + (-n) - n / Micro(4.0) + 3 * n
    out.backward()
    result = chainrule.check(out)
    assert result.ok, result.text()
    assert result.engine == "micrograd-style"


def test_a_micrograd_style_engine_with_ordered_operands_passes() -> None:
    a, b = Tiny(3.0), Tiny(4.0)
    z = ((a - b) / b).sigmoid()
    z.backward()
    assert chainrule.check(z).ok


def test_a_wrong_forward_value_is_reported_as_a_value_mismatch() -> None:
    a, b = Tiny(3.0), Tiny(4.0)
    d = a - b
    z = d / b
    z.backward()
    d.data = 1.0  # as if the engine's subtraction were wrong
    result = chainrule.check(z, names={"a": a, "b": b, "d": d})
    (m,) = [m for m in result.mismatches if m.description.startswith("d =")]
    assert m.description == "d = a − b"
    assert m.wrong == ("value",) and m.value == 1.0 and m.expected_value == -1.0
    assert "value 1, expected -1" in str(m)
    assert result.reasons[0] == (
        "the forward value of d = a − b is 1, but its operands give -1: look at its op's forward"
    )


def test_an_operation_chainrule_does_not_have_is_refused_by_name() -> None:
    w = Recursive(0.5)
    s = (w * w).softplus()
    s.grad = 1.0
    s.backward()
    with pytest.raises(chainrule.CannotCheck, match="cannot check op 'softplus'"):
        chainrule.check(s)


def test_no_backward_yet_is_said_first_and_alone() -> None:
    x = Ordered(2.0)
    y = x * x + Ordered(1.0)
    result = chainrule.check(y)
    assert not result.ok and result.no_backward
    assert (
        result.text()
        == "check failed: backward() was never called (every gradient of 4 nodes is 0)"
    )
    assert result.reasons == [
        "backward() was never called: every gradient is 0 (call backward() on the output)"
    ]
    assert result.drawing is not None and result.drawing.marks == []  # no node is blamed


def test_a_tolerance_can_be_given_and_is_stated() -> None:
    x = Ordered(2.0)
    y = x * x
    backprop(y)
    x.grad += 1e-4
    assert not chainrule.check(y).ok
    loose = chainrule.check(y, rtol=1e-3)
    assert loose.ok and "rtol=0.001" in loose.text()


def test_a_domain_error_in_the_rebuild_is_a_clear_refusal() -> None:
    a = Tiny(-1.0)
    out = Tiny(math.nan, (a,), "log")
    with pytest.raises(chainrule.CannotCheck, match=r"log\(-1.0\)"):
        chainrule.check(out)


def test_a_deep_chain_is_checked_without_recursion() -> None:
    y = Tiny(0.5)
    for _ in range(5000):
        y = y - Tiny(0.001)
    y.backward()
    assert chainrule.check(y).ok


REGISTRY: dict[int, object] = {}


class Hidden:
    """An engine keeping its operands where no structure shows them (ids in a registry)."""

    def __init__(self, data: float, ids: tuple[int, ...] = (), kind: str = "") -> None:
        self.data, self.grad, self.ids, self.kind = data, 0.0, ids, kind
        REGISTRY[id(self)] = self

    def __mul__(self, other: Hidden) -> Hidden:
        return Hidden(self.data * other.data, (id(self), id(other)), "times")


def hidden_product() -> tuple[Hidden, Hidden, Hidden]:
    a, b = Hidden(2.0), Hidden(2.0)
    y = a * b
    y.grad, a.grad, b.grad = 1.0, 2.0, 2.0
    return a, b, y


def test_a_graph_whose_operands_cannot_be_found_is_refused_never_passed() -> None:
    a, _, y = hidden_product()
    a.grad = 999.0  # wrong: a checker that read y as a leaf would still say "passed"
    with pytest.raises(chainrule.CannotCheck) as refused:
        chainrule.check(y)
    said = str(refused.value)
    assert "no operands found under the root" in said and "looked at: ids" in said
    assert "check(root, operands='<attribute>', op='<attribute>')" in said  # how to tell it


def test_told_where_the_operands_and_op_are_check_reads_them() -> None:
    a, b, y = hidden_product()

    def operands(n: Hidden) -> list[object]:
        return [REGISTRY[i] for i in n.ids]

    assert chainrule.check(y, operands=operands, op="kind").ok
    a.grad = 999.0
    result = chainrule.check(y, operands=operands, op="kind", names={"a": a, "b": b})
    assert [m.description for m in result.mismatches] == ["a (input)"]


def test_an_op_the_numbers_cannot_tell_apart_is_refused_until_named() -> None:
    a, b = Hidden(2.0), Hidden(2.0)
    y = Hidden(4.0, (id(a), id(b)))  # 2 ? 2 = 4: + or ×, and the engine names neither
    y.grad = 1.0
    a.grad = b.grad = 2.0

    def operands(n: Hidden) -> list[object]:
        return [REGISTRY[i] for i in n.ids]

    with pytest.raises(
        chainrule.CannotCheck, match=r"its op is not named and \+, \* and \^ give its value"
    ):
        chainrule.check(y, operands=operands)
    assert chainrule.check(y, operands=operands, op=lambda n: "*" if n.ids else "").ok


class Pair:
    """micrograd's shape with `_prev` holding (node, local_grad) pairs (once a crash)."""

    def __init__(self, data: float, prev: tuple[tuple[Pair, float], ...] = (), op: str = ""):
        self.data, self.grad, self._prev, self._op = data, 0.0, prev, op

    def __mul__(self, other: Pair) -> Pair:
        return Pair(self.data * other.data, ((self, other.data), (other, self.data)), "*")

    def backward(self) -> None:
        self.grad = 1.0
        for node, local in self._prev:
            node.grad += local * self.grad


def test_prev_holding_node_local_pairs_is_read_and_a_wrong_grad_is_caught() -> None:
    a, b = Pair(3.0), Pair(4.0)
    y = a * b
    y.backward()
    assert chainrule.check(y).ok
    a.grad = 999.0
    result = chainrule.check(y, names={"a": a})
    assert [m.description for m in result.mismatches] == ["a (input)"]
    assert result.entries == ["n2 = a × n1"]  # y's grad is right, its operand's is wrong


def test_plain_numbers_in_closures_are_constants_so_1_minus_x_and_xw_plus_half_pass() -> None:
    from chainrule.notebook.walk import walk
    from tests.notebook.closures import Numbers

    x, w = Numbers(3.0), Numbers(-2.0)
    y = 1 - x  # __rsub__: the closure keeps only x
    z = (x * w + 0.5) * 2  # + 0.5 kept by nobody, * 2 kept by the closure
    for out, shape in (
        (y, [("const", 1.0), ("", 3.0), ("-", -2.0)]),
        (z, [("", 3.0), ("", -2.0), ("*", -6.0), ("const", 0.5), ("+", -5.5)]),
    ):
        out.run()
        assert [(n.op, n.value) for n in walk(out, {}).nodes][: len(shape)] == shape
        result = chainrule.check(out)
        assert result.ok, result.text()
        x.grad = w.grad = 0.0
    x.run = None  # type: ignore[assignment,method-assign]


def test_a_consistent_wrong_local_derivative_is_named_with_its_factor() -> None:
    from tests.notebook.styles import Kids

    class Doubled(Kids):
        def shares(self, kind: str, operands: tuple[object, ...]) -> tuple[float, ...]:
            out = super().shares(kind, operands)
            return (2 * out[0],) if kind == "tanh" else out  # tanh passes 2 × its share

    a, b = Doubled(0.3), Doubled(-0.2)
    y = a.tanh() * b.tanh()
    y.run()
    result = chainrule.check(y, names={"a": a, "b": b})
    assert {m.description for m in result.mismatches} == {"a (input)", "b (input)"}
    assert result.reasons == [
        "wrong local derivative of tanh: it passes 2 × the right amount at all 2 uses"
    ]


def test_unknown_options_are_refused_with_the_list_of_options() -> None:
    x = Ordered(2.0)
    y = x * x
    backprop(y)
    for call in (chainrule.check, chainrule.draw):
        with pytest.raises(TypeError, match=r"unknown option 'colour'; the options are: .*rankdir"):
            call(y, colour="red")


def test_timeout_bounds_the_check_and_must_be_positive() -> None:
    from chainrule.budget import BudgetExceeded

    y = Tiny(0.5)
    for _ in range(5000):
        y = y - Tiny(0.001)
    y.backward()
    with pytest.raises(BudgetExceeded, match="wall_seconds"):
        chainrule.check(y, timeout=1e-6)
    with pytest.raises(ValueError, match="timeout must be a positive number"):
        chainrule.draw(y, timeout=0)


def test_draw_shows_a_graph_it_could_not_read_whole_and_says_so() -> None:
    a, b = Hidden(2.0), Hidden(2.0)
    y = Hidden(4.0, (id(a), id(b)))

    def operands(n: Hidden) -> list[object]:
        return [REGISTRY[i] for i in n.ids]

    drawing = chainrule.draw(y, operands=operands)
    assert len(drawing.graph.nodes) == 3
    assert (
        "not read whole: n2: its op is not named and +, * and ^ give its value" in drawing.lines()
    )


def test_an_operand_missing_from_the_list_but_used_by_the_closure_is_refused() -> None:
    class Partial:
        def __init__(self, data: float, prev: tuple[Partial, ...] = ()) -> None:
            self.data, self.grad, self._prev, self._op = data, 0.0, prev, ""
            self._backward: object = None

        def __mul__(self, other: Partial) -> Partial:
            out = Partial(self.data * other.data, (self,))  # forgets `other`

            def _backward() -> None:
                self.grad += other.data * out.grad
                other.grad += self.data * out.grad

            out._backward, out._op = _backward, "*"
            return out

    a, b = Partial(3.0), Partial(4.0)
    y = a * b
    y.grad, a.grad, b.grad = 1.0, 4.0, 999.0  # b is wrong, and not listed among y's operands
    with pytest.raises(chainrule.CannotCheck, match="its backward uses a node its operands"):
        chainrule.check(y)
