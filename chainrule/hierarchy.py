"""The program's own hierarchy: one unit per named line and per user-function call.

A unit is the node a line names (or a call's node, or the output) together with the
unnamed operations of its formula. Its arguments are inputs and other units; an input used
by this unit only is listed *inside* it, one used by several units is drawn once with an
edge to each use. For each argument the unit knows d(unit)/d(argument) (the chain rule
through its own operations), so the gradient of anything drawn outside is the sum of its
out-edges' contributions: grad(unit) × d(unit)/d(argument).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from chainrule.graph import Graph, GraphNode, json_number

MAX_SERIES = 48  # characters of a series' formula shown (one box for many lines: room)
MAX_FORMULA = 32  # characters of a formula shown in a unit, then "…" (a unit in a row of
# four, as wide as its numbers, at the first view of a 60-line program)


@dataclass(frozen=True)
class Unit:
    """One line (or call) as drawn at the lines level."""

    id: str  # the node its line names (or the call's node): its value and gradient
    name: str
    formula: str
    members: tuple[str, ...]  # its operations' node ids (the unit's own first)
    inside: tuple[str, ...]  # inputs used by this unit only, listed inside it
    local: dict[str, float]  # d(unit)/d(argument) for each argument (inside ones too)
    count: int = 1  # > 1: a series of that many lines of one shape drawn as this one box
    series: tuple[str, ...] = ()  # a series' units (their ids), in program order


@dataclass(frozen=True)
class Units:
    """The lines-level picture of a graph: units, shared inputs and the edges between."""

    units: tuple[Unit, ...]
    shared: tuple[str, ...]  # inputs drawn as nodes of their own (used by several units)
    edges: tuple[tuple[str, str, float], ...]  # (source, unit, d unit / d source)
    owner: dict[str, str]  # node id -> the unit drawn for it (inputs inside: their unit)


def is_root(node: GraphNode, output: str) -> bool:
    """True for a node that starts a unit: a named operation, a call, the output."""
    if node.group is not None or node.kind in ("input", "constant"):
        return False
    return bool(node.name) or node.kind == "call" or node.id == output


def shorten(text: str, limit: int = MAX_FORMULA) -> str:
    """Return text cut to limit characters with "…" at the end."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def build_units(graph: Graph) -> Units:
    """Group the graph's top-level nodes into units (one pass backwards over the nodes)."""
    by_id = {n.id: n for n in graph.nodes}
    inputs_of: dict[str, list[tuple[str, float]]] = {}
    for e in graph.edges:
        if e.kind == "input":
            inputs_of.setdefault(e.target, []).append((e.source, e.local_grad))
    owner: dict[str, str] = {}
    members: dict[str, list[str]] = {}
    for node in reversed(graph.nodes):  # ids are topological: users come before inputs
        if node.group is not None or node.kind in ("input", "constant"):
            continue
        if is_root(node, graph.output):
            owner[node.id] = node.id
            members[node.id] = [node.id]
        elif node.id in owner:
            members[owner[node.id]].append(node.id)
        else:
            continue  # unused (never reaches the output)
        for source, _ in inputs_of.get(node.id, []):
            src = by_id[source]
            if src.kind not in ("input", "constant") and not is_root(src, graph.output):
                owner.setdefault(source, owner[node.id])
    users: dict[str, list[str]] = {}
    locals_: dict[str, dict[str, float]] = {}
    for root, ops in members.items():
        local = _local_derivatives(ops, inputs_of, by_id)
        locals_[root] = local
        for source in local:
            if by_id[source].kind == "input":
                users.setdefault(source, []).append(root)
    shared = tuple(i for i, us in users.items() if len(us) > 1)
    inside: dict[str, list[str]] = {}
    for i, us in users.items():
        if len(us) == 1:
            inside.setdefault(us[0], []).append(i)
            owner[i] = us[0]
    for i in shared:
        owner[i] = i
    units = []
    edges = []
    for root in sorted(members, key=lambda r: int(r[1:])):
        node = by_id[root]
        name = node.name or node.label
        formula = graph.formulas.get(root) or _call_text(node, inputs_of, by_id)
        ins = tuple(sorted(inside.get(root, []), key=lambda r: int(r[1:])))
        units.append(Unit(root, name, shorten(formula), tuple(members[root]), ins, locals_[root]))
        for source, d in locals_[root].items():
            if source not in ins:
                edges.append((source, root, d))
    edges.sort(key=lambda e: (int(e[1][1:]), int(e[0][1:])))
    return Units(tuple(units), tuple(sorted(shared, key=lambda r: int(r[1:]))), tuple(edges), owner)


