// @ts-check
// The numeric check beside each autodiff gradient, a moment after the last change: the
// server computes it (POST /api/evaluate with `check`), results.js writes it in the table.

import { post } from "./api.js";
import { showCheck } from "./results.js";

const DELAY_MS = 300;

export class FiniteDifferences {
  /** table holds the rows; note says when (and why) the check was skipped. */
  constructor(table, note) {
    this.body = table.tBodies[0];
    this.note = note;
    this.timer = null;
    this.ticket = 0;
    this.abort = null; // cancels the check in flight when the values change again
  }

  /** Check the gradients of data (computed at values) after a pause; a newer call cancels. */
  schedule(data, expression, values) {
    clearTimeout(this.timer);
    this.abort?.abort();
    this.abort = null;
    const ticket = ++this.ticket;
    this.timer = setTimeout(() => this.run(ticket, data, expression, values), DELAY_MS);
  }

  async run(ticket, data, expression, values) {
    const abort = new AbortController();
    this.abort = abort;
    const body = { expression, values, svg: false, check: true, numbers_only: true };
    const answer = await post("/api/evaluate", body, abort.signal).catch(() => null);
    if (ticket !== this.ticket || !answer?.ok || !answer.json.check) return; // a newer answer is shown
    showCheck(this.body, answer.json.check, data.rows, this.note);
  }
}
