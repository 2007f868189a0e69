// The drawing on screen: the server's SVG shown once per structure, its numbers patched in
// place on a value change (the SVG contract: in g#nK the last four texts are "value",
// value_text, "grad", grad_text), and the backward pass highlighted step by step.

import { fmt } from "./format.js";
import { PanZoom } from "./graphview.js";
import { sanitizeSvg } from "./sanitize.js";

export class Drawing {
  /** box holds the SVG; note says why there is no picture; precision as the server's. */
  constructor(box, note, precision) {
    this.box = box;
    this.note = note;
    this.precision = precision;
    this.panZoom = new PanZoom(box);
    this.fields = new Map(); // node id -> [field] of its boxes: { g, value, grad, prefix, want }
    this.byBox = new Map(); // <g> -> its field
    this.panZoom.culler.onShow = (g) => {
      const f = this.byBox.get(g);
      if (f && f.dirty) this.write(f);
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
    const shape = data.nodes.map((n) => n.id + n.op).join(",") + rankdir;
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
    for (const g of svg.querySelectorAll("g.node.value")) {
      const copyOf = [...g.classList].find((c) => c.startsWith("copy-of-"));
      const id = copyOf ? copyOf.slice(8) : g.id;
      const texts = g.querySelectorAll("text");
      const n = texts.length;
      let f = null;
      if (n >= 4 && texts[n - 4].textContent === "value" && texts[n - 2].textContent === "grad") {
        f = { value: texts[n - 3], grad: texts[n - 1], prefix: "" };
      } else {
        // an older drawing: "value 2" and "grad 5" in one text each
        const v = [...texts].find((t) => t.textContent.startsWith("value "));
        const gr = [...texts].find((t) => t.textContent.startsWith("grad "));
        if (v && gr) f = { value: v, grad: gr, prefix: " " };
      }
      if (!f) continue;
      f.g = g;
      f.gradText = f.grad.textContent;
      f.want = { value: f.value.textContent, grad: f.gradText, pending: false };
      f.dirty = false;
      this.byBox.set(g, f);
      if (!this.fields.has(id)) this.fields.set(id, []);
      this.fields.get(id).push(f);
    }
  }

  text(n, key) {
    return n[`${key}_text`] ?? fmt(n[key], this.precision);
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
    svg.querySelector(`g[id="${step.node}"]`)?.classList.add("step-current");
    svg.querySelector(`g[id="op-${step.node}"]`)?.classList.add("step-current");
    for (const c of step.contributions) svg.querySelector(`g[id="${c.target}"]`)?.classList.add("step-target");
    data.edges.forEach((e, k) => {
      if (e.target === step.node && (e.kind || "input") === "input") svg.querySelector(`g[id="e${k}"]`)?.classList.add("step-edge");
    });
    for (const [id, fields] of this.fields) {
      const has = grads.has(id);
      const text = has ? fmt(grads.get(id), this.precision) : "";
      for (const f of fields) {
        f.want = { value: f.want.value, grad: has ? (f.prefix ? `grad ${text}` : text) : f.gradText, pending: !has };
        this.write(f);
      }
    }
    this.panZoom.reveal(step.node);
  }
}
