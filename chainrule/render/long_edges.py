"""Long edges routed outside `dot`: an input used far along the drawing, drawn once.

`dot` makes a chain of virtual nodes for every rank an edge spans, and lays them all out
with network simplex: an input used by every line of a 600-operation chain spans ~10^5
ranks in all and takes minutes. So the op-level DOT keeps an input's edges to its nearby
uses and leaves out the far ones (more than `FAR_SPAN` levels away), naming them in the
graph's comment (`far eK nS nT;...`, which graphviz writes into the SVG). After the layout,
`route` draws each far edge as a bus beside the drawing (below it left to right, to its
right top down): down from the input, along the bus, up into the use, with an arrow. The
edges keep their ids (`eK`), so stepping and following a gradient mark them as any edge.
The lines level wrapped into rows (comment `far rows;...`) routes its edges between rows
that are not next to each other the same way, in the gaps between rows (`_rows`).
"""

from __future__ import annotations

import re

FAR_SPAN = 4  # levels: a longer edge from an input is routed as a bus
_COMMENT = re.compile(r"<!-- far ([^>]*?) -->")
_VIEW = re.compile(
    r'<svg width="([\d.]+)pt" height="([\d.]+)pt"\s+viewBox="([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+)"'
)
_NODE = re.compile(r'<g id="([^"]+)" class="node[^"]*">\n<title>[^<]*</title>\n<([a-z]+) ([^>]*)>')
_ELLIPSE = re.compile(r'cx="(-?[\d.]+)" cy="(-?[\d.]+)" rx="([\d.]+)" ry="([\d.]+)"')
_SHAPE = re.compile(r'(?:points|d)="([^"]+)"')
_NUM = re.compile(r"-?\d+(?:\.\d+)?")
STEP = 5.0  # points between the buses of different inputs
ROW_STEP = 3.0  # the same in a drawing wrapped into rows


def comment(far: list[tuple[str, str, str]], rows: bool = False) -> str:
    """Return the graph attribute naming the far edges (edge id, source, target); rows:
    the drawing is wrapped into rows (route_rows' lanes)."""
    if not far:
        return ""
    return 'comment="far ' + ("rows;" if rows else "") + ";".join(" ".join(f) for f in far) + '"'


def route(svg: str) -> str:
    """Return dot's SVG with the far edges its comment names drawn in (else as it is)."""
    found = _COMMENT.search(svg)
    view = _VIEW.search(svg)
    if found is None or view is None:
        return svg
    text = found[1].replace("&#45;", "-")
    rows = text.startswith("rows;")  # the lines level wrapped into rows: see _rows
    edges = [part.split() for part in text.split(";") if len(part.split()) == 3]
    boxes = {}
    for m in _NODE.finditer(svg):
        ellipse, shape = _ELLIPSE.search(m[3]), _SHAPE.search(m[3])
        if m[2] == "ellipse" and ellipse:
            cx, cy, rx, ry = (float(v) for v in ellipse.groups())
            xs, ys = [cx - rx, cx + rx], [cy - ry, cy + ry]
        elif shape:
            nums = [float(x) for x in _NUM.findall(shape[1])]
            xs, ys = nums[0::2], nums[1::2]
        else:
            continue
        if xs and ys:
            boxes[m[1].replace("&#45;", "-")] = (min(xs), min(ys), max(xs), max(ys))
    if not boxes:
        return svg
    if rows:
        return _grow(svg, view, *_rows(edges, boxes))
    top_down = _is_tall(boxes)
    lanes = {s: k for k, s in enumerate(dict.fromkeys(e[1] for e in edges))}
    right = max(b[2] for b in boxes.values())
    bottom = max(b[3] for b in boxes.values())
    groups = []
    for eid, source, target in edges:
        a, b = boxes.get(source), boxes.get(target)
        if a is None or b is None:
            continue
        lane = 10.0 + STEP * lanes[source]
        groups.append(_edge(eid, source, target, a, b, top_down, right + lane, bottom + lane))
    extra = 12.0 + STEP * len(lanes)
    return _grow(svg, view, groups, *((extra, 0.0) if top_down else (0.0, extra)))


def _grow(svg: str, view: re.Match[str], groups: list[str], grow_w: float, grow_h: float) -> str:
    """Return svg with its canvas grown by (grow_w, grow_h) and the groups drawn first."""
    w, h, vx, vy, vw, vh = (float(view[i]) for i in range(1, 7))
    head = (
        f'<svg width="{w + grow_w:.2f}pt" height="{h + grow_h:.2f}pt"\n'
        f' viewBox="{vx:.2f} {vy:.2f} {vw + grow_w:.2f} {vh + grow_h:.2f}"'
    )
    out = svg[: view.start()] + head + svg[view.end() :]
    at = out.find('<g id="', out.find('class="graph"') + 1)
    return out[:at] + "".join(groups) + out[at:]


def _is_tall(boxes: dict[str, tuple[float, float, float, float]]) -> bool:
    xs = [b[0] for b in boxes.values()]
    ys = [b[1] for b in boxes.values()]
    return max(ys) - min(ys) > max(xs) - min(xs)


