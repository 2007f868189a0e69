// @ts-check
// The drawing on screen: the server's SVG shown once per structure, its numbers patched in
// place on a value change (the number slots of svg-contract.js), and the backward pass
// highlighted step by step.

import { fmt } from "./format.js";
import { PanZoom } from "./graphview.js";
import { sanitizeSvg } from "./sanitize.js";
import { answerEdge, boxOf, edgesInto, numberSlots, opIdOf, valueBoxes } from "./svg-contract.js";

/** Write new numbers into a drawing in container: nodes are [{ id, value_text, grad_text }]
 * (the /live page patches a datapoint's drawing with it each snapshot). */
export function patchNumbers(container, nodes) {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  for (const g of valueBoxes(container)) {
    for (const f of numberSlots(g)) {
      const n = byId.get(f.id);
      if (!n) continue;
      if (f.value.textContent !== n.value_text) f.value.textContent = n.value_text;
      if (f.grad.textContent !== n.grad_text) f.grad.textContent = n.grad_text;
    }
  }
}

export class Drawing {
  /** box holds the SVG; note says why there is no picture; precision as the server's. */
  constructor(box, note, precision) {
    this.box = box;
    this.note = note;
    this.precision = precision;
    this.panZoom = new PanZoom(box);
    this.fields = new Map(); // node id -> [field] of its boxes: { g, value, grad, prefix, want }
    this.byBox = new Map(); // <g> -> its field
    this.owner = new Map(); // node id -> the drawn box showing it (lines level)
    this.panZoom.culler.onShow = (g) => {
      for (const f of this.byBox.get(g) || []) if (f.dirty) this.write(f);
    };
  }

  /** Write the numbers a field should show (now if its box is on screen, else when it is). */
  write(f) {
    if (f.g.hasAttribute("display")) {
      f.dirty = true;
      return;
    }
    f.dirty = false;
    const { value, grad, pending } = f.want;
    if (f.value.textContent !== value) f.value.textContent = value;
    if (f.grad.textContent !== grad) f.grad.textContent = grad;
    if (f.grad.classList.contains("grad-pending") !== pending) f.grad.classList.toggle("grad-pending", pending);
  }

  get svg() {
    return this.box.querySelector(":scope > svg");
  }

  /** Take over a drawing the server put in the page; focus is the node to centre. */
  adopt(svg, focus) {
    svg.dataset.shape = "served";
    this.panZoom.show(svg, false, focus);
    this.index(svg);
  }

  /** Show the drawing of an evaluate answer (or say why there is none). */
  draw(data, rankdir) {
    this.fields.clear();
    if (!data.svg) {
      this.say(data.svg_error || "No drawing.");
      this.box.replaceChildren();
      return;
    }
    let svg;
    try {
      svg = sanitizeSvg(data.svg);
    } catch (err) {
      this.say(err.message);
      return;
    }
    this.note.hidden = true;
    const previous = this.svg;
    this.setUnits(data);
    const shape = data.nodes.map((n) => n.id + n.op).join(",") + rankdir + (data.level || "") + (data.units || []).length;
    const sameShape = Boolean(previous) && previous.dataset.shape === shape;
    svg.dataset.shape = shape;
    this.panZoom.show(svg, sameShape, data.output_id);
    this.index(svg);
    this.box.setAttribute("aria-label", `Computation graph of ${data.output}`);
  }

  say(text) {
    this.note.textContent = text;
    this.note.hidden = false;
  }

  /** Index the number fields of every drawn value node (and of its dashed copies). */
  index(svg) {
    this.fields.clear();
    this.byBox.clear();
    for (const g of valueBoxes(svg)) {
      const found = numberSlots(g);
      if (!found.length) {
        // an older drawing: "value 2" and "grad 5" in one text each
        const texts = [...g.querySelectorAll("text")];
        const v = texts.find((t) => t.textContent.startsWith("value "));
        const gr = texts.find((t) => t.textContent.startsWith("grad "));
        if (v && gr) found.push({ id: g.id, value: v, grad: gr, prefix: " " });
      }
      const mine = [];
      for (const f of found) {
        f.prefix = f.prefix || "";
        f.g = g;
        f.gradText = f.grad.textContent;
        f.want = { value: f.value.textContent, grad: f.gradText, pending: false };
        f.dirty = false;
        mine.push(f);
        if (!this.fields.has(f.id)) this.fields.set(f.id, []);
        this.fields.get(f.id).push(f);
      }
      this.byBox.set(g, mine);
    }
  }

  text(n, key) {
    return n[`${key}_text`] ?? fmt(n[key], this.precision);
  }

  /** The lean answer to a value change: numbers in node order (node k is id nK). */
  patchLean(lean) {
    for (const [id, fields] of this.fields) {
      const k = Number(id.slice(1));
      const value = lean.value_texts[k];
      const grad = lean.grad_texts[k];
      if (value === undefined) continue;
      for (const f of fields) {
        f.gradText = f.prefix ? `grad ${grad}` : grad;
        f.want = { value: f.prefix ? `value ${value}` : value, grad: f.gradText, pending: false };
        this.write(f);
      }
    }
  }

  /** The box that shows node id: itself, or (lines level) the unit it is drawn in. */
  drawnId(id) {
    if (this.svg && boxOf(this.svg, id)) return id;
    return this.owner.get(id) || id;
  }

  /** Learn which unit shows each node of a lines-level answer. */
  setUnits(data) {
    this.owner = new Map();
    for (const u of data.units || []) {
      for (const m of u.members) this.owner.set(m, u.id);
      for (const i of u.inside) this.owner.set(i, u.id);
    }
  }

  /** New values on the drawing on screen: only the numbers change, nothing is laid out. */
  patch(data) {
    for (const n of data.nodes) {
      const fields = this.fields.get(n.id);
      if (!fields) continue;
      const value = this.text(n, "value");
      const grad = this.text(n, "grad");
      for (const f of fields) {
        f.gradText = f.prefix ? `grad ${grad}` : grad;
        f.want = { value: f.prefix ? `value ${value}` : value, grad: f.gradText, pending: false };
        this.write(f);
      }
    }
  }

  /** Highlight step (its node, inputs and edges); show the gradients known so far. */
  highlight(data, step, grads) {
    const svg = this.svg;
    if (!svg) return;
    for (const g of svg.querySelectorAll(".step-current, .step-target, .step-edge")) g.classList.remove("step-current", "step-target", "step-edge");
    const current = this.drawnId(step.node); // inside a collapsed unit: the unit
    svg.querySelector(`g[id="${current}"]`)?.classList.add("step-current");
    svg.querySelector(`g[id="${opIdOf(step.node)}"]`)?.classList.add("step-current");
    for (const c of step.contributions) {
      const t = this.drawnId(c.target);
      if (t !== current) svg.querySelector(`g[id="${t}"]`)?.classList.add("step-target");
    }
    for (const g of edgesInto(svg, current)) g.classList.add("step-edge");
    data.edges.forEach((e, k) => {
      if (e.target === step.node && (e.kind || "input") === "input") answerEdge(svg, k)?.classList.add("step-edge");
    });
    for (const [id, fields] of this.fields) {
      const has = grads.has(id);
      const text = has ? fmt(grads.get(id), this.precision) : "";
      for (const f of fields) {
        f.want = { value: f.want.value, grad: has ? (f.prefix ? `grad ${text}` : text) : f.gradText, pending: !has };
        this.write(f);
      }
    }
    this.panZoom.reveal(current);
  }
}
