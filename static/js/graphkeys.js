// @ts-check
// The graph by keyboard and screen reader. The focused graph (#graph, role application)
// keeps DOM focus and points aria-activedescendant at one node: the arrow keys move that
// focus along the edges (towards the inputs or the uses, and between the inputs of one node),
// Enter expands or collapses a unit (or selects the node), Space selects it, Home goes to the
// output. Each node is named from its drawing (name, operation, value, gradient, inputs,
// uses); the SVG gets a <title> and a <desc>. The values table is the graph's twin: its rows
// select their node ("chainrule:select") and follow the graph's selection ("chainrule:selected").
// Shift + arrows pan and + / − / 0 zoom (graphview.js); the pan buttons do the same by pointer.

import { SVG_NS } from "./sanitize.js";
import { NODE, boxWords, edgeEnds, nodeIdOf } from "./svg-contract.js";

/** Read the drawing: value nodes (copies folded into their original) and their edges. */
export function readGraph(svg) {
  const nodes = new Map(); // id -> { g, inputs: [], uses: [] }
  const canon = new Map(); // any drawn id (op-nK, a copy) -> the value node's id
  for (const g of svg.querySelectorAll("g.node")) {
    const id = nodeIdOf(g);
    if (!NODE.test(id)) continue;
    canon.set(g.id, id);
    if (g.id === id || g.classList.contains("series")) nodes.set(id, { g, inputs: [], uses: [], op: "" });
  }
  for (const g of svg.querySelectorAll("g.node.op")) {
    const node = nodes.get(canon.get(g.id));
    if (node) node.op = g.querySelector("text")?.textContent.trim() || "";
  }
  for (const edge of svg.querySelectorAll("g.edge")) {
    const ends = edgeEnds(edge);
    const [from, to] = ends ? ends.map((s) => canon.get(s)) : [];
    if (!from || !to || from === to || !nodes.has(from) || !nodes.has(to)) continue;
    const a = nodes.get(from);
    const b = nodes.get(to);
    if (!a.uses.includes(to)) a.uses.push(to);
    if (!b.inputs.includes(from)) b.inputs.push(from);
    edge.setAttribute("aria-hidden", "true");
  }
  return nodes;
}

/** The words a node's drawing shows: name, operation, value and gradient. */
function fields(node) {
  const words = boxWords(node.g);
  return { ...words, op: node.op || words.op };
}

/** The node's accessible name: "c = a + b: value 3, gradient 2; inputs a, b; used by e". */
export function describe(nodes, id) {
  const node = nodes.get(id);
  const f = fields(node);
  const names = (ids) => ids.map((k) => fields(nodes.get(k)).name).join(", ");
  const kind = ["input", "constant", "output", "unit"].find((c) => node.g.classList.contains(c));
  const ins = names(node.inputs);
  const formula = f.op && node.inputs.length ? ` = ${node.inputs.length === 2 ? names(node.inputs.slice(0, 1)) + " " + f.op + " " + names(node.inputs.slice(1)) : `${f.op}(${ins})`}` : "";
  const parts = [`${f.name}${formula}${kind ? ` (${kind})` : ""}`];
  parts.push(`value ${f.value || "not shown"}, gradient ${f.grad || "not yet computed"}`);
  if (ins) parts.push(`inputs ${ins}`);
  parts.push(node.uses.length ? `used by ${names(node.uses)}` : "used by nothing: the output");
  if (kind === "unit") parts.push(node.g.classList.contains("expanded") ? "expanded, Enter collapses" : "Enter expands");
  return parts.join("; ");
}

export class GraphKeys {
  /** box: #graph; view: the PanZoom (reveal, pan); table: the values table's body. */
  constructor(box, view, table) {
    this.box = box;
    this.view = view;
    this.table = table;
    this.nodes = new Map();
    this.active = null;
    this.siblings = null; // the list Up/Down (Left/Right top-to-bottom) move in
    this.vertical = null; // the drawing runs top to bottom (null: not measured yet)
    box.setAttribute("role", "application");
    box.setAttribute("aria-roledescription", "computation graph");
    if (box.ownerDocument.getElementById("graph-keys")) box.setAttribute("aria-describedby", "graph-keys");
    // capture on the panel: plain arrows move between nodes before graphview pans with them
    (box.parentElement || box).addEventListener("keydown", (e) => e.target === box && this.onKey(e), true);
    box.addEventListener("focus", () => this.onFocus());
    box.addEventListener("chainrule:selected", (e) => this.follow(e.detail?.id));
    new MutationObserver(() => this.attach()).observe(box, { childList: true });
    if (table) {
      table.addEventListener("click", (e) => this.fromRow(e.target.closest("tr")));
      table.addEventListener("keydown", (e) => this.rowKey(e));
    }
    this.attach();
  }

