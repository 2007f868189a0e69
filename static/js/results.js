// @ts-check
// The table of values and gradients and the list of backward steps (in the server's words),
// rebuilt when the program's shape changes and updated in place when only values do.

import { fmt } from "./format.js";

import { $ } from "./dom.js";

function cell(text, className) {
  const td = document.createElement("td");
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

/** The table's rows as the answer gives them (`rows`: inputs in the order of first use,
 * then named nodes, the numbers already written): rebuilt when the rows change, else the
 * texts are updated in place (and the numeric check of the old values is cleared). */
export function buildTable(body, rows) {
  const trs = body.rows;
  if (trs.length === rows.length && rows.every((r, i) => trs[i].dataset.node === r.id)) {
    rows.forEach((r, i) => {
      trs[i].querySelector(".value").textContent = r.value_text;
      trs[i].querySelector(".grad").textContent = r.grad_text;
      for (const td of trs[i].querySelectorAll(".fd, .diff")) td.textContent = "";
    });
    return;
  }
  body.replaceChildren(
    ...rows.map((r) => {
      const tr = document.createElement("tr");
      tr.dataset.node = r.id;
      tr.className = `kind-${r.kind}`;
      tr.tabIndex = 0;
      const th = document.createElement("th");
      th.scope = "row";
      th.textContent = r.name;
      tr.append(th, cell(r.kind), cell(r.value_text, "num value"), cell(r.grad_text, "num grad"), cell("", "num fd"), cell("", "num diff"));
      return tr;
    }),
  );
  requestAnimationFrame(showTableOverflow);
}

/** The numeric check as the answer gives it (`check`), written into the inputs' rows. */
export function showCheck(body, check, rows, note) {
  note.hidden = !check.note;
  note.textContent = check.note || "";
  const ids = new Map(rows.filter((r) => r.kind === "input").map((r) => [r.name, r.id]));
  if (check.skipped) {
    for (const td of body.querySelectorAll("tr.kind-input td.fd")) {
      td.textContent = "–";
      td.title = "skipped";
    }
    return;
  }
  for (const c of check.inputs) {
    const tr = body.querySelector(`tr[data-node="${ids.get(c.name)}"]`);
    if (!tr) continue;
    const fd = tr.querySelector(".fd");
    fd.textContent = c.fd_text;
    fd.title = c.fd === null ? "cannot be computed near this value" : "";
    const diff = tr.querySelector(".diff");
    diff.textContent = c.diff_text;
    diff.classList.toggle("fd-bad", c.bad);
  }
}

/** On a narrow screen, say that the table scrolls sideways to more columns. */
export function showTableOverflow() {
  const wrap = $("table-wrap");
  $("table-more").hidden = wrap.scrollWidth <= wrap.clientWidth + 1;
}

/** The table during stepping: each gradient as the sum of what it has received so far. */
export function showTableAt(body, received, current, precision) {
  for (const tr of body.rows) {
    const id = tr.dataset.node;
    const parts = received.get(id);
    tr.classList.toggle("step-current", id === current);
    tr.querySelector(".grad").textContent = parts ? gradSum(parts, precision) : "";
  }
}

function gradSum(parts, precision) {
  const total = parts.reduce((a, b) => a + b, 0);
  const text = (x) => fmt(x, precision);
  return parts.length > 1 ? `${parts.map(text).join(" + ")} = ${text(total)}` : text(total);
}

/** The backward steps, one item per step, one line per text line. */
export function buildSteps(list, data) {
  list.classList.toggle("long", data.steps.length > 100); // off-screen steps skip layout
  const items = list.children;
  const same = items.length === data.steps.length
    && data.steps.every((step, i) => items[i].dataset.node === step.node && items[i].children.length === (step.text || []).length);
  if (same) {
    // the same steps with new numbers: change the words only where they changed
    data.steps.forEach((step, i) => {
      const spans = items[i].children;
      step.text.forEach((line, k) => {
        if (spans[k].textContent !== line) spans[k].textContent = line;
      });
    });
    return;
  }
  list.replaceChildren(
    ...data.steps.map((step) => {
      const li = document.createElement("li");
      li.dataset.node = step.node;
      (step.text || []).forEach((line, k) => {
        const span = document.createElement("span");
        span.className = k === 0 ? "step-node" : "contribution";
        span.textContent = line;
        li.append(span);
      });
      return li;
    }),
  );
  list.removeAttribute("start");
  $("steps-more")?.remove();
}
