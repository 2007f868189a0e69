"""The notebook's functions: draw any graph, check a learner's engine (`import chainrule`)."""

from __future__ import annotations

import inspect
import sys
from collections.abc import Mapping
from typing import Any, Literal

from chainrule.budget import Budget
from chainrule.build import Built
from chainrule.engine import Value
from chainrule.notebook import checking
from chainrule.notebook.drawing import Drawing, graph_of, options
from chainrule.notebook.program import Evaluated
from chainrule.notebook.walk import walk
from chainrule.render.style import Level


def caller_names(depth: int = 2) -> dict[str, object]:
    """Return the variables of the frame `depth` calls up (a notebook's own names)."""
    frame = inspect.currentframe()
    for _ in range(depth):
        frame = frame.f_back if frame is not None else None
    if frame is None:
        return {}
    return {**frame.f_globals, **frame.f_locals}


def draw(
    root: object,
    names: Mapping[str, object] | None = None,
    rankdir: Literal["LR", "TB"] = "LR",
    level: Level | None = None,
    budget: Budget | None = None,
    **more: Any,
) -> Drawing:
    """Return the drawing of root: a chainrule Value, an evaluated program, or a node of a
    learner's own engine (micrograd-style or closure-style), with that engine's numbers.

    Nodes are named from `names` (a mapping of name to node; by default the caller's
    variables), else their own `label`/`name`.
    """
    if isinstance(root, Evaluated):
        return root.draw(rankdir, level, **more)
    if isinstance(root, Built):
        return Evaluated(root).draw(rankdir, level, **more)
    walked = walk(root, caller_names() if names is None else names, budget)
    opts, notes = options(rankdir, level, **more)
    out = walked.nodes[-1]
    title = (
        f"{walked.engine} graph of {len(walked.nodes)} nodes: "
        f"{out.name or 'output'} = {out.value:g} (grad {out.grad:g})"
    )
    return Drawing(graph_of(walked), title, opts, notes=notes)


def check(
    root: object,
    rtol: float = checking.RTOL,
    atol: float = checking.ATOL,
    names: Mapping[str, object] | None = None,
    budget: Budget | None = None,
) -> checking.CheckResult:
    """Rebuild root's graph in chainrule's engine and compare every value and gradient.

    Returns a CheckResult: `.ok`, `.mismatches` (each with the learner's `.grad`, the true
    `.expected` and a description); it displays as the drawing with wrong nodes marked.
    Raises CannotCheck for an operation chainrule does not have.
    """
    return checking.check(root, rtol, atol, caller_names() if names is None else names, budget)


def value_bundle(value: Value, names: Mapping[str, object] | None = None) -> dict[str, str]:
    """The notebook display of a chainrule Value: its graph, nodes named by the notebook's
    variables (text: the Value's repr, then the summary)."""
    drawing = draw(value, names=names or {})
    return drawing.bundle(f"{value!r}\n{drawing.text()}")


def register_display() -> bool:
    """Show chainrule Values as drawings in the running IPython kernel (if there is one)."""
    ipython = sys.modules.get("IPython")  # a running kernel has imported it already
    if ipython is None:
        return False
    shell = ipython.get_ipython()
    if shell is None:
        return False
    formatter = shell.display_formatter.mimebundle_formatter
    formatter.for_type(Value, lambda value: value_bundle(value, shell.user_ns))
    return True
