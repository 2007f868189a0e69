"""The program's own hierarchy: one unit per named line and per user-function call.

A unit is the node a line names (or a call's node, or the output) together with the
unnamed operations of its formula. Its arguments are inputs and other units; an input used
by this unit only is listed *inside* it, one used by several units is drawn once with an
edge to each use. For each argument the unit knows d(unit)/d(argument) (the chain rule
through its own operations), so the gradient of anything drawn outside is the sum of its
out-edges' contributions: grad(unit) × d(unit)/d(argument).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from chainrule.graph import Graph, GraphNode, json_number

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

    @property
    def heading(self) -> str:
        """Return what follows the name in the box's title: "= formula", or for a series of
        blocks of lines (its formula their lines, each "name = ...") ": formula"."""
        return f"{':' if self.blocks else '='} {self.formula}"

    @property
    def heading_lines(self) -> list[str]:
        """Return the heading as a closed box writes it: one line, or a series of blocks'
        lines one under the other (narrower: it fits a phone)."""
        return self.formula.split("; ") if self.blocks else [self.heading]

    @property
    def blocks(self) -> bool:
        """True for a series of blocks of lines (more lines than it counts)."""
        return self.count > 1 and len(self.series) > self.count

    @property
    def node(self) -> str:
        """Return the id of the node whose numbers the box shows (a series: its last line's)."""
        return self.series[-1] if self.series else self.id


@dataclass(frozen=True)
class Units:
    """The lines-level picture of a graph: units, shared inputs and the edges between."""

    units: tuple[Unit, ...]
    shared: tuple[str, ...]  # inputs drawn as nodes of their own (used by several units)
    edges: tuple[tuple[str, str, float], ...]  # (source, unit, d unit / d source)
    owner: dict[str, str]  # node id -> the unit drawn for it (inputs inside: their unit)


def is_root(node: GraphNode, output: str) -> bool:
    """True for a node that starts a unit: a named operation, a call, the output."""
    if node.group is not None or (node.is_leaf and node.id != output):
        return False
    return bool(node.name) or node.is_call or node.id == output


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
        if node.group is not None or (node.is_leaf and node.id != graph.output):
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
            if not src.is_leaf and not is_root(src, graph.output):
                owner.setdefault(source, owner[node.id])
    users: dict[str, list[str]] = {}
    locals_: dict[str, dict[str, float]] = {}
    for root, ops in members.items():
        local = _local_derivatives(ops, inputs_of, by_id)
        locals_[root] = local
        for source in local:
            if by_id[source].is_input:
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
            elif not by_id[source].is_constant:
                local[source] = local.get(source, 0.0) + a * d
    return local


def _call_text(
    node: GraphNode, inputs_of: dict[str, list[tuple[str, float]]], by_id: dict[str, GraphNode]
) -> str:
    """A call without a line of its own: its function and its arguments' names."""
    args = []
    for source, _ in inputs_of.get(node.id, []):
        src = by_id[source]
        args.append(src.name or (f"{src.value:g}" if src.is_constant else "…"))
    return f"{node.label}({', '.join(args)})"


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
