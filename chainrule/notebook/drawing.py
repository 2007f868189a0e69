"""A drawing for a notebook: shown inline (SVG and a text summary) and saved to a file.

Drawn by the project's renderer (chainrule.render: real `dot`, the drawing budget, the layout
cache). When `dot` is missing, the text says how to install it and the display falls back
to the summary; nothing else is affected.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from chainrule.budget import Budget
from chainrule.graph import OP_LABELS, Graph, GraphEdge, GraphNode, fmt
from chainrule.notebook.walk import Walked
from chainrule.ops import OPS
from chainrule.render import Dot, DotOptions, Renderer, RenderError, graphviz_version, to_dot
from chainrule.render.renderer import INSTALL_HINT
from chainrule.render.style import Level

GRAPHVIZ_MISSING = (
    "no drawing: graphviz's `dot` program is not installed. "
    f"To draw, {INSTALL_HINT}; with conda: conda install -c conda-forge graphviz; "
    "on macOS: brew install graphviz (pip install graphviz gives only the Python bindings)"
)
SUMMARY_LINES = 40  # the text summary lists at most this many nodes
FORMATS = {".svg": "svg", ".png": "png", ".pdf": "pdf", ".dot": "dot", ".gv": "dot"}


RENDERER = Renderer(timeout=30.0, cache_size=64, cache_bytes=16 * 1024 * 1024)


def options(
    rankdir: Literal["LR", "TB"] = "LR",
    level: Level | None = None,
    **more: Any,
) -> tuple[DotOptions, list[str]]:
    """Return drawing options (level: lines | ops | auto, else the drawing's default) and
    notes on any asked for that this drawing cannot honour (none today)."""
    opts = DotOptions(rankdir=rankdir, **more)
    if level is not None:
        opts = replace(opts, level=level)
    return opts, []


def graph_of(walked: Walked) -> Graph:
    """Return the walked graph as the renderer's Graph (ids n0, n1, ... in walk order)."""
    nodes, edges = [], []
    root = walked.root
    for i, n in enumerate(walked.nodes):
        if i == root:
            kind = "output"
        elif n.op == "const":
            kind = "constant"
        elif n.is_leaf:
            kind = "input"
        else:
            kind = "intermediate"
        label = fmt(n.value, 6) if n.op == "const" else OP_LABELS.get(n.op, n.written or n.op)
        nodes.append(GraphNode(f"n{i}", n.name, n.op, n.value, n.grad, kind, label))
        local = n.local_grads or (math.nan,) * len(n.inputs)
        edges += [GraphEdge(f"n{j}", f"n{i}", g) for j, g in zip(n.inputs, local, strict=True)]
    return Graph(tuple(nodes), tuple(edges), f"n{root}", ())


def summary(graph: Graph, title: str) -> str:
    """Return the text a drawing shows where there is no picture: a line per node."""
    lines = [title]
    names = {n.id: n.name or (n.label if n.kind == "constant" else n.id) for n in graph.nodes}
    inputs: dict[str, list[str]] = {}
    for e in graph.edges:
        if e.kind == "input":
            inputs.setdefault(e.target, []).append(names[e.source])
    for n in graph.nodes[-SUMMARY_LINES:]:
        if n.kind == "constant":
            continue
        args = inputs.get(n.id, [])
        op = OPS.get(n.op)
        if op is not None and op.infix and len(args) == 2:
            made = f" = {args[0]} {n.label} {args[1]}"
        else:
            made = f" = {n.label}({', '.join(args)})" if args else ""
        lines.append(f"  {names[n.id]}{made}: value {fmt(n.value)}, grad {fmt(n.grad)}")
    if len(graph.nodes) > SUMMARY_LINES:
        lines.insert(1, f"  ... ({len(graph.nodes) - SUMMARY_LINES} earlier nodes)")
    return "\n".join(lines)


@dataclass
class Drawing:
    """A computation graph to show: inline in a notebook, or `.save(path)`."""

    graph: Graph
    title: str
    opts: DotOptions = field(default_factory=DotOptions)
    marks: Sequence[str] = ()  # extra DOT statements drawn over the graph (check's marks)
    notes: Sequence[str] = ()

    def dot(self, budget: Budget | None = None) -> Dot:
        """Return the DOT text (the drawing budget is checked before it is built)."""
        text = to_dot(self.graph, self.opts, budget=budget or Budget())
        if not self.marks:
            return text
        body, closing = text.rstrip().rsplit("}", 1)
        marked = body + "\n".join(self.marks) + "\n}" + closing + "\n"
        return Dot(marked, text.nodes + len(self.marks))

    def render(self, fmt: str = "svg") -> str | bytes:
        """Return the drawing as SVG text, PNG or PDF bytes, or DOT text."""
        budget = Budget()
        dot = self.dot(budget)
        if fmt == "dot":
            return dot
        if graphviz_version() is None:
            raise RenderError(GRAPHVIZ_MISSING)
        if fmt == "svg":
            return RENDERER.svg(dot, None, budget)
        if fmt == "png":
            return RENDERER.png(dot, None, budget)
        if fmt == "pdf":
            return RENDERER.pdf(dot, None, budget)
        raise ValueError(f"cannot draw as {fmt!r}: choose svg, png, pdf or dot")

    def svg(self) -> str:
        """Return the drawing as SVG text."""
        out = self.render("svg")
        assert isinstance(out, str)
        return out

    def save(self, path: str | Path) -> Path:
        """Write the drawing to path: .svg, .png, .pdf or .dot (by its suffix)."""
        target = Path(path)
        fmt = FORMATS.get(target.suffix.lower())
        if fmt is None:
            raise ValueError(
                f"cannot save as {target.suffix or 'no suffix'!r}: use {sorted(FORMATS)}"
            )
        data = self.render(fmt)
        if isinstance(data, bytes):
            target.write_bytes(data)
        else:
            target.write_text(data, encoding="utf-8")
        return target

    def text(self) -> str:
        """Return the text summary (what a terminal shows)."""
        return "\n".join([summary(self.graph, self.title), *self.notes])

    def bundle(self, text: str | None = None) -> dict[str, str]:
        """Return the notebook display: the SVG and a text twin (text, by default the
        summary); only the text, saying why, when there is no picture."""
        words = self.text() if text is None else text
        try:
            svg = self.svg()
        except RenderError as exc:  # dot missing, over the drawing budget, too slow
            return {"text/plain": f"{words}\n({exc})"}
        return {"image/svg+xml": svg, "text/plain": words}

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict[str, str]:
        """The notebook display: the SVG drawing and a text summary (text only without dot)."""
        return self.bundle()

    def _repr_svg_(self) -> str | None:
        """The SVG alone, for tools that ask only for it (None: no picture, see the text)."""
        try:
            return self.svg()
        except RenderError:
            return None

    def __repr__(self) -> str:
        return self.text()
