"""A drawing for a notebook: shown inline (SVG and a text summary) and saved to a file.

Drawn by the project's renderer (chainrule.render: real `dot`, the drawing budget, the layout
cache). When `dot` is missing, the text says how to install it and the display falls back
to the summary; nothing else is affected.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Literal

from chainrule.budget import Budget, BudgetLimits
from chainrule.graph import OP_LABELS, Graph, GraphEdge, GraphNode, fmt
from chainrule.notebook.banner import html_face, svg_with_banner
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


TIMEOUT = 10.0  # seconds a notebook drawing may take by default (timeout= changes it)
_INTERNAL = frozenset({"view", "max_edge_span"})  # DotOptions the notebook does not offer
OPTIONS = tuple(
    sorted({"rankdir", "level", "timeout", *(f.name for f in fields(DotOptions))} - _INTERNAL)
)


def unknown_options(more: dict[str, Any], also: Sequence[str] = ()) -> None:
    """Raise TypeError naming an unknown keyword option and listing the known ones."""
    known = {*OPTIONS, *also}
    bad = sorted(k for k in more if k not in known or k in _INTERNAL)
    if bad:
        raise TypeError(
            f"unknown option{'s' if len(bad) > 1 else ''} {', '.join(map(repr, bad))}; "
            f"the options are: {', '.join(sorted(known))}"
        )


def options(
    rankdir: Literal["LR", "TB"] = "LR",
    level: Level | None = None,
    **more: Any,
) -> tuple[DotOptions, list[str]]:
    """Return drawing options (level: lines | ops | auto, else the drawing's default;
    constants written beside their use, `b + 1` as "+ 1", as every drawing does, or left out
    with constants=False) and notes on any asked for that this drawing cannot honour (none
    today)."""
    unknown_options(more)
    opts = DotOptions(rankdir=rankdir, **more)
    if level is not None:
        opts = replace(opts, level=level)
    return opts, []


def budget_for(timeout: float | None) -> Budget:
    """Return a drawing's budget: `dot` and the wall clock limited to timeout seconds."""
    t = TIMEOUT if timeout is None else float(timeout)
    if not t > 0:
        raise ValueError(f"timeout must be a positive number of seconds, not {timeout!r}")
    return Budget(BudgetLimits(dot_seconds=t, wall_seconds=t))


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
        grad = None if n.is_constant else n.grad  # a constant has no gradient
        nodes.append(GraphNode(f"n{i}", n.name, n.op, n.value, grad, kind, label))
        local = n.local_grads or (math.nan,) * len(n.inputs)
        edges += [GraphEdge(f"n{j}", f"n{i}", g) for j, g in zip(n.inputs, local, strict=True)]
    return Graph(tuple(nodes), tuple(edges), f"n{root}", ())


def summary(graph: Graph, title: str) -> str:
    """Return the text a drawing shows where there is no picture: a line per node."""
    lines = [title]
    names = {n.id: n.name or (n.label if n.is_constant else n.id) for n in graph.nodes}
    inputs: dict[str, list[str]] = {}
    for e in graph.edges:
        if e.kind == "input":
            inputs.setdefault(e.target, []).append(names[e.source])
    for n in graph.nodes[-SUMMARY_LINES:]:
        if n.is_constant and n.id != graph.output:
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
    notes: Sequence[str] = ()  # warnings: in the banner and the text
    banner: Sequence[str] = ()  # a verdict and its reasons, above the drawing
    tone: str = "note"  # the banner's colour: "fail", "pass" or "note"
    timeout: float | None = None  # seconds `dot` may take (None: TIMEOUT)

    def lines(self) -> list[str]:
        """Return the banner's lines: the verdict and reasons, then the warnings."""
        return [*self.banner, *self.notes]

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
        budget = budget_for(self.timeout)
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
        if fmt == "svg" and isinstance(data, str):
            data = svg_with_banner(data, self.lines(), self.tone)
        if isinstance(data, bytes):
            target.write_bytes(data)
        else:
            target.write_text(data, encoding="utf-8")
        return target

    def text(self) -> str:
        """Return the text summary (what a terminal shows)."""
        return "\n".join([summary(self.graph, self.title), *self.notes])

    def bundle(self, text: str | None = None) -> dict[str, str]:
        """Return the notebook display: the HTML face (the banner over the drawing fitted to
        the cell's width), the SVG (banner inside) and a text twin (text, by default the
        summary); the banner and the text, saying why, when there is no picture."""
        words = self.text() if text is None else text
        lines = self.lines()
        try:
            svg = self.svg()
        except RenderError as exc:  # dot missing, over the drawing budget, too slow
            said = f"{words}\n({exc})"
            return {"text/html": html_face(None, lines, self.tone, said), "text/plain": said}
        return {
            "text/html": html_face(svg, lines, self.tone, alt=self.title),
            "image/svg+xml": svg_with_banner(svg, lines, self.tone),
            "text/plain": words,
        }

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict[str, str]:
        """The notebook display: the SVG drawing and a text summary (text only without dot)."""
        return self.bundle()

    def _repr_svg_(self) -> str | None:
        """The SVG alone, for tools that ask only for it (None: no picture, see the text)."""
        try:
            return svg_with_banner(self.svg(), self.lines(), self.tone)
        except RenderError:
            return None

    def __repr__(self) -> str:
        return self.text()
