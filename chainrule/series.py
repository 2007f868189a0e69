"""Lines of one shape folded into a series: the same formula up to renaming (a
convolution's positions, an RNN's steps, a layer's neurons, a long chain), three or more in
a row, drawn at the lines level as one box that says how many it holds; so are blocks of
up to MAX_PERIOD lines that repeat (gradient descent written out: g0 = ..., w1 = ...,
g1 = ..., w2 = ...: `g0 … w29 = g[i] = 2*(w[i]*x - y)*x; w[i+1] = w[i] - lr*g[i] ×29`).

Folding is a drawing matter: the graph and the units stay complete; the series box owns
every node of its lines, and the edge from a source into it carries the members'
contributions summed (grad(box) x local_grad is all the source gets through the series).
"""

from __future__ import annotations

import re
from collections.abc import Collection

from chainrule.graph import Graph, GraphNode
from chainrule.hierarchy import Unit, Units, shorten

MAX_SERIES = 48  # characters of a series' formula shown (one box for many lines: room)
SERIES_ID = "s"  # a series box's id: "s" and its last line's number (s57 ends with line n57)
SERIES_MIN = 3  # lines (or blocks of lines) of one shape in a row folded into a series
MAX_PERIOD = 3  # lines of a block that repeats (a step of gradient descent: g, then w)
_TOKEN = re.compile(r"[A-Za-z_]\w*?\d+\b|[A-Za-z_]\w*|\S")
_INDEXED = re.compile(r"([A-Za-z_]\w*?)(\d+)")


def series_formula(names: list[str], formulas: list[str]) -> str:
    """Return the formula of a series' lines with what moves with the line written as an
    index ("tanh(w*h[i-1] + u*x[i])" for h1 = tanh(w*h0 + u*x1), h2 = ...), where the
    names end in a number; else the first line's formula."""
    own = [_INDEXED.fullmatch(n) for n in names[:2]]
    if own[0] is None or own[1] is None:
        return formulas[0]
    i0, step = int(own[0][2]), int(own[1][2]) - int(own[0][2])
    return _indexed(formulas[0], formulas[1], i0, step) or formulas[0]


def block_formula(names: list[str], formulas: list[str], period: int) -> str:
    """Return the formula of a series of blocks of `period` lines (a step of gradient
    descent written out: g0 = ..., w1 = ...; g1 = ..., w2 = ...): each line of a block as
    `name = formula`, what moves with the block an index i counted from the first line's
    name ("g[i] = 2*(w[i]*x - y)*x; w[i+1] = w[i] - lr*g[i]"); else the first block's lines."""
    plain = "; ".join(f"{n} = {f}" for n, f in zip(names[:period], formulas, strict=False))
    own = [_INDEXED.fullmatch(names[0]), _INDEXED.fullmatch(names[period])]
    if own[0] is None or own[1] is None:
        return plain
    i0, step = int(own[0][2]), int(own[1][2]) - int(own[0][2])
    out = []
    for j in range(period):
        first = f"{names[j]} = {formulas[j]}"
        again = f"{names[j + period]} = {formulas[j + period]}"
        line = _indexed(first, again, i0, step)
        if line is None:
            return plain
        out.append(line)
    return "; ".join(out)


def _indexed(first: str, again: str, i0: int, step: int) -> str | None:
    """Return the text `first` with each name that is `again`'s plus `step` written as an
    index counted from i0 (x3 with i0 = 2: x[i+1]); None if the texts differ otherwise."""
    a_tokens, b_tokens = _TOKEN.findall(first), _TOKEN.findall(again)
    if len(a_tokens) != len(b_tokens) or not step:
        return None
    out = []
    for a, b in zip(a_tokens, b_tokens, strict=True):
        ma, mb = _INDEXED.fullmatch(a), _INDEXED.fullmatch(b)
        if a == b:
            out.append(a)
        elif ma and mb and ma[1] == mb[1] and int(mb[2]) - int(ma[2]) == step:
            k = int(ma[2]) - i0
            out.append(f"{ma[1]}[i{'+' if k > 0 else '-'}{abs(k)}]" if k else f"{ma[1]}[i]")
        else:
            return None
    return _spaced(first, a_tokens, out)


def _spaced(formula: str, tokens: list[str], words: list[str]) -> str:
    """The formula's own spacing, with each token replaced by its word."""
    out, at = [], 0
    for token, word in zip(tokens, words, strict=True):
        start = formula.index(token, at)
        out.append(formula[at:start] + word)
        at = start + len(token)
    return "".join(out) + formula[at:]


