"""Long edges routed outside `dot`: an input used far along the drawing, drawn once.

`dot` makes a chain of virtual nodes for every rank an edge spans, and lays them all out
with network simplex: an input used by every line of a 600-operation chain spans ~10^5
ranks in all and takes minutes. So the op-level DOT keeps an input's edges to its nearby
uses and leaves out the far ones (more than `FAR_SPAN` levels away), naming them in the
graph's comment (`far eK nS nT;...`, which graphviz writes into the SVG). After the layout,
`route` draws each far edge as a bus beside the drawing (below it left to right, to its
right top down): down from the input, along the bus, up into the use, with an arrow. The
edges keep their ids (`eK`), so stepping and following a gradient mark them as any edge.
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


def comment(far: list[tuple[str, str, str]]) -> str:
    """Return the graph attribute naming the far edges (edge id, source, target)."""
    return 'comment="far ' + ";".join(" ".join(f) for f in far) + '"' if far else ""


def route(svg: str) -> str:
    """Return dot's SVG with the far edges its comment names drawn in (else as it is)."""
    found = _COMMENT.search(svg)
    view = _VIEW.search(svg)
    if found is None or view is None:
        return svg
    text = found[1].replace("&#45;", "-")
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
    w, h, vx, vy, vw, vh = (float(view[i]) for i in range(1, 7))
    grow_w, grow_h = (extra, 0.0) if top_down else (0.0, extra)
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