def _local_derivatives(
    ops: list[str],
    inputs_of: dict[str, list[tuple[str, float]]],
    by_id: dict[str, GraphNode],
) -> dict[str, float]:
    """Return d(root)/d(argument) for the arguments (inputs, other units) of a unit whose
    operations are ops (root first, users before inputs): a backward pass inside it."""
    inner = set(ops)
    adjoint = {ops[0]: 1.0}
    local: dict[str, float] = {}
    for op in ops:
        a = adjoint.get(op, 0.0)
        for source, d in inputs_of.get(op, []):
            if source in inner:
                adjoint[source] = adjoint.get(source, 0.0) + a * d
            elif by_id[source].kind != "constant":
                local[source] = local.get(source, 0.0) + a * d
    return local


def _call_text(
    node: GraphNode, inputs_of: dict[str, list[tuple[str, float]]], by_id: dict[str, GraphNode]
) -> str:
    """A call without a line of its own: its function and its arguments' names."""
    args = []
    for source, _ in inputs_of.get(node.id, []):
        src = by_id[source]
        args.append(src.name or (f"{src.value:g}" if src.kind == "constant" else "…"))
    return f"{node.label}({', '.join(args)})"


SERIES_MIN = 3  # lines of one shape in a row folded into a series
_TOKEN = re.compile(r"[A-Za-z_]\w*?\d+\b|[A-Za-z_]\w*|\S")
_INDEXED = re.compile(r"([A-Za-z_]\w*?)(\d+)")


def series_formula(names: list[str], formulas: list[str]) -> str:
    """Return the formula of a series' lines with what moves with the line written as an
    index ("tanh(w*h[i-1] + u*x[i])" for h1 = tanh(w*h0 + u*x1), h2 = ...), where the
    names end in a number; else the first line's formula."""
    first, second = (_TOKEN.findall(f) for f in formulas[:2])
    own = [_INDEXED.fullmatch(n) for n in names[:2]]
    if len(first) != len(second) or own[0] is None or own[1] is None:
        return formulas[0]
    i0, step = int(own[0][2]), int(own[1][2]) - int(own[0][2])
    out = []
    for a, b in zip(first, second, strict=True):
        ma, mb = _INDEXED.fullmatch(a), _INDEXED.fullmatch(b)
        if a == b:
            out.append(a)
        elif ma and mb and ma[1] == mb[1] and int(mb[2]) - int(ma[2]) == step and step:
            k = int(ma[2]) - i0
            out.append(f"{ma[1]}[i{'+' if k > 0 else '-'}{abs(k)}]" if k else f"{ma[1]}[i]")
        else:
            return formulas[0]
    return _spaced(formulas[0], first, out)


def _spaced(formula: str, tokens: list[str], words: list[str]) -> str:
    """The formula's own spacing, with each token replaced by its word."""
    out, at = [], 0
    for token, word in zip(tokens, words, strict=True):
        start = formula.index(token, at)
        out.append(formula[at:start] + word)
        at = start + len(token)
    return "".join(out) + formula[at:]