def series_id(last: str) -> str:
    """Return the id of the series box whose last line is the unit `last` (n57: s57), apart
    from every node id, so that the last line opens on its own."""
    return SERIES_ID + last[1:]


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
            elif src.is_constant:
                args.append(src.value)
            else:
                args.append("arg")
        out.append((node.op, node.label if node.is_call else "", tuple(args)))
    return tuple(out)


def _runs(graph: Graph, units: Units) -> list[tuple[list[Unit], int]]:
    """Return the units in runs, each with its period: SERIES_MIN or more blocks in a row
    of up to MAX_PERIOD consecutive lines (or calls) each, of one shape block for block
    (the period covering the most lines, the shortest of equals), else one unit alone."""
    by_id = {n.id: n for n in graph.nodes}
    inputs_of: dict[str, list[tuple[str, float]]] = {}
    for e in graph.edges:
        if e.kind == "input":
            inputs_of.setdefault(e.target, []).append((e.source, e.local_grad))
    keys = [shape(unit, inputs_of, by_id) for unit in units.units]
    runs: list[tuple[list[Unit], int]] = []
    at = 0
    while at < len(keys):
        best = (1, 1)  # (period, blocks)
        for period in range(1, MAX_PERIOD + 1):
            block = keys[at : at + period]
            blocks = 1
            while keys[at + blocks * period : at + (blocks + 1) * period] == block:
                blocks += 1
            if blocks >= SERIES_MIN and blocks * period > best[0] * best[1]:
                best = (period, blocks)
        take = best[0] * best[1] if best[1] >= SERIES_MIN else 1
        runs.append((list(units.units[at : at + take]), best[0] if take > 1 else 1))
        at += take
    return runs


def read_open(graph: Graph, units: Units, asked: Collection[str]) -> frozenset[str]:
    """Return the boxes asked open, as a link from before series had ids of their own is
    read: a series' last line asked while the series is not stands for the series (such a
    link opened it), so the series is drawn open with that line closed, as it was."""
    out = set(asked)
    for run, _ in _runs(graph, units):
        last, box = run[-1].id, series_id(run[-1].id)
        if len(run) >= SERIES_MIN and last in out and box not in out:
            out = (out - {last}) | {box}
    return frozenset(out)


def fold_series(graph: Graph, units: Units, open_: Collection[str] = ()) -> Units:
    """Return units with each run of SERIES_MIN or more consecutive lines (or calls) of one
    shape drawn as one series box (id: `series_id` of its last unit; open_ holding that id
    draws the units one by one). The box's edges: one per source outside the series, whose
    local_grad is the members' contributions summed over the box's gradient (so that
    grad(box) x local is what the source gets through the series); edges out of any
    member leave the box."""
    by_id = {n.id: n for n in graph.nodes}
    runs = _runs(graph, units)
    folded = [(r, p) for r, p in runs if len(r) >= SERIES_MIN and series_id(r[-1].id) not in open_]
    if not folded:
        return units
    box_of = {u.id: series_id(r[-1].id) for r, _ in folded for u in r}
    owner = {k: box_of.get(v, v) for k, v in units.owner.items()}
    merged: dict[str, Unit] = {}
    for run, period in folded:
        head, tail = run[0], run[-1]
        members = (tail.id, *(m for u in run for m in u.members if m != tail.id))
        texts = [graph.formulas.get(u.id) or u.formula for u in run[: 2 * period]]
        names = [u.name for u in run[: 2 * period]]
        if period == 1:
            formula = series_formula(names, texts)
        else:
            formula = block_formula(names, texts, period)
        merged[series_id(tail.id)] = Unit(
            series_id(tail.id),
            f"{head.name} … {tail.name}",
            f"{shorten(formula, MAX_SERIES * period)} ×{len(run) // period}",
            members,
            tuple(i for u in run for i in u.inside),
            {},
            len(run) // period,
            tuple(u.id for u in run),
        )
    drawn_units = tuple(
        merged[box_of[u.id]] if u.id in box_of else u
        for u in units.units
        if u.id not in box_of or u.id == merged[box_of[u.id]].node
    )
    sums: dict[tuple[str, str], float] = {}
    for source, target, d in units.edges:
        a, b = box_of.get(source, source), box_of.get(target, target)
        if a == b:
            continue
        if b in merged:  # into a series: the member's contribution, summed
            box_grad = by_id[merged[b].node].grad or 0.0
            part = (by_id[target].grad or 0.0) * d
            sums[(a, b)] = sums.get((a, b), 0.0) + (part / box_grad if box_grad else 0.0)
        else:
            sums[(a, b)] = sums.get((a, b), 0.0) + d
    edges = tuple((a, b, d) for (a, b), d in sums.items())
    return Units(drawn_units, units.shared, edges, owner)
