"""A chainrule program evaluated in a notebook: its numbers, its drawing, its backward steps."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from chainrule.budget import Budget
from chainrule.build import Built
from chainrule.build import evaluate as build_and_backward
from chainrule.engine import Value
from chainrule.graph import Graph, export_graph, fmt
from chainrule.notebook.drawing import Drawing, options
from chainrule.render.style import Level


@dataclass
class Evaluated:
    """A program run forward and backward at some values; displays as its drawing."""

    built: Built

    @property
    def value(self) -> float:
        """The output's value."""
        return self.built.output.data

    @property
    def output(self) -> Value:
        """The output node (a chainrule Value)."""
        return self.built.output

    @property
    def gradients(self) -> dict[str, float]:
        """d(output)/d(name) for every input and named node."""
        return self.built.gradients()

    @property
    def warnings(self) -> list[str]:
        """What the program does that is likely a mistake (unused lines, misspellings)."""
        return list(self.built.warnings)

    def graph(self, expand: bool = False) -> Graph:
        """Return the graph as plain nodes, edges and backward steps."""
        return export_graph(self.built, expand_calls=expand)

    def draw(
        self,
        rankdir: Literal["LR", "TB"] = "LR",
        level: Level | None = None,
        expand: bool = False,
        timeout: float | None = None,
        **more: Any,
    ) -> Drawing:
        """Return the drawing (rankdir LR|TB, level lines|ops|auto, local_grads, precision,
        timeout in seconds); the program's warnings are in its banner."""
        opts, notes = options(rankdir, level, expand_calls=expand, **more)
        notes = [*notes, *(f"warning: {w}" for w in self.warnings)]
        return Drawing(self.graph(expand), self.text(), opts, notes=notes, timeout=timeout)

    def text(self) -> str:
        """Return `e = 6; ∂e/∂a = 2, ∂e/∂b = 5` (the output and its gradients)."""
        out = self.built.output_name
        grads = ", ".join(f"∂{out}/∂{k} = {fmt(v.grad)}" for k, v in self.built.inputs.items())
        return f"{out} = {fmt(self.value)}" + (f"; {grads}" if grads else "")

    def steps(self) -> list[str]:
        """Return the backward pass, one line per node: its grad, then what each input gets."""
        graph = self.graph()
        names = {n.id: n.name or n.id for n in graph.nodes}
        constants = {n.id for n in graph.nodes if n.is_constant}
        lines = []
        for k, step in enumerate(graph.steps, 1):
            parts = [
                f"grad {names[c.target]} += {fmt(c.local_grad)} × {fmt(step.grad)} = "
                f"{fmt(c.product)}"
                for c in step.contributions
                if c.target not in constants
            ]
            lines.append(f"{k}. grad {names[step.node]} = {fmt(step.grad)}: " + "; ".join(parts))
        return lines

    def save(self, path: str | Path) -> Path:
        """Write the drawing to path: .svg, .png, .pdf or .dot (by its suffix)."""
        return self.draw().save(path)

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict[str, str]:
        """The drawing, and the output with its gradients as text."""
        return self.draw()._repr_mimebundle_()

    def __repr__(self) -> str:
        return self.text()


def evaluate(program: str, /, **values: float) -> Evaluated:
    """Parse and run program at values (forward and backward): `evaluate("a*b", a=2, b=3)`."""
    return Evaluated(build_and_backward(program, values, budget=Budget()))
