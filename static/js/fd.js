// The numeric check beside each autodiff gradient: central differences
// (f(x+h) − f(x−h)) / 2h, two more evaluations per input, a moment after the last change.

import { post } from "./api.js";
import { fmt } from "./format.js";

const DELAY_MS = 300;

export class FiniteDifferences {
  /** table carries data-fd-max (the server's limit); note explains when the check is skipped. */
  constructor(table, note) {
    this.body = table.tBodies[0];
    this.limit = Number(table.dataset.fdMax) || 12;
    this.note = note;
    this.timer = null;
    this.ticket = 0;
    this.abort = null; // cancels the checks in flight when the values change again
  }

  /** Check the gradients of data (computed at values) after a pause; a newer call cancels. */
  schedule(data, expression, inputs, values) {
    clearTimeout(this.timer);
    this.abort?.abort();
    this.abort = null;
    const ticket = ++this.ticket;
    const skipped = inputs.length > this.limit;
    this.note.hidden = !skipped;
    if (skipped) {
      this.note.textContent = `Numeric check skipped: the program has ${inputs.length} inputs, and the check runs for at most ${this.limit} (it evaluates the program twice per input).`;
      for (const td of this.body.querySelectorAll("td.fd")) {
        td.textContent = "–";
        td.title = "skipped: too many inputs";
      }
      return;
    }
    this.timer = setTimeout(() => this.run(ticket, data, expression, inputs, values), DELAY_MS);
  }

  async run(ticket, data, expression, inputs, values) {
    const abort = new AbortController();
    this.abort = abort;
    const results = await Promise.all(
      inputs.map(async (name) => {
        const x = values[name];
        const h = 1e-5 * Math.max(1, Math.abs(x));
        // numbers only: the check reads the output value, nothing else of the answer
        const at = (v) => post("/api/evaluate", { expression, values: { ...values, [name]: v }, numbers_only: true }, abort.signal);
        const [up, down] = await Promise.all([at(x + h), at(x - h)]);
        if (!up.ok || !down.ok || typeof up.json.value !== "number" || typeof down.json.value !== "number") return [name, null];
        return [name, (up.json.value - down.json.value) / (2 * h)];
      }),
    ).catch(() => []);
    if (ticket !== this.ticket) return; // a newer answer is shown
    for (const [name, fd] of results) {
      const node = data.nodes.find((n) => n.name === name && n.op === "" && !n.group);
      const tr = node && this.body.querySelector(`tr[data-node="${node.id}"]`);
      if (!tr) continue;
      const diff = fd === null || typeof node.grad !== "number" ? null : Math.abs(fd - node.grad);
      const cell = tr.querySelector(".fd");
      cell.textContent = fd === null ? "—" : fmt(fd);
      cell.title = fd === null ? "cannot be computed near this value" : "";
      const d = tr.querySelector(".diff");
      d.textContent = diff === null ? "" : fmt(diff, 2);
      d.classList.toggle("fd-bad", diff !== null && diff > 1e-4 * Math.max(1, Math.abs(node.grad)));
    }
  }
}