def shape(
    unit: Unit, graph_inputs: dict[str, list[tuple[str, float]]], by_id: dict[str, GraphNode]
) -> tuple[object, ...]:
    """Return a unit's formula up to renaming: each operation's op and label with, for each
    argument, its place among the unit's operations, a constant's value, or "arg"."""
    place = {m: k for k, m in enumerate(unit.members)}
    out: list[object] = []
    for m in unit.members:
        node = by_id[m]
        args: list[object] = []
        for source, _ in graph_inputs.get(m, []):
            src = by_id[source]
            if source in place:
                args.append(place[source])
            elif src.kind == "constant":
                args.append(src.value)
            else:
                args.append("arg")
        out.append((node.op, node.label if node.is_call else "", tuple(args)))
    return tuple(out)


def fold_series(graph: Graph, units: Units, open_: Collection[str] = ()) -> Units:
    """Return units with each run of SERIES_MIN or more consecutive lines (or calls) of one
    shape drawn as one series box (id: its last unit's; open_ holding that id draws the
    units one by one). The box's edges: one per source outside the series, whose
    local_grad is the members' contributions summed over the box's gradient (so that
    grad(box) x local is what the source gets through the series); edges out of any
    member leave the box."""
    by_id = {n.id: n for n in graph.nodes}
    inputs_of: dict[str, list[tuple[str, float]]] = {}
    for e in graph.edges:
        if e.kind == "input":
            inputs_of.setdefault(e.target, []).append((e.source, e.local_grad))
    runs: list[list[Unit]] = []
    last: tuple[object, ...] | None = None
    for unit in units.units:
        key = shape(unit, inputs_of, by_id)
        if runs and key == last:
            runs[-1].append(unit)
        else:
            runs.append([unit])
        last = key
    folded = [r for r in runs if len(r) >= SERIES_MIN and r[-1].id not in open_]
    if not folded:
        return units
    box_of = {u.id: r[-1].id for r in folded for u in r}
    owner = {k: box_of.get(v, v) for k, v in units.owner.items()}
    merged: dict[str, Unit] = {}
    for run in folded:
        head, tail = run[0], run[-1]
        members = (tail.id, *(m for u in run for m in u.members if m != tail.id))
        texts = [graph.formulas.get(u.id) or u.formula for u in run[:2]]
        formula = series_formula([u.name for u in run[:2]], texts)
        merged[tail.id] = Unit(
            tail.id,
            f"{head.name} … {tail.name}",
            f"{shorten(formula, MAX_SERIES)} ×{len(run)}",
            members,
            tuple(i for u in run for i in u.inside),
            {},
            len(run),
            tuple(u.id for u in run),
        )
    drawn_units = tuple(merged.get(u.id, u) for u in units.units if box_of.get(u.id, u.id) == u.id)
    sums: dict[tuple[str, str], float] = {}
    for source, target, d in units.edges:
        a, b = box_of.get(source, source), box_of.get(target, target)
        if a == b:
            continue
        if b in merged:  # into a series: the member's contribution, summed
            box_grad = by_id[b].grad or 0.0
            part = (by_id[target].grad or 0.0) * d
            sums[(a, b)] = sums.get((a, b), 0.0) + (part / box_grad if box_grad else 0.0)
        else:
            sums[(a, b)] = sums.get((a, b), 0.0) + d
    edges = tuple((a, b, d) for (a, b), d in sums.items())
    return Units(drawn_units, units.shared, edges, owner)


def units_json(units: Units, open_: Collection[str] = ()) -> dict[str, object]:
    """Return the lines level as JSON-ready data: the units (those drawn open say so) and
    the drawn edges."""
    return {
        "units": [
            {
                "id": u.id,
                "name": u.name,
                "formula": u.formula,
                "members": list(u.members),
                "inside": list(u.inside),
                "count": u.count,
                "series": list(u.series),
                "open": u.id in open_,
            }
            for u in units.units
        ],
        "unit_edges": [
            {"id": f"u-{s}-{t}", "source": s, "target": t, "local_grad": json_number(d)}
            for s, t, d in units.edges
        ],
    }
