"""chainrule in a notebook: draw any autograd graph, check a learner's engine, a magic.

The public face is the top-level package `chainrule` (a thin facade over this one).
"""

from app.notebook.api import check, draw, register_display
from app.notebook.check import CannotCheck, CheckResult, Mismatch
from app.notebook.drawing import GRAPHVIZ_MISSING, Drawing
from app.notebook.order import NotANode
from app.notebook.program import Evaluated, evaluate
from app.notebook.widget import sliders

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
