// @ts-check
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

/** Buttons first / back / next / play / last over n steps; onChange(i) shows step i.
 * A control at its end is aria-disabled, not disabled, so keyboard focus stays on it; the
 * arrow keys (and Home / End) step while any control of the stepper has focus; every step
 * is announced in the live region (its words read from the list of steps on the page). */
export class Stepper {
  constructor(buttons, onChange, delay = 900, doc = document) {
    this.buttons = buttons;
    this.onChange = onChange;
    this.delay = delay;
    this.count = 0;
    this.index = -1;
    this.timer = null;
    this.live = doc.getElementById("step-live");
    this.list = doc.getElementById("steps");
    const on = (button, action) =>
      button.addEventListener("click", () => {
        if (button.getAttribute("aria-disabled") !== "true") action();
      });
    on(buttons.first, () => this.go(0));
    on(buttons.back, () => this.go(Math.max(0, this.index - 1)));
    on(buttons.next, () => this.go(Math.min(this.count - 1, this.index + 1)));
    on(buttons.last, () => this.go(this.count - 1));
    on(buttons.play, () => (this.timer ? this.stop() : this.play()));
    buttons.first.parentElement?.addEventListener("keydown", (e) => this.onKey(e));
    this.update();
  }

  /** Arrow keys step (right/down: next, left/up: back), Home / End go to either end. */
  onKey(e) {
    if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey || this.count === 0) return;
    const last = this.count - 1;
    const to = {
      ArrowRight: Math.min(last, this.index + 1),
      ArrowDown: Math.min(last, this.index + 1),
      ArrowLeft: Math.max(0, this.index - 1),
      ArrowUp: Math.max(0, this.index - 1),
      Home: 0,
      End: last,
    }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    this.go(to);
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
    this.announce();
  }

  /** Say the step in words: "Step 3 of 7: grad c = 2; ∂e/∂c = d = 2". */
  announce() {
    if (!this.live) return;
    const item = this.list?.children[this.index];
    const words = item ? [...item.children].map((s) => s.textContent.replace(/\s+/g, " ").trim()).filter(Boolean) : [];
    const head = `Step ${this.index + 1} of ${this.count}`;
    this.live.textContent = words.length ? `${head}: ${words.join("; ")}` : head;
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
    const off = (button, yes) => button.setAttribute("aria-disabled", String(Boolean(yes)));
    off(first, none || this.index === 0);
    off(back, none || this.index <= 0);
    off(next, none || this.index >= this.count - 1);
    off(last, none || this.index === this.count - 1);
    off(play, none);
  }
}
