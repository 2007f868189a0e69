"""Render: Graph to DOT text to SVG/PNG through graphviz (the only module that knows it)."""

from app.gate import usable_cpus
from app.graph import fmt
from app.render.dot import to_dot
from app.render.errors import GraphTooLarge, RenderBusy, RenderError, RenderTimeout
from app.render.gate import DotGate, default_gate
from app.render.renderer import Renderer, graphviz_version
from app.render.size import Dot, check_drawable, drawn_count
from app.render.style import DotOptions

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
