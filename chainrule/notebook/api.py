"""The notebook's functions: draw any graph, check a learner's engine (`import chainrule`).

Both read a learner's engine by its structure (chainrule/notebook/reader.py); where the
structure does not tell, say where to look with `operands=`, `op=` and `value=` (attribute
names or functions of a node). `params={"w": w}` names nodes (as torchviz's make_dot does);
`timeout=` bounds the seconds a call may take; an unknown option is refused by name.
"""

from __future__ import annotations

import gc
import inspect
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from typing import Any, Literal

from chainrule.budget import Budget
from chainrule.build import Built
from chainrule.engine import Value
from chainrule.graph import fmt
from chainrule.notebook import checking
from chainrule.notebook.collapse import plan
from chainrule.notebook.drawing import Drawing, budget_for, graph_of, options, unknown_options
from chainrule.notebook.marks import marks
from chainrule.notebook.program import Evaluated
from chainrule.notebook.reader import Getter, Reader
from chainrule.notebook.walk import Walked, walk
from chainrule.render.lines_level import drawn_boxes
from chainrule.render.style import Level

READER_OPTIONS = ("operands", "op", "value", "params", "names", "budget")


def caller_names(depth: int = 2) -> dict[str, object]:
    """Return the variables of the frame `depth` calls up (a notebook's own names)."""
    frame = inspect.currentframe()
    for _ in range(depth):
        frame = frame.f_back if frame is not None else None
    if frame is None:
        return {}
    return {**frame.f_globals, **frame.f_locals}


@contextmanager
def _no_collector() -> Iterator[None]:
    """Pause the cyclic garbage collector while a graph is read: a learner's graph is made of
    closures over their own nodes (cycles), and each collection would scan all of it again."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _walk(
    root: object, names: Mapping[str, object], budget: Budget, more: dict[str, Any]
) -> Walked:
    reader = Reader(more.pop("operands", None), more.pop("op", None), more.pop("value", None))
    return walk(root, names, budget, reader, more.pop("params", None))


def _picture(walked: Walked, title: str, more: dict[str, Any]) -> Drawing:
    """Return the drawing of a walked graph: op by op, or collapsed when that does not fit."""
    timeout = more.pop("timeout", None)
    rankdir, level = more.pop("rankdir", "LR"), more.pop("level", None)
    opts, notes = options(rankdir, level, **more)
    graph, opts, note = plan(graph_of(walked), opts, level is not None)
    unread = [f"not read whole: n{i}: {why}" for i, why in walked.doubts[:3]]
    notes = [*notes, *([note] if note else []), *unread]
    return Drawing(graph, title, opts, notes=notes, timeout=timeout)


def draw(
    root: object,
    names: Mapping[str, object] | None = None,
    rankdir: Literal["LR", "TB"] = "LR",
    level: Level | None = None,
    budget: Budget | None = None,
    **more: Any,
) -> Drawing:
    """Return the drawing of root: a chainrule Value, an evaluated program, or a node of a
    learner's own engine, with that engine's numbers.

    Nodes are named by `params` (name -> node), else their own `label`/`name`, else `names`
    (by default the caller's variables). Options: rankdir, level (ops | lines | auto),
    precision, local_grads, constants, compact, legend, timeout (seconds); operands, op,
    value say where a learner's engine keeps them (see check).
    """
    unknown_options(more, READER_OPTIONS)
    if isinstance(root, Evaluated | Built):
        run = root if isinstance(root, Evaluated) else Evaluated(root)
        return run.draw(rankdir, level, **more)
    budget = budget or budget_for(more.get("timeout"))
    with _no_collector():
        walked = _walk(root, caller_names() if names is None else names, budget, more)
    out = walked.nodes[-1]
    title = (
        f"{walked.engine} graph of {len(walked.nodes)} nodes: "
        f"{out.name or 'output'} = {fmt(out.value)} (grad {fmt(out.grad)})"
    )
    return _picture(walked, title, {"rankdir": rankdir, "level": level, **more})


def check(
    root: object,
    rtol: float = checking.RTOL,
    atol: float = checking.ATOL,
    names: Mapping[str, object] | None = None,
    budget: Budget | None = None,
    *,
    operands: Getter = None,
    op: Getter = None,
    value: Getter = None,
    timeout: float | None = None,
    **more: Any,
) -> checking.CheckResult:
    """Rebuild root's graph in chainrule's engine and compare every value and gradient.

    Returns a CheckResult: `.ok`, `.mismatches` (each with the learner's `.grad`, the true
    `.expected` and a description), `.reasons` (why, where it can tell), `.entries` (where
    the errors enter); it displays as the drawing with the wrong nodes marked and the
    verdict in a banner. Never passes a graph it could not read whole: raises CannotCheck,
    naming what it looked at. When your engine keeps operands or ops where check does not
    look, say where: `operands="parents"` (an attribute of each node holding its operands,
    or `(node, local_grad)` pairs) or a function `operands=lambda n: n.parents`; `op="kind"`
    or `op=lambda n: n.kind` (a name such as "+", "mul", "tanh", "**2"); `value="x"` likewise.
    `timeout` bounds the seconds (reading, checking and drawing); drawing options as draw's.
    """
    unknown_options(more, READER_OPTIONS)
    if isinstance(root, Evaluated):  # a program's output: chainrule's own Values
        root = root.output
    budget = budget or budget_for(timeout)
    told = {"operands": operands, "op": op, "value": value, **more}
    with _no_collector():
        walked = _walk(root, caller_names() if names is None else names, budget, told)
        result = checking.check_walked(walked, rtol, atol, budget)
        title = f"check of a {walked.engine} graph of {len(walked.nodes)} nodes"
        drawing = _picture(walked, title, {"timeout": timeout, **told})
    owner = drawn_boxes(drawing.graph, drawing.opts) if drawing.opts.level == "lines" else None
    found = [] if result.no_backward else result.mismatches
    tone = "pass" if result.ok else "fail"
    banner = [result.verdict(), *result.details()]
    result.drawing = replace(
        drawing, marks=marks(drawing.graph, found, owner), banner=banner, tone=tone
    )
    return result


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
