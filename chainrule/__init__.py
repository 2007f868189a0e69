"""chainrule: the chain rule at work, in a notebook.

>>> import chainrule
>>> a, b = chainrule.Value(2.0), chainrule.Value(1.0)
>>> e = (a + b) * (b + 1)
>>> e.backward()
>>> (e.data, a.grad, b.grad)
(6.0, 2.0, 5.0)
>>> chainrule.evaluate("e = (a+b)*(b+1)", a=2, b=1).gradients["b"]
5.0

`draw(root)` draws a Value, an evaluated program or a node of your own engine
(micrograd-style or closure-style); `check(root)` recomputes that engine's values and
gradients with chainrule's and marks what disagrees; `%load_ext chainrule` adds the
`%%chainrule a=2 b=1` cell magic; `sliders(program, a=2, b=1)` (with anywidget) a slider
per input that updates the drawing in place. The code lives in `app` (this package only names it).
"""

from typing import Any

from app.engine import (  # max, min, pow: the language's names of maximum, minimum, power
    EngineError,
    Value,
    apply,
    backward,
    max,
    maximum,
    min,
    minimum,
    pow,
    power,
    topological_order,
    zero_grad,
)
from app.notebook import (
    GRAPHVIZ_MISSING,
    CannotCheck,
    CheckResult,
    Drawing,
    Evaluated,
    Mismatch,
    NotANode,
    check,
    draw,
    evaluate,
    register_display,
    sliders,
)

__all__ = [
    "GRAPHVIZ_MISSING",
    "CannotCheck",
    "CheckResult",
    "Drawing",
    "EngineError",
    "Evaluated",
    "Mismatch",
    "NotANode",
    "Value",
    "apply",
    "backward",
    "check",
    "draw",
    "evaluate",
    "load_ipython_extension",
    "max",
    "maximum",
    "min",
    "minimum",
    "pow",
    "power",
    "sliders",
    "topological_order",
    "zero_grad",
]


def load_ipython_extension(ipython: Any) -> None:
    """`%load_ext chainrule`: the `%%chainrule` cell magic and inline drawings of Values."""
    from app.notebook.magic import load

    load(ipython)


register_display()  # inside a running kernel, a Value displays as its drawing
