"""The table of learner engine styles (tests/notebook/styles.py, closures.py): chainrule.check
passes each correct engine, and with each planted bug it marks exactly the nodes whose
gradient is wrong, names where the error enters, and says why where the numbers tell."""

from __future__ import annotations

import math
from typing import Any

import pytest

import chainrule
from tests.notebook.closures import Closure, Numbers, Seeds
from tests.notebook.styles import Ctx, Dicts, GradFn, Kids, Micro, Pairs, Slots

STYLES: dict[str, type[Any]] = {
    "micrograd: _prev set, _op, _backward": Micro,
    "(node, local) pairs in parents, op word": Pairs,
    "tinygrad: _ctx object's parents, op its class": Ctx,
    "children list, op word, number in value": Kids,
    "operands in a dict, op not named": Dicts,
    "__slots__ only, op not named": Slots,
    "a learner's grad_fn object (not PyTorch)": GradFn,
    "closure over operands, number in value": Closure,
    "the seeds' Scalar: val, backward closure": Seeds,
    "closures taking plain numbers": Numbers,
}
WHY: dict[
    str, str | tuple[str, ...]
] = {  # what check says for each planted bug (x's shares differ, so each is told apart)
    "local": (  # said from the numbers, or read from the engine's own (node, local) pairs
        "wrong local derivative of operand 2 of −: it passes -1 × the right amount",
        "wrong local derivative of operand 2 of −: your (node, local) pairs hold 1 where it",
    ),
    "assign": "`=` instead of `+=`? m = p + b is used 3 times but its grad",
    "twice": (  # all of m's gradient passed down again, or (micrograd's set) a part of it
        "m = p + b is used twice by one op (s = m × m) and its backward ran",
        "the backward of m = p + b ran more than once: once early, when only 1 of its 3",
    ),
}
NAMES = ("x", "w", "b", "c", "p", "m", "s", "t", "q", "r", "y")


def program(leaf: Any) -> tuple[Any, dict[str, Any]]:
    """y = tanh((m*m - c) * m - x), m = x*w + b: a node used twice by one op and by another
    (m), a leaf used by two ops (x), a subtraction whose operand is used once (c)."""
    x, w, b, c = leaf(2.0), leaf(-0.5), leaf(0.3), leaf(0.5)
    p = x * w
    m = p + b
    s = m * m
    t = s - c
    q = t * m
    r = q - x
    y = r.tanh()
    return y, dict(zip(NAMES, (x, w, b, c, p, m, s, t, q, r, y), strict=True))


def truth() -> tuple[dict[str, float], dict[str, list[str]]]:
    """The true gradients by name, and each node's operands by name (chainrule's engine)."""
    y, nodes = program(chainrule.Value)
    y.backward()
    name = {id(v): k for k, v in nodes.items()}
    operands = {k: [name[id(o)] for o in v.inputs] for k, v in nodes.items()}
    return {k: v.grad for k, v in nodes.items()}, operands


def built(style: type[Any], bug: str) -> tuple[Any, dict[str, Any]]:
    engine = type(f"{style.__name__}_{bug or 'ok'}", (style,), {"bug": bug, "__slots__": ()})
    y, nodes = program(engine)
    y.run()
    return y, nodes


def first_word(text: str) -> str:
    return text.split()[0]


@pytest.mark.parametrize("style", STYLES.values(), ids=list(STYLES))
def test_each_correct_engine_passes(style: type[Any]) -> None:
    y, nodes = built(style, "")
    want, _ = truth()
    assert all(math.isclose(nodes[k].grad, want[k]) for k in NAMES)  # the engine is right
    result = chainrule.check(y, names=nodes)
    assert result.ok, result.text()
    assert result.checked == len(NAMES) and result.mismatches == []


@pytest.mark.parametrize("bug", ["local", "assign", "twice"])
@pytest.mark.parametrize("style", STYLES.values(), ids=list(STYLES))
def test_each_planted_bug_is_marked_where_it_is_and_nowhere_else(
    style: type[Any], bug: str
) -> None:
    y, nodes = built(style, bug)
    want, operands = truth()
    wrong = {k for k in NAMES if not math.isclose(nodes[k].grad, want[k], rel_tol=1e-9)}
    assert wrong  # the planted bug changes some gradient
    result = chainrule.check(y, names=nodes)
    assert not result.ok
    marked = {first_word(m.description) for m in result.mismatches}
    assert marked == wrong
    assert all(m.wrong == ("grad",) for m in result.mismatches)  # values are all right
    enters = {k for k in NAMES if k not in wrong and set(operands[k]) & wrong}
    assert {first_word(e) for e in result.entries} == enters
    assert all(f"look at: {e}" in result.text() for e in result.entries)

    assert any(r.startswith(WHY[bug]) for r in result.reasons), result.reasons
    assert len(result.reasons) == 1, result.reasons  # one cause, one reason