  get svg() {
    return this.box.querySelector(":scope > svg");
  }

  /** A drawing was put in the box: read it, name it, keep the focused node if still drawn. */
  attach() {
    const svg = this.svg;
    if (!svg || svg === this.seen) return;
    this.seen = svg;
    this.nodes = readGraph(svg);
    this.siblings = null;
    const ids = [...this.nodes.keys()];
    this.vertical = null; // measured at the first key (the layout is in view by then)
    for (const node of this.nodes.values()) node.g.setAttribute("role", "img");
    this.label(svg, ids);
    // every node's name, after the picture is painted (not on the way to the first picture)
    clearTimeout(this.naming);
    this.naming = setTimeout(() => this.nameAll(), 0);
    if (!this.nodes.has(this.active)) this.active = null;
    this.show(this.active, false);
  }

  /** Name every node from what its drawing shows now (numbers are patched in place). */
  nameAll() {
    for (const id of this.nodes.keys()) this.nodes.get(id).g.setAttribute("aria-label", describe(this.nodes, id));
  }

  /** Give the SVG a <title> and a <desc> saying what the picture holds. */
  label(svg, ids) {
    for (const el of svg.querySelectorAll(":scope > title, :scope > desc")) el.remove();
    const output = ids.find((id) => this.nodes.get(id).uses.length === 0 && this.nodes.get(id).g.classList.contains("output"));
    const out = output ? fields(this.nodes.get(output)) : null;
    const inputs = ids.filter((id) => this.nodes.get(id).g.classList.contains("input")).map((id) => fields(this.nodes.get(id)).name);
    const title = document.createElementNS(SVG_NS, "title");
    title.id = "graph-svg-title";
    title.textContent = `Computation graph${out ? ` of ${out.name}` : ""}`;
    const desc = document.createElementNS(SVG_NS, "desc");
    desc.id = "graph-svg-desc";
    const edges = ids.reduce((n, id) => n + this.nodes.get(id).inputs.length, 0);
    desc.textContent = `${ids.length} nodes and ${edges} edges${out ? `; output ${out.name} = ${out.value}` : ""}${inputs.length ? `; inputs ${inputs.join(", ")}` : ""}. The table of values and gradients lists the same nodes.`;
    svg.prepend(title, desc);
    svg.setAttribute("role", "group");
    svg.setAttribute("aria-labelledby", "graph-svg-title");
    svg.setAttribute("aria-describedby", "graph-svg-desc");
  }

  isVertical(ids) {
    const view = this.view;
    for (const id of ids) {
      const node = this.nodes.get(id);
      const a = view?.centreOf?.(id);
      const b = node.uses.length ? view?.centreOf?.(node.uses[0]) : null;
      if (a && b) return Math.abs(b.y - a.y) > Math.abs(b.x - a.x);
    }
    return false;
  }

  /** Focus came to the graph: show a focused node (the selected one, else the output). */
  onFocus() {
    if (this.nodes.size === 0) return;
    this.nameAll(); // the values may have changed since the drawing was named
    if (this.active) return;
    const selected = this.svg?.querySelector("g.node.selected");
    const start = selected && this.nodes.has(selected.id) ? selected.id : this.output();
    this.show(start, true);
  }

  output() {
    const ids = [...this.nodes.keys()];
    return ids.find((id) => this.nodes.get(id).g.classList.contains("output")) || ids.find((id) => this.nodes.get(id).uses.length === 0) || ids[0];
  }

