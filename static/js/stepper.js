// The backward pass, one step at a time: which node has its turn, what it passes to each
// input, and every gradient as accumulated so far (blank until a first contribution).
// The words of each step come from the server (step.text).

/** State of the backward pass after steps[0..i]: partial gradients and who sent them. */
export function stateAt(data, i) {
  const received = new Map(); // node id -> list of products received so far
  if (data.output_id) received.set(data.output_id, [1]);
  for (let s = 0; s <= i && s < data.steps.length; s++) {
    for (const c of data.steps[s].contributions) {
      if (!received.has(c.target)) received.set(c.target, []);
      received.get(c.target).push(c.product);
    }
  }
  const grads = new Map();
  for (const [id, parts] of received) {
    grads.set(id, parts.reduce((a, b) => (typeof a === "number" && typeof b === "number" ? a + b : "nan"), 0));
  }
  return { received, grads };
}

/** Buttons first / back / next / play / last over n steps; onChange(i) shows step i. */
export class Stepper {
  constructor(buttons, onChange, delay = 900) {
    this.buttons = buttons;
    this.onChange = onChange;
    this.delay = delay;
    this.count = 0;
    this.index = -1;
    this.timer = null;
    buttons.first.addEventListener("click", () => this.go(0));
    buttons.back.addEventListener("click", () => this.go(Math.max(0, this.index - 1)));
    buttons.next.addEventListener("click", () => this.go(Math.min(this.count - 1, this.index + 1)));
    buttons.last.addEventListener("click", () => this.go(this.count - 1));
    buttons.play.addEventListener("click", () => (this.timer ? this.stop() : this.play()));
    this.update();
  }

  /** A new graph: leave stepping when the number of steps changes, else stay put. */
  reset(count) {
    if (count !== this.count) {
      this.stop();
      this.index = -1;
    }
    this.count = count;
    this.index = Math.min(this.index, count - 1);
    this.update();
  }

  go(i, keepPlaying = false) {
    if (!keepPlaying) this.stop();
    if (this.count === 0) return;
    this.index = i;
    this.update();
    this.onChange(this.index);
  }

  play() {
    if (this.count === 0) return;
    if (this.index < 0 || this.index >= this.count - 1) this.go(0);
    this.buttons.play.setAttribute("aria-pressed", "true");
    this.buttons.play.textContent = "Pause";
    this.timer = setInterval(() => {
      if (this.index >= this.count - 1) this.stop();
      else this.go(this.index + 1, true);
    }, this.delay);
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.buttons.play.setAttribute("aria-pressed", "false");
    this.buttons.play.textContent = "Play";
  }

  update() {
    const { first, back, next, last, play } = this.buttons;
    const none = this.count === 0;
    first.disabled = none || this.index === 0;
    back.disabled = none || this.index <= 0;
    next.disabled = none || this.index >= this.count - 1;
    last.disabled = none || this.index === this.count - 1;
    play.disabled = none;
  }
}