def _edge(
    eid: str,
    source: str,
    target: str,
    a: tuple[float, float, float, float],
    b: tuple[float, float, float, float],
    top_down: bool,
    bus_x: float,
    bus_y: float,
) -> str:
    """One far edge: out of the input's side, along its bus, into the use, arrowhead."""
    if top_down:
        sy, ty = (a[1] + a[3]) / 2, (b[1] + b[3]) / 2
        d = f"M{a[2]:.1f},{sy:.1f} L{bus_x:.1f},{sy:.1f} L{bus_x:.1f},{ty:.1f}"
        d += f" L{b[2] + 6:.1f},{ty:.1f}"
        tip = f"{b[2] + 6:.1f},{ty - 3:.1f} {b[2]:.1f},{ty:.1f} {b[2] + 6:.1f},{ty + 3:.1f}"
    else:
        sx, tx = (a[0] + a[2]) / 2, (b[0] + b[2]) / 2
        d = f"M{sx:.1f},{a[3]:.1f} L{sx:.1f},{bus_y:.1f} L{tx:.1f},{bus_y:.1f}"
        d += f" L{tx:.1f},{b[3] + 6:.1f}"
        tip = f"{tx - 3:.1f},{b[3] + 6:.1f} {tx:.1f},{b[3]:.1f} {tx + 3:.1f},{b[3] + 6:.1f}"
    return (
        f'<g id="{eid}" class="edge far">\n<title>{source}&#45;&gt;{target}</title>\n'
        f'<path fill="none" stroke="#4b5563" d="{d}"/>\n'
        f'<polygon fill="#4b5563" stroke="#4b5563" points="{tip}"/>\n</g>\n'
    )


Box = tuple[float, float, float, float]


def _rows(edges: list[list[str]], boxes: dict[str, Box]) -> tuple[list[str], float, float]:
    """The far edges of a drawing wrapped into rows: out of the source's bottom into the gap
    below its row, along that gap to a bus right of the drawing, down it to the gap above
    the target's row, along that gap and down into the target's top (to the next row:
    along the one gap between them, no bus). A lane (its height in
    each gap, its bus) is an input's when it feeds several uses, else the target's, so
    that edges to one target (or from one input) run as one trunk, never across a box."""
    rows: dict[float, list[float]] = {}  # a row's centre line -> [top, bottom]
    for box in boxes.values():
        r = rows.setdefault(round((box[1] + box[3]) / 2), [box[1], box[3]])
        r[0], r[1] = min(r[0], box[1]), max(r[1], box[3])
    order = sorted(rows.values())
    gaps = [(order[k][1], order[k + 1][0]) for k in range(len(order) - 1)]
    uses: dict[str, int] = {}
    for _, source, _ in edges:
        uses[source] = uses.get(source, 0) + 1
    keys = [source if uses[source] > 1 else target for _, source, target in edges]
    lanes = {k: n for n, k in enumerate(dict.fromkeys(keys))}
    right = max(b[2] for b in boxes.values())
    groups = []
    bused = False  # an edge runs down the bus: the canvas grows by its lanes
    for (eid, source, target), key in zip(edges, keys, strict=True):
        a, b = boxes.get(source), boxes.get(target)
        if a is None or b is None:
            continue
        share = (lanes[key] + 0.5) / len(lanes)
        below = next((g for g in gaps if g[0] >= a[3] - 1), (a[3], a[3] + 10))
        above = next((g for g in reversed(gaps) if g[1] <= b[1] + 1), (b[1] - 10, b[1]))
        ya = below[0] + (below[1] - below[0]) * share
        yb = above[0] + (above[1] - above[0]) * share
        sx, tx, bus = (a[0] + a[2]) / 2, (b[0] + b[2]) / 2, right + 8.0 + ROW_STEP * lanes[key]
        if below == above:  # the next row: along the one gap between them, no bus
            d = f"M{sx:.1f},{a[3]:.1f} L{sx:.1f},{ya:.1f} L{tx:.1f},{ya:.1f}"
        else:
            d = f"M{sx:.1f},{a[3]:.1f} L{sx:.1f},{ya:.1f} L{bus:.1f},{ya:.1f} L{bus:.1f},{yb:.1f}"
            d += f" L{tx:.1f},{yb:.1f}"
            bused = True
        d += f" L{tx:.1f},{b[1] - 5:.1f}"
        tip = f"{tx - 3:.1f},{b[1] - 5:.1f} {tx:.1f},{b[1]:.1f} {tx + 3:.1f},{b[1] - 5:.1f}"
        groups.append(
            f'<g id="{eid}" class="edge far">\n<title>{source}&#45;&gt;{target}</title>\n'
            f'<path fill="none" stroke="#4b5563" d="{d}"/>\n'
            f'<polygon fill="#4b5563" stroke="#4b5563" points="{tip}"/>\n</g>\n'
        )
    return groups, 10.0 + ROW_STEP * len(lanes) if bused else 0.0, 0.0
