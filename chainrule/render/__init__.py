"""Render: Graph to DOT text to SVG/PNG through graphviz (the only module that knows it)."""

from chainrule.graph import fmt
from chainrule.render.dot import to_dot
from chainrule.render.drawing_gate import DotGate, default_gate
from chainrule.render.errors import GraphTooLarge, RenderBusy, RenderError, RenderTimeout
from chainrule.render.renderer import Renderer, graphviz_version
from chainrule.render.size import Dot, check_drawable, drawn_count
from chainrule.render.style import DotOptions
from chainrule.work_gate import usable_cpus

__all__ = [
    "Dot",
    "DotGate",
    "DotOptions",
    "GraphTooLarge",
    "RenderBusy",
    "RenderError",
    "RenderTimeout",
    "Renderer",
    "check_drawable",
    "default_gate",
    "drawn_count",
    "fmt",
    "graphviz_version",
    "to_dot",
    "usable_cpus",
]
