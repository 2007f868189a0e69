// @ts-check
// /live's datapoint drawn as the network being trained, in the page, from /api/evaluate's
// graph (nodes and edges, no SVG): every named line is a unit (a neuron, the output, the
// loss), every data column an input unit; parameters, constants and unnamed operations are
// folded into the unit that uses them (a neuron's weights and bias, opened on demand); an
// edge per connection, without labels. Units stand in layers by their distance from the
// loss. Laid out once per program; each snapshot's numbers (node id -> [value, grad,
// value_text, grad_text]) are written into the units' texts in place.

import { SVG_NS } from "./sanitize.js";
import { H, TEXT_X, place, unitWidth, unitsOf, widestNumber } from "./network-layout.js";

const LEGIBLE = 9.2 / 11; // the least scale: 11-unit texts at 9 px or more

function el(name, attrs, text = null) {
  const node = document.createElementNS(SVG_NS, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== null) node.textContent = text;
  return node;
}

export class NetworkView {
  /** box: where the drawing goes; detail: where an opened unit's parameters are listed. */
  constructor(box, detail) {
    this.box = box;
    this.detail = detail;
    /** @type {Map<string, { value: SVGTextElement, grad: SVGTextElement, g: SVGGElement }>} */
    this.slots = new Map();
    /** @type {Map<string, { value: HTMLElement, grad: HTMLElement }>} */
    this.detailSlots = new Map();
    /** @type {Map<string, string>} */
    this.unitOf = new Map(); // node id -> the unit showing it
    /** @type {Map<string, import("./network-layout.js").Unit>} */
    this.units = new Map();
    this.opened = null;
    /** @type {SVGSVGElement | null} */
    this.svg = null;
    this.size = null;
    this.names = new Map(); // node id -> name
    this.last = null; // the last numbers written (an opened unit starts from them)
    box.addEventListener("click", (e) => {
      const g = e.target instanceof Element ? e.target.closest("g.unit") : null;
      if (g) this.open(g.id === this.opened ? null : g.id);
    });
    box.addEventListener("keydown", (e) => {
      const g = e.target instanceof Element ? e.target.closest("g.unit") : null;
      if (g && (e.key === "Enter" || e.key === " ")) {
        e.preventDefault();
        this.open(g.id === this.opened ? null : g.id);
      }
    });
  }

  /** The width of the widest of these texts of a unit (SVG units, as the page's font draws
   * them; an estimate while the box is not rendered). */
  textWidth(svg, texts) {
    const probe = el("g", { class: "node unit" });
    const lines = texts.map(([cls, text]) => el("text", { class: cls }, text));
    probe.append(...lines);
    svg.append(probe);
    this.box.replaceChildren(svg);
    const widths = lines.map((t, k) => /** @type {SVGTextElement} */ (t).getComputedTextLength() || texts[k][1].length * 0.62 * 11);
    probe.remove();
    return Math.max(...widths);
  }

  /** Draw the network of an /api/evaluate answer (nodes, edges, output_id); columns: the
   * data's names; precision: the digits its numbers are written with (the units are as
   * wide as the widest number at that precision needs). */
  show(answer, columns, precision) {
    const { units, connections, unitOf } = unitsOf(answer.nodes, answer.edges, answer.output_id, columns);
    this.units = new Map(units.map((u) => [u.id, u]));
    this.names = new Map(answer.nodes.map((n) => [n.id, n.name || n.label || n.id]));
    this.unitOf = unitOf;
    const svg = /** @type {SVGSVGElement} */ (el("svg", { class: "network", role: "group", "aria-label": `The network: ${units.length} units in ${Math.max(...units.map((u) => u.layer)) + 1} layers` }));
    const widest = widestNumber(precision);
    const W = unitWidth(this.textWidth(svg, [["unit-grad", `grad ${widest}`], ["unit-value", widest], ...units.map((u) => ["unit-name", `${u.name} +${u.folded.length}`])]));
    const size = place(units, W);
    svg.setAttribute("viewBox", `0 0 ${size.w} ${size.h}`);
    const edges = el("g", { class: "network-edges", "aria-hidden": "true" });
    for (const [from, to] of connections) {
      const a = this.units.get(from);
      const b = this.units.get(to);
      const x1 = a.x + W;
      const y1 = a.y + H / 2;
      const x2 = b.x;
      const y2 = b.y + H / 2;
      const mid = (x1 + x2) / 2;
      edges.append(el("path", { class: "network-edge", id: `link-${from}-${to}`, d: `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}` }));
    }
    svg.append(edges);
    this.slots = new Map();
    const byId = new Map(answer.nodes.map((n) => [n.id, n]));
    for (const u of units) {
      const n = byId.get(u.id);
      const kind = u.id === answer.output_id ? "output" : u.data ? "input" : "neuron";
      const opens = u.folded.length > 0;
      const g = el("g", { id: u.id, class: `node unit ${kind}${opens ? " opens" : ""}`, transform: `translate(${u.x} ${u.y})` });
      if (opens) {
        g.setAttribute("tabindex", "0");
        g.setAttribute("role", "button");
        g.setAttribute("aria-expanded", "false");
        g.setAttribute("aria-label", `${u.name}: show its ${u.folded.length} parameters`);
      }
      g.append(el("path", { class: "unit-box", d: `M6,0 H${W - 6} Q${W},0 ${W},6 V${H - 6} Q${W},${H} ${W - 6},${H} H6 Q0,${H} 0,${H - 6} V6 Q0,0 6,0 Z` }));
      g.append(el("text", { x: TEXT_X, y: 12, class: "unit-name" }, u.name));
      if (opens) g.append(el("text", { x: W - TEXT_X, y: 12, class: "unit-more", "text-anchor": "end" }, `+${u.folded.length}`));
      const value = el("text", { x: TEXT_X, y: 26, class: "unit-value" }, n.value_text ?? "");
      const grad = el("text", { x: TEXT_X, y: 39, class: "unit-grad" }, n.grad_text === undefined ? "" : `grad ${n.grad_text}`);
      g.append(value, grad);
      svg.append(g);
      this.slots.set(u.id, { value: /** @type {SVGTextElement} */ (value), grad: /** @type {SVGTextElement} */ (grad), g: /** @type {SVGGElement} */ (g) });
    }
    this.box.replaceChildren(svg);
    this.svg = svg;
    this.size = size;
    this.fit();
    this.last = null;
    const was = this.opened;
    this.opened = null;
    this.open(was && this.units.has(was) ? was : null);
  }

