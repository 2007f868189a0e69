"""chainrule in a notebook: draw any autograd graph, check a learner's engine, a magic.

The public face is the top-level package `chainrule` (a thin facade over this one).
"""

from chainrule.notebook.api import check, draw, register_display
from chainrule.notebook.checking import CannotCheck, CheckResult, Mismatch
from chainrule.notebook.drawing import GRAPHVIZ_MISSING, Drawing
from chainrule.notebook.order import NotANode
from chainrule.notebook.program import Evaluated, evaluate
from chainrule.notebook.widget import sliders

__all__ = [
    "GRAPHVIZ_MISSING",
    "CannotCheck",
    "CheckResult",
    "Drawing",
    "Evaluated",
    "Mismatch",
    "NotANode",
    "check",
    "draw",
    "evaluate",
    "register_display",
    "sliders",
]
