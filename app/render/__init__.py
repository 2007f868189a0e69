"""Render: Graph to DOT text to SVG/PNG through graphviz (the only module that knows it)."""

from app.render.dot import to_dot
from app.render.renderer import (
    GraphTooLarge,
    Renderer,
    RenderError,
    RenderTimeout,
    graphviz_version,
)
from app.render.style import DotOptions, fmt

__all__ = [
    "DotOptions",
    "GraphTooLarge",
    "RenderError",
    "RenderTimeout",
    "Renderer",
    "fmt",
    "graphviz_version",
    "to_dot",
]