  /** Size the drawing to its box: the whole network when its texts stay legible so (at most
   * 1.25 times natural size), else legible and scrolled within the box (a phone). */
  fit() {
    if (!this.svg || !this.size) return;
    const { w, h } = this.size;
    const room = Math.min((this.box.clientWidth - 2) / w, (this.box.clientHeight - 2) / h);
    const scale = Math.min(1.25, Math.max(LEGIBLE, room || 1));
    // (CSSOM, as the CSP allows: the page's stylesheet sizes a graph's svg to its box)
    this.svg.style.width = `${Math.floor(w * scale)}px`;
    this.svg.style.height = `${Math.floor(h * scale)}px`;
  }

  /** Write a snapshot's numbers (node id -> [value, grad, value_text, grad_text]). */
  patch(numbers) {
    this.last = numbers;
    for (const [id, slot] of this.slots) {
      const n = numbers[id];
      if (!n) continue;
      if (slot.value.textContent !== n[2]) slot.value.textContent = n[2];
      const grad = `grad ${n[3]}`;
      if (slot.grad.textContent !== grad) slot.grad.textContent = grad;
    }
    for (const [id, slot] of this.detailSlots) {
      const n = numbers[id];
      if (!n) continue;
      if (slot.value.textContent !== n[2]) slot.value.textContent = n[2];
      if (slot.grad.textContent !== n[3]) slot.grad.textContent = n[3];
    }
  }

  /** Open a unit (list its folded parameters with their numbers), or close with null. */
  open(id) {
    if (this.opened) this.slots.get(this.opened)?.g.setAttribute("aria-expanded", "false");
    this.opened = id;
    this.detailSlots = new Map();
    if (!id) {
      this.detail.hidden = true;
      this.detail.replaceChildren();
      return;
    }
    this.slots.get(id)?.g.setAttribute("aria-expanded", "true");
    const unit = this.units.get(id);
    const table = document.createElement("table");
    table.className = "network-params";
    const caption = document.createElement("caption");
    caption.textContent = `${unit.name}: the parameters and constants folded into it`;
    const head = document.createElement("tr");
    for (const t of ["Name", "Value", "Gradient"]) {
      const th = document.createElement("th");
      th.scope = "col";
      th.textContent = t;
      head.append(th);
    }
    table.append(caption, head);
    for (const f of unit.folded) {
      const tr = document.createElement("tr");
      const th = document.createElement("th");
      th.scope = "row";
      th.textContent = this.names.get(f) || f;
      const value = document.createElement("td");
      const grad = document.createElement("td");
      value.className = "num";
      grad.className = "num";
      const n = this.last?.[f];
      value.textContent = n ? n[2] : "";
      grad.textContent = n ? n[3] : "";
      tr.append(th, value, grad);
      table.append(tr);
      this.detailSlots.set(f, { value, grad });
    }
    this.detail.replaceChildren(table);
    this.detail.hidden = false;
  }

  /** Mark a backward step: the unit of its node, and those it passes gradient to. */
  highlight(step) {
    this.clear();
    const at = this.unitOf.get(step.node);
    const current = this.slots.get(at)?.g;
    current?.classList.add("step-current");
    if (current) this.bringIntoView(current);
    for (const c of step.contributions || []) {
      const t = this.unitOf.get(c.target);
      if (t && t !== at) this.slots.get(t)?.g.classList.add("step-target");
    }
  }

  /** Scroll the box (never the window) so that a unit is in it: a phone's network is wider
   * than its box. */
  bringIntoView(g) {
    const r = g.getBoundingClientRect();
    const b = this.box.getBoundingClientRect();
    if (r.left < b.left) this.box.scrollLeft += r.left - b.left - 8;
    else if (r.right > b.right) this.box.scrollLeft += r.right - b.right + 8;
    if (r.top < b.top) this.box.scrollTop += r.top - b.top - 8;
    else if (r.bottom > b.bottom) this.box.scrollTop += r.bottom - b.bottom + 8;
  }

  /** Clear the step marks. */
  clear() {
    for (const g of this.box.querySelectorAll(".step-current, .step-target")) g.classList.remove("step-current", "step-target");
  }
}
