"""A row of the op table is all an operation needs: the engine, the language, the tape,
constant folding, the picture and the step text pick it up (CONTRIBUTING: "How to add an
operation")."""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np
import pytest

from app.steptext import step_texts
from chainrule.build import build, evaluate
from chainrule.engine import Value, apply
from chainrule.graph import export_graph
from chainrule.lang import ParseError, parse
from chainrule.ops import CALLS, OPS, Op, Slope
from chainrule.train.compiler import compile_tape
from tests.support.budget import default_budget


def _softplus(x: float) -> tuple[float, float]:
    if x > 0.0:  # log(1 + e^x) without overflow
        return x + math.log1p(math.exp(-x)), 1.0 / (1.0 + math.exp(-x))
    return math.log1p(math.exp(x)), math.exp(x) / (1.0 + math.exp(x))


SOFTPLUS = Op(
    "softplus",
    1,
    "softplus",
    call="softplus",
    scalar=_softplus,
    array=lambda np, a: np.logaddexp(0.0, a),
    slopes=(Slope(lambda np, a: 1.0 / (1.0 + np.exp(-a)), ("a",)),),
    example=(0.3,),
    slope_text=lambda k, texts, terms: f"sigmoid({texts[0]})",
)


@pytest.fixture
def softplus(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The table with one more row, as a contributor would add it to chainrule/ops.py."""
    monkeypatch.setitem(OPS, "softplus", SOFTPLUS)
    monkeypatch.setitem(CALLS, "softplus", SOFTPLUS)
    yield


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


@pytest.mark.usefixtures("softplus")
def test_the_engine_applies_a_new_row() -> None:
    x = Value(0.3)
    y = apply("softplus", x)
    y.backward()
    assert (y.op, y.data, x.grad) == ("softplus", math.log1p(math.exp(0.3)), sigmoid(0.3))


@pytest.mark.usefixtures("softplus")
def test_the_language_calls_a_new_row_and_the_builder_differentiates_it() -> None:
    built = evaluate("y = softplus(2*x)", {"x": 0.5}, budget=default_budget())
    assert built.output.data == pytest.approx(math.log1p(math.e))
    assert built.inputs["x"].grad == pytest.approx(2 * sigmoid(1.0))
    with pytest.raises(ParseError, match="softplus"):
        parse("softplus(x, x)")  # its arity is the row's


@pytest.mark.usefixtures("softplus")
def test_the_tape_runs_a_new_row_as_the_engine_does() -> None:
    program = parse("softplus(w * x)")
    tape = compile_tape(build(program, {"w": 1.0, "x": 1.0}, budget=default_budget()), params=["w"])
    xs = np.array([-2.0, 0.5, 3.0])
    bound = tape.bind({"x": xs}, budget=default_budget())
    out = bound.forward({"w": 0.7})
    grad = float(bound.gradients(np.ones(3))["w"])
    want = [evaluate(program, {"w": 0.7, "x": float(x)}, budget=default_budget()) for x in xs]
    assert out == pytest.approx([b.output.data for b in want], rel=1e-12)
    assert grad == pytest.approx(sum(b.inputs["w"].grad for b in want), rel=1e-12)


@pytest.mark.usefixtures("softplus")
def test_constant_folding_computes_a_new_row_with_its_forward() -> None:
    parse("x^softplus(3)")  # about 3.05: within the exponent limit
    with pytest.raises(ParseError, match="constant exponent 2000 exceeds the limit"):
        parse("x^softplus(2000)")  # folded with the row's forward: softplus(2000) = 2000


def test_without_the_row_the_name_is_unknown() -> None:
    with pytest.raises(ParseError, match="unknown function 'softplus'"):
        parse("softplus(x)")


@pytest.mark.usefixtures("softplus")
def test_the_picture_and_the_step_text_write_a_new_row() -> None:
    graph = export_graph(evaluate("y = softplus(2*x)", {"x": 0.5}, budget=default_budget()))
    (node,) = [n for n in graph.nodes if n.op == "softplus"]
    assert node.label == "softplus"  # the row's symbol, on its op node
    (step,) = [s for s in step_texts(graph) if s["node"] == node.id]
    # the row's slope text, with the operand's own text, and its number
    assert step["text"][1].startswith("∂y/∂prod1 = sigmoid(prod1) = 0.7311;")  # 2*x: prod1


def test_the_grammar_s_precedence_is_the_table_s() -> None:
    # the parser and the step text both read it: * binds tighter than -, ^ is right-assoc
    graph = export_graph(evaluate("y = 2^3^2 - a*b", {"a": 1.0, "b": 2.0}, budget=default_budget()))
    assert graph.nodes[-1].value == 2**9 - 2
    (minus,) = [n for n in graph.nodes if n.op == "-"]
    assert OPS["*"].precedence > OPS["-"].precedence and OPS["^"].right_assoc
    assert minus.value == 510.0
