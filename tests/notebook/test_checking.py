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


def test_an_operation_chainrule_does_not_have_is_refused_by_name() -> None:
    w = Recursive(0.5)
    s = (w * w).softplus()
    s.grad = 1.0
    s.backward()
    with pytest.raises(chainrule.CannotCheck, match="cannot check op 'softplus'"):
        chainrule.check(s)


def test_no_backward_yet_is_said_in_a_note() -> None:
    x = Ordered(2.0)
    y = x * x
    result = chainrule.check(y)
    assert not result.ok
    assert "every gradient is 0: was backward() called" in result.text()


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
