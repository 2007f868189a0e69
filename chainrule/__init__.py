"""chainrule: the chain rule at work, in a notebook, a grader or a service.

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
per input that updates the drawing in place.

The public names are loaded on first use (PEP 562): `import chainrule` imports the standard
library only, so an autograder's `chainrule grade` starts fast and needs no dependency.
"""

from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING, Any

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
    "max",  # max, min, pow: the language's names of maximum, minimum, power
    "maximum",
    "min",
    "minimum",
    "pow",
    "power",
    "register_display",
    "sliders",
    "topological_order",
    "zero_grad",
]
# Where the public names live: the engine (standard library only) first, then the notebook
# (graphviz, loaded only when a drawing or a check is asked for).
_MODULES = ("chainrule.engine", "chainrule.notebook")

if TYPE_CHECKING:  # what a type checker and an editor see; at run time __getattr__ loads
    from chainrule.engine import (
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
    from chainrule.notebook import (
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


def __getattr__(name: str) -> Any:
    """Load a public name from its module on first use (PEP 562)."""
    if name in __all__:
        for module in _MODULES:
            found = importlib.import_module(module)
            if hasattr(found, name):
                value = getattr(found, name)
                globals()[name] = value
                return value
    raise AttributeError(f"module 'chainrule' has no attribute {name!r}")


def __dir__() -> list[str]:
    """The module's names and the public names not loaded yet."""
    return sorted({*globals(), *__all__})


def load_ipython_extension(ipython: Any) -> None:
    """`%load_ext chainrule`: the `%%chainrule` cell magic and inline drawings of Values."""
    from chainrule.notebook.magic import load

    load(ipython)


def _in_kernel() -> bool:
    """True inside a running IPython kernel (IPython already imported and active)."""
    ipython = sys.modules.get("IPython")
    get = getattr(ipython, "get_ipython", None)
    return get is not None and get() is not None


if _in_kernel():  # inside a running kernel, a Value displays as its drawing
    importlib.import_module(_MODULES[1]).register_display()
