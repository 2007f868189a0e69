// @ts-check
// The graph of the traced datapoint, in one of two views: the network (network.js, drawn in
// the page from /api/evaluate's nodes and edges: the default) or every operation (the
// server's drawing, the playground's). Drawn once per program and view, its numbers patched
// in place from each snapshot's trace (node id -> value, grad and their texts, as the server
// formats them), and, while training is paused, a stepper through that datapoint's backward
// pass marked on the view shown.

import { post } from "./api.js";
import { Drawing } from "./drawing.js";
import { DRAW_DEFAULTS } from "./share.js";
import { viewSize } from "./view.js";
import { Stepper, stateAt } from "./stepper.js";
import { NetworkView } from "./network.js";

const PRECISION = DRAW_DEFAULTS.precision; // the server's, as the stream's texts are

export class TraceGraph {
  /** box: the graph's box; note: why there is no drawing; counter: the steps' words;
   * buttons: the stepper's; detail: where a unit's parameters are listed. */
  constructor(box, note, counter, buttons, detail) {
    this.box = box;
    this.counter = counter;
    this.drawing = new Drawing(box, note, PRECISION);
    this.network = new NetworkView(box, detail);
    this.view = "network"; // or "ops": every operation, the server's drawing
    this.shape = null; // the program (and view) drawn now
    this.data = null; // the evaluate answer the stepper walks through
    /** @type {Set<string>} */
    this.columns = new Set(); // the data's names: input units (the other inputs are parameters)
    this.stepper = new Stepper(buttons, (i) => this.showStep(i));
    this.stepper.reset(0);
    this.nodes = [];
    new ResizeObserver(() => this.view === "network" && this.network.fit()).observe(box);
  }

  /** Draw the program's graph at values unless it is drawn already; true if drawn now. */
  async draw(expression, values, columns) {
    this.columns = new Set(columns);
    const shape = `${this.view}\n${expression}`;
    if (this.shape === shape) return false;
    const network = this.view === "network";
    const body = { expression, values, svg: !network, precision: PRECISION, level: DRAW_DEFAULTS.level, view: network ? null : viewSize(this.box) };
    const answer = await post("/api/evaluate", body);
    if (!answer.ok) {
      this.drawing.say(answer.json.detail || "No drawing.");
      return false;
    }
    this.shape = shape;
    this.box.classList.toggle("network-view", network);
    if (network) {
      this.drawing.panZoom.forget();
      this.box.dataset.level = "network";
      this.box.setAttribute("role", "group");
      this.box.setAttribute("aria-label", "The network of the traced datapoint's loss: a unit per line, its parameters inside");
      this.network.show(answer.json, this.columns, PRECISION);
    } else {
      this.network.open(null);
      this.box.dataset.level = answer.json.level || "ops"; // lines: a box per line or call
      this.box.setAttribute("role", "img");
      this.box.setAttribute("aria-label", "Computation graph of the traced datapoint's loss");
      this.drawing.draw(answer.json, "LR");
    }
    this.data = null;
    this.stepper.reset(0);
    return true;
  }

  forget() {
    this.shape = null;
  }

  /** A snapshot's numbers onto the drawing on screen (nothing is laid out again). */
  patch(trace) {
    if (!trace || !trace.nodes) return;
    const nodes = this.nodes;
    let k = 0;
    for (const id in trace.nodes) {
      const [, , valueText, gradText] = trace.nodes[id];
      const n = nodes[k] || (nodes[k] = {});
      n.id = id;
      n.value_text = valueText;
      n.grad_text = gradText;
      k++;
    }
    nodes.length = k;
    if (this.view === "network") this.network.patch(trace.nodes);
    else this.drawing.patch({ nodes });
  }

  /** Paused: fetch the backward steps at these values, so the stepper can walk them. */
  async explain(expression, values) {
    const answer = await post("/api/evaluate", { expression, values, precision: PRECISION, level: DRAW_DEFAULTS.level, view: viewSize(this.box) });
    if (!answer.ok) return;
    this.data = answer.json;
    if (this.view !== "network") this.drawing.patch(answer.json);
    this.stepper.reset(answer.json.steps.length);
    this.counter.textContent = `${answer.json.steps.length} backward steps: press Next to walk through them.`;
  }

  /** Training again: leave the stepper and clear its marks. */
  leave() {
    this.stepper.stop();
    this.data = null;
    this.stepper.reset(0);
    for (const g of this.box.querySelectorAll(".step-current, .step-target, .step-edge")) {
      g.classList.remove("step-current", "step-target", "step-edge");
    }
    this.network.clear();
    this.counter.textContent = "Pause training to step through this datapoint's backward pass.";
  }

  showStep(i) {
    const data = this.data;
    if (!data || i < 0 || i >= data.steps.length) return;
    const step = data.steps[i];
    if (this.view === "network") this.network.highlight(step);
    else this.drawing.highlight(data, step, stateAt(data, i).grads);
    const words = step.text && step.text.length ? step.text.join(" ") : `${step.label || step.node} passes its gradient to its inputs.`;
    this.counter.textContent = `Step ${i + 1} of ${data.steps.length}: ${words}`;
  }
}
