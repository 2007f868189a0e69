// @ts-check
// The graph of the traced datapoint: drawn once per program (POST /api/evaluate, the
// playground's drawing), its numbers patched in place from each snapshot's trace (node id
// -> value, grad and their texts, as the server formats them), and, while training is
// paused, the playground's stepper through that datapoint's backward pass.

import { post } from "./api.js";
import { Drawing } from "./drawing.js";
import { DRAW_DEFAULTS } from "./share.js";
import { viewSize } from "./view.js";
import { Stepper, stateAt } from "./stepper.js";

const PRECISION = DRAW_DEFAULTS.precision; // the server's, as the stream's texts are

export class TraceGraph {
  constructor(box, note, counter, buttons) {
    this.box = box;
    this.counter = counter;
    this.drawing = new Drawing(box, note, PRECISION);
    this.shape = null; // the program drawn now
    this.data = null; // the evaluate answer the stepper walks through
    this.stepper = new Stepper(buttons, (i) => this.showStep(i));
    this.stepper.reset(0);
    this.nodes = [];
  }

  /** Draw the program's graph at values unless it is drawn already; true if drawn now. */
  async draw(expression, values) {
    if (this.shape === expression) return false;
    const answer = await post("/api/evaluate", { expression, values, svg: true, precision: PRECISION, level: DRAW_DEFAULTS.level, view: viewSize(this.box) });
    if (!answer.ok) {
      this.drawing.say(answer.json.detail || "No drawing.");
      return false;
    }
    this.shape = expression;
    this.box.dataset.level = answer.json.level || "ops"; // lines: a box per line or call
    this.drawing.draw(answer.json, "LR");
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
    this.drawing.patch({ nodes });
  }

  /** Paused: fetch the backward steps at these values, so the stepper can walk them. */
  async explain(expression, values) {
    const answer = await post("/api/evaluate", { expression, values, precision: PRECISION, level: DRAW_DEFAULTS.level, view: viewSize(this.box) });
    if (!answer.ok) return;
    this.data = answer.json;
    this.drawing.patch(answer.json);
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
    this.counter.textContent = "Pause training to step through this datapoint's backward pass.";
  }

  showStep(i) {
    const data = this.data;
    if (!data || i < 0 || i >= data.steps.length) return;
    const step = data.steps[i];
    const { grads } = stateAt(data, i);
    this.drawing.highlight(data, step, grads);
    const words = step.text && step.text.length ? step.text.join(" ") : `${step.label || step.node} passes its gradient to its inputs.`;
    this.counter.textContent = `Step ${i + 1} of ${data.steps.length}: ${words}`;
  }
}