  /** Make id the focused node: marked, named as the active descendant, in view. */
  show(id, reveal = true) {
    for (const g of this.box.querySelectorAll("g.kbd-focus")) g.classList.remove("kbd-focus");
    this.active = id && this.nodes.has(id) ? id : null;
    if (!this.active) {
      this.box.removeAttribute("aria-activedescendant");
      return;
    }
    const node = this.nodes.get(this.active);
    node.g.classList.add("kbd-focus");
    node.g.setAttribute("aria-label", describe(this.nodes, this.active)); // numbers change
    this.box.setAttribute("aria-activedescendant", this.active);
    if (reveal) this.view?.reveal?.(this.active);
  }

  move(toward) {
    const node = this.nodes.get(this.active);
    if (!node) return this.show(this.output());
    if (toward === "inputs" || toward === "uses") {
      const list = node[toward];
      if (!list.length) return;
      this.siblings = list;
      // back along the way we came when that node is among them
      const to = list.includes(this.from) ? this.from : list[0];
      this.from = this.active;
      return this.show(to);
    }
    const list = this.siblings && this.siblings.includes(this.active) ? this.siblings : [...this.nodes.keys()];
    const k = list.indexOf(this.active) + (toward === "next" ? 1 : -1);
    if (k >= 0 && k < list.length) this.show(list[k]);
  }

  onKey(e) {
    if (e.altKey || e.ctrlKey || e.metaKey || this.nodes.size === 0) return;
    if (e.shiftKey) return; // Shift + arrows: graphview pans
    if (this.vertical === null) this.vertical = this.isVertical([...this.nodes.keys()]);
    const [back, fwd, prev, next] = this.vertical ? ["ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight"] : ["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown"];
    const act = {
      [back]: () => this.move("inputs"),
      [fwd]: () => this.move("uses"),
      [prev]: () => this.move("prev"),
      [next]: () => this.move("next"),
      Home: () => this.show(this.output()),
      Enter: () => this.enter(),
      " ": () => this.select(this.active, "keyboard"),
    }[e.key];
    if (!act) return;
    e.preventDefault();
    e.stopPropagation();
    if (!this.active && e.key !== "Home") this.show(this.output());
    else act();
  }

  enter() {
    const node = this.nodes.get(this.active);
    if (!node) return;
    if (node.g.classList.contains("unit")) this.box.dispatchEvent(new CustomEvent("chainrule:toggle", { detail: { id: this.active }, bubbles: true }));
    else this.select(this.active, "keyboard");
  }

  /** Ask for a selection (the playground selects the node and its row, then says so). */
  select(id, source) {
    if (!id) return;
    this.box.dispatchEvent(new CustomEvent("chainrule:select", { detail: { id, source }, bubbles: true }));
  }

  /** A node was selected (by any means): the graph's focus and the table's row follow it. */
  follow(id) {
    if (!id) return;
    if (this.nodes.has(id)) this.show(id, false);
    for (const tr of this.table?.rows || []) {
      if (tr.dataset.node === id) tr.setAttribute("aria-current", "true");
      else tr.removeAttribute("aria-current");
    }
  }

  fromRow(tr) {
    if (tr?.dataset.node) this.select(tr.dataset.node, "table");
  }

  /** In the table: Enter / Space select the row's node, Up / Down move between rows. */
  rowKey(e) {
    const tr = e.target.closest?.("tr");
    if (!tr || e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      this.fromRow(tr);
    } else if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      const to = e.key === "ArrowDown" ? tr.nextElementSibling : tr.previousElementSibling;
      if (to) {
        e.preventDefault();
        to.focus();
      }
    }
  }
}

/** Move the view by a tenth of its size (the pan buttons; Shift + arrows do the same). */
export function pan(view, fx, fy) {
  if (view?.box) view.panBy((fx * view.box.w) / 10, (fy * view.box.h) / 10);
}

/** Wire the graph of the page: keys, names, the table's twin and the pan buttons. */
export function attachGraphKeys(box, view, doc = document) {
  const keys = new GraphKeys(box, view, doc.getElementById("values-body"));
  const buttons = { "pan-left": [-1, 0], "pan-right": [1, 0], "pan-up": [0, -1], "pan-down": [0, 1] };
  for (const [id, [fx, fy]] of Object.entries(buttons)) doc.getElementById(id)?.addEventListener("click", () => pan(view, fx, fy));
  return keys;
}
