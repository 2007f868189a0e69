// @ts-check
// Following a gradient: one selection for the whole page. Anything dispatches
// `chainrule:select` {id, source} on #graph; this brings the node's box into view, labels each
// of its out-edges with its contribution (local derivative × the downstream gradient; they
// sum to the node's gradient), highlights the paths to the output, and then dispatches
// `chainrule:selected` {id} on #graph for the table and the keyboard focus to follow.

import { fmt } from "./format.js";
import { SVG_NS } from "./sanitize.js";

const MARKS = ["selected", "path-edge", "path-node"];

/** The drawn edges of an answer: [{ el id, source, target, contribution }]. */
export function drawnEdges(svg, data, drawnId) {
  const grad = new Map(data.nodes.map((n) => [n.id, n.grad]));
  const units = new Map((data.unit_edges || []).map((e) => [e.id, e]));
  const out = [];
  for (const g of svg.querySelectorAll("g.edge[id]")) {
    let m = /^u-(n\d+)-(n\d+)$/.exec(g.id);
    if (m) {
      const [, source, target] = m;
      const unit = units.get(g.id);
      let contribution;
      if (unit && drawnId(target) === target && !svg.querySelector(`g.cluster[id="cluster-${target}"]`)) {
        contribution = Number(grad.get(target)) * Number(unit.local_grad);
      } else {
        contribution = 0;
        for (const e of data.edges) if (e.target === target && drawnId(e.source) === source) contribution += Number(grad.get(target)) * Number(e.local_grad);
      }
      out.push({ id: g.id, source, target, contribution });
      continue;
    }
    m = /^e(\d+)$/.exec(g.id);
    const e = m && data.edges[Number(m[1])];
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
    for (const t of this.box.querySelectorAll(".contribution-label")) t.remove();
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
    for (const e of mine) {
      parts.push(e.contribution);
      const path = svg.querySelector(`g[id="${e.id}"] > path`);
      if (!path) continue;
      const p = path.getPointAtLength(path.getTotalLength() / 2);
      const text = document.createElementNS(SVG_NS, "text");
      text.setAttribute("class", "contribution-label");
      text.setAttribute("x", String(p.x));
      text.setAttribute("y", String(p.y - 3));
      text.setAttribute("text-anchor", "middle");
      text.textContent = fmt(e.contribution, this.drawing.precision);
      path.parentNode.append(text);
    }
    if (!mine.length || node.grad === null) return;
    this.note.textContent = sumText(node.name || node.label || node.id, parts, Number(node.grad), this.drawing.precision);
    this.note.hidden = false;
  }
}
