// @ts-check
// Following a gradient: one selection for the whole page. Anything dispatches
// `chainrule:select` {id, source} on #graph; this brings the node's box into view, labels each
// of its out-edges with its contribution (local derivative × the downstream gradient; they
// sum to the node's gradient), highlights the paths to the output, and then dispatches
// `chainrule:selected` {id} on #graph for the table and the keyboard focus to follow.

import { fmt } from "./format.js";
import { SVG_NS } from "./sanitize.js";
import { clusterIdOf, edgeIndex, isCluster, root, unitEdgeEnds } from "./svg-contract.js";

const MARKS = ["selected", "path-edge", "path-node"];

/** The drawn edges of an answer: [{ el id, source, target, contribution, parts? }] (parts:
 * an edge into a series box, what the source adds through each of its folded uses). */
export function drawnEdges(svg, data, drawnId) {
  const grad = new Map(data.nodes.map((n) => [n.id, n.grad]));
  const units = new Map((data.unit_edges || []).map((e) => [e.id, e]));
  const out = [];
  for (const g of svg.querySelectorAll("g.edge[id]")) {
    const ends = unitEdgeEnds(g.id);
    if (ends) {
      const [source, target] = ends;
      const unit = units.get(g.id);
      if (svg.querySelector(`g.node.series[id="${target}"]`)) {
        // into a series: what it adds through each folded line, listed and summed
        const parts = data.edges.filter((e) => drawnId(e.target) === target && drawnId(e.source) === source)
          .map((e) => Number(grad.get(e.target)) * Number(e.local_grad));
        out.push({ id: g.id, source, target, contribution: parts.reduce((a, b) => a + b, 0), parts });
        continue;
      }
      let contribution;
      if (unit && drawnId(target) === target && !svg.querySelector(`g.cluster[id="${clusterIdOf(target)}"]`)) {
        contribution = Number(grad.get(target)) * Number(unit.local_grad);
      } else {
        contribution = 0;
        for (const e of data.edges) if (e.target === target && drawnId(e.source) === source) contribution += Number(grad.get(target)) * Number(e.local_grad);
      }
      out.push({ id: g.id, source, target, contribution });
      continue;
    }
    const k = edgeIndex(g.id);
    const e = k === null ? null : data.edges[k];
    if (e && (e.kind || "input") === "input") {
      out.push({ id: g.id, source: e.source, target: e.target, contribution: Number(grad.get(e.target)) * Number(e.local_grad) });
    }
  }
  return out;
}

/** The sum in words: "grad w = 0.3001 + 0.0685 = 0.3686" (first parts, then "…"). */
export function sumText(name, parts, total, precision) {
  const texts = parts.map((p) => fmt(p, precision));
  const shown = texts.length > 6 ? [...texts.slice(0, 2), `… (${texts.length} parts) …`, texts.at(-1)] : texts;
  return `grad ${name} = ${shown.join(" + ").replace(/\+ -/g, "− ")} = ${fmt(total, precision)}`;
}

export class Selection {
  /** box: #graph; drawing: the Drawing; note: where the sum is written; getData(): the answer. */
  constructor(box, drawing, note, getData) {
    this.box = box;
    this.drawing = drawing;
    this.note = note;
    this.getData = getData;
    this.id = null;
    box.addEventListener("chainrule:select", (e) => this.select(e.detail?.id, e.detail?.source));
  }

  /** Select node id (or clear with null), then tell the page. */
  select(id, source = "graph") {
    this.id = id || null;
    this.show(true);
    this.box.dispatchEvent(new CustomEvent("chainrule:selected", { detail: { id: this.id, source }, bubbles: true }));
  }

  /** Mark the selection on the drawing on screen (again after a redraw); reveal: centre it. */
  show(reveal = false) {
    const svg = this.drawing.svg;
    const data = this.getData();
    for (const el of this.box.querySelectorAll(MARKS.map((c) => `.${c}`).join(","))) el.classList.remove(...MARKS);
    for (const t of this.box.querySelectorAll(".contribution-label, .contribution-leader")) t.remove();
    this.note.hidden = true;
    if (!this.id || !svg || !data) return;
    const at = this.drawing.drawnId(this.id);
    const box = svg.querySelector(`g[id="${at}"]`);
    if (!box) return;
    box.classList.add("selected");
    const edges = drawnEdges(svg, data, (x) => this.drawing.drawnId(x));
    this.paths(svg, edges, at);
    const node = data.nodes.find((n) => n.id === this.id);
    if (node && at === this.id) this.contributions(svg, edges, at, node);
    if (reveal) this.drawing.panZoom.reveal(at);
  }

  /** Highlight every edge and box on the way from drawn box `at` to the output. */
  paths(svg, edges, at) {
    const from = new Map();
    for (const e of edges) {
      if (!from.has(e.source)) from.set(e.source, []);
      from.get(e.source).push(e);
    }
    const seen = new Set([at]);
    const todo = [at];
    while (todo.length) {
      for (const e of from.get(todo.pop()) || []) {
        svg.querySelector(`g[id="${e.id}"]`)?.classList.add("path-edge");
        if (!seen.has(e.target)) {
          seen.add(e.target);
          todo.push(e.target);
          svg.querySelector(`g[id="${e.target}"]`)?.classList.add("path-node");
        }
      }
    }
  }

