"""The program's order kept across each rank of the lines level (boxes and shared inputs),
also when some boxes are drawn open (clusters, whose ordering edges dot drops)."""

from __future__ import annotations

import itertools

from chainrule.hierarchy import Units
from chainrule.render.orientation import unit_levels


def program_order(units: Units, open_: set[str]) -> list[str]:
    """Keep the program's order across each rank (top down left to right, left to right
    top down): the shared inputs in the order they first appear, and each level's closed
    boxes in the order of their lines, as ranks chained by invisible edges (dot keeps a
    flat edge's tail before its head); an open box by its own node (`in_order`)."""
    levels = unit_levels(units)
    chains = [list(units.shared), *levels]
    lines = []
    for k, chain in enumerate(c for c in chains if len(c) > 1):
        lines += in_order(chain, open_, f"l{k}")
    # An open box's own inputs a rank after the shared ones: else the box's frame spans the
    # shared inputs' rank, and every edge from them to a box beyond it would cross its
    # frame, which dot avoids by moving the open box to the end of its rank. The boxes of
    # the first level a rank after them too, as the estimate of the drawing's size has them
    # (chainrule/render/orientation.py): else dot ranks the inputs used only further on
    # beside those boxes, one row twice as wide as estimated
    if units.shared:
        first, top = units.shared[0], set(levels[0]) if levels else set()
        for u in units.units:
            if u.id in open_:
                lines += [f'"{first}" -> "{i}" [style=invis weight=0]' for i in u.inside]
            elif u.id in top:
                lines.append(f'"{first}" -> "{u.id}" [style=invis weight=0]')
    return lines


def in_order(chain: list[str], open_: set[str], tag: str) -> list[str]:
    """One rank holding the boxes of chain in that order, by invisible edges from each to
    the next. dot drops such an edge into an open box (a cluster), so when one is in the
    chain, a rank of invisible anchors before it and one after, each chained in order, tie
    each box to its place: their crossings keep the boxes in order (an open h4 was drawn
    before h1)."""
    lines = ["{rank=same; " + " ".join(f'"{b}";' for b in chain) + "}"]
    lines += [f'"{a}" -> "{b}" [style=invis]' for a, b in itertools.pairwise(chain)]
    if not open_.intersection(chain):
        return lines
    anchors = [f"order-{tag}-{i}" for i in range(len(chain))]
    lines.append("{rank=same; " + " ".join(f'"{a}";' for a in anchors) + "}")
    lines += [f'"{a}" [style=invis shape=point width=0 height=0 label=""]' for a in anchors]
    lines += [f'"{a}" -> "{b}" [style=invis]' for a, b in itertools.pairwise(anchors)]
    lines += [f'"{a}" -> "{b}" [style=invis]' for a, b in zip(anchors, chain, strict=True)]
    after = [f"order-{tag}-after-{i}" for i in range(len(chain))]
    lines.append("{rank=same; " + " ".join(f'"{a}";' for a in after) + "}")
    lines += [f'"{a}" [style=invis shape=point width=0 height=0 label=""]' for a in after]
    lines += [f'"{a}" -> "{b}" [style=invis]' for a, b in itertools.pairwise(after)]
    lines += [f'"{b}" -> "{a}" [style=invis]' for a, b in zip(after, chain, strict=True)]
    return lines


def below_rows(rows: list[list[str]], units: Units, open_: set[str]) -> list[str]:
    """In a wrapped layout, the operations and inputs of an open box that starts its row
    drawn below the row before (else its frame climbs into the rows above, at their left:
    an opened h4, first of its row, looked drawn before h1). One further along its row
    stays beside the boxes before it."""
    by_id = {u.id: u for u in units.units}
    lines = []
    for above, row in itertools.pairwise(rows):
        if row[0] in open_ and row[0] in by_id:
            box, unit = row[0], by_id[row[0]]
            inner = [m for m in (*unit.inside, *unit.members) if m != box]
            lines += [f'"{above[0]}" -> "{m}" [style=invis weight=0]' for m in inner]
    return lines