  /** Label each out-edge with what it contributes; write their sum under the drawing. */
  contributions(svg, edges, at, node) {
    const mine = edges.filter((e) => e.source === at);
    const parts = [];
    const labels = [];
    for (const e of mine) {
      parts.push(...(e.parts || [e.contribution]));
      const path = svg.querySelector(`g[id="${e.id}"] > path`);
      if (!(path instanceof SVGPathElement)) continue;
      const text = document.createElementNS(SVG_NS, "text");
      text.setAttribute("class", "contribution-label");
      text.setAttribute("text-anchor", "middle");
      text.setAttribute("dominant-baseline", "central");
      text.textContent = fmt(e.contribution, this.drawing.precision);
      path.parentNode.append(text);
      labels.push({ path, text });
    }
    placeLabels(labels, [...this.drawing.panZoom.culler.boxes].filter(([id]) => !isCluster(id)).map(([, b]) => b));
    if (!mine.length || node.grad === null) return;
    this.note.textContent = sumText(node.name || node.label || node.id, parts, Number(node.grad), this.drawing.precision);
    this.note.hidden = false;
  }
}

// Where along its edge a label may sit, best first (the middle, then towards either end).
const ALONG = [0.5, 0.42, 0.58, 0.34, 0.66, 0.26, 0.74, 0.18, 0.82, 0.12, 0.88, 0.94];
// and how far beside it, in label heights (on the edge first, then either side of it)
const ASIDE = [0, 0.75, -0.75, 1.5, -1.5, 2.25, -2.25];
const GAP = 2; // SVG units kept clear around a label

/** The two boxes overlap (with the gap between them). */
function overlaps(a, b) {
  return a.x < b.x + b.w + GAP && b.x < a.x + a.w + GAP && a.y < b.y + b.h + GAP && b.y < a.y + a.h + GAP;
}

/**
 * Put each label on its own edge where it covers no node and no other label: the first free
 * point of ALONG, on the edge or beside it (ASIDE). The labels are placed in the order of
 * their free room (an edge with few free points first); a label with no free point near its
 * edge (a short edge between close nodes) goes to the nearest free place around the edge's
 * middle, with a thin leader line to it. nodes: the drawn nodes' boxes in SVG units.
 * @param {{ path: SVGPathElement, text: SVGTextElement }[]} labels
 * @param {{ x: number, y: number, w: number, h: number }[]} nodes
 */
export function placeLabels(labels, nodes) {
  const placed = [];
  // a label lives in its edge's group (graphviz's coordinates, inside the drawing's
  // transform); the nodes are measured in the viewBox's: the drawing's transform maps one
  // to the other
  const ctm = (el) => {
    const g = el.ownerSVGElement ? root(el.ownerSVGElement) : null;
    return g instanceof SVGGraphicsElement ? g.transform.baseVal.consolidate()?.matrix || null : null;
  };
  const options = labels.map(({ path, text }) => {
    text.setAttribute("x", "0");
    text.setAttribute("y", "0");
    const size = text.getBBox();
    const length = path.getTotalLength();
    const m = ctm(text);
    /** @type {{x: number, y: number, box: {x: number, y: number, w: number, h: number}, leader?: boolean}[]} */
    const spots = ASIDE.flatMap((k) => ALONG.map((t) => {
      // the point at t, moved k label heights along the edge's normal there
      const a = path.getPointAtLength(Math.max(0, length * t - 1));
      const b = path.getPointAtLength(Math.min(length, length * t + 1));
      const d = Math.hypot(b.x - a.x, b.y - a.y) || 1;
      const c = path.getPointAtLength(length * t);
      const p = { x: c.x - ((b.y - a.y) / d) * k * size.height, y: c.y + ((b.x - a.x) / d) * k * size.height };
      const q = m ? new DOMPoint(p.x, p.y).matrixTransform(m) : p;
      return { x: p.x, y: p.y, box: { x: q.x - size.width / 2, y: q.y - size.height / 2, w: size.width, h: size.height } };
    }));
    const free = spots.filter((s) => !nodes.some((n) => overlaps(s.box, n)));
    // farther afield: a ring of places around the middle, nearest first
    /** @type {{x: number, y: number, box: {x: number, y: number, w: number, h: number}, leader?: boolean}[]} */
    const around = [];
    const mid = spots[0];
    for (let ring = 1; ring <= 6; ring++) {
      for (let i = -ring; i <= ring; i++) {
        for (const [dx, dy] of [[i, -ring], [i, ring], [-ring, i], [ring, i]]) {
          const x = (dx * size.width) / 2;
          const y = dy * size.height;
          around.push({ x: mid.x + x, y: mid.y + y, box: { ...mid.box, x: mid.box.x + x, y: mid.box.y + y }, leader: true });
        }
      }
    }
    return { text, free, around: around.filter((s) => !nodes.some((n) => overlaps(s.box, n))), mid };
  });
  options.sort((a, b) => a.free.length - b.free.length);
  for (const o of options) {
    const clear = (s) => !placed.some((b) => overlaps(s.box, b));
    const spot = o.free.find(clear) || o.around.find(clear) || null;
    const at = spot || o.mid;
    o.text.setAttribute("x", String(at.x));
    o.text.setAttribute("y", String(at.y));
    o.text.classList.toggle("crowded", !spot);
    if (spot) placed.push(spot.box);
    if (spot?.leader) {
      const line = document.createElementNS(SVG_NS, "line");
      line.setAttribute("class", "contribution-leader");
      const h = spot.box.h / 2;
      const y = spot.y > o.mid.y ? spot.y - h : spot.y + h;
      /** @type {[string, number][]} */
      const ends = [["x1", o.mid.x], ["y1", o.mid.y], ["x2", spot.x], ["y2", Math.abs(spot.y - o.mid.y) < h ? spot.y : y]];
      for (const [k, v] of ends) line.setAttribute(k, String(v));
      o.text.before(line);
    }
  }
}
