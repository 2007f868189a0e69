// The table of values and gradients and the list of backward steps (in the server's words),
// rebuilt when the program's shape changes and updated in place when only values do.

import { fmt } from "./format.js";

const $ = (id) => document.getElementById(id);

function cell(text, className) {
  const td = document.createElement("td");
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

/** The rows of every input (in the order of names) and named node. */
export function buildTable(body, data, names) {
  const rows = data.nodes.filter((n) => n.name && !n.group);
  const rank = (n) => (n.kind === "input" ? names.indexOf(n.name) : names.length);
  rows.sort((a, b) => rank(a) - rank(b));
  const trs = body.rows;
  if (trs.length === rows.length && rows.every((n, i) => trs[i].dataset.node === n.id)) {
    rows.forEach((n, i) => {
      trs[i].querySelector(".value").textContent = fmt(n.value);
      trs[i].querySelector(".grad").textContent = fmt(n.grad);
      if (n.kind === "input") for (const td of trs[i].querySelectorAll(".fd, .diff")) td.textContent = "";
    });
    return;
  }
  body.replaceChildren(
    ...rows.map((n) => {
      const tr = document.createElement("tr");
      tr.dataset.node = n.id;
      tr.className = `kind-${n.kind}`;
      tr.tabIndex = 0;
      const th = document.createElement("th");
      th.scope = "row";
      th.textContent = n.name;
      tr.append(th, cell(n.kind), cell(fmt(n.value), "num value"), cell(fmt(n.grad), "num grad"), cell("", "num fd"), cell("", "num diff"));
      return tr;
    }),
  );
  requestAnimationFrame(showTableOverflow);
}

/** On a narrow screen, say that the table scrolls sideways to more columns. */
export function showTableOverflow() {
  const wrap = $("table-wrap");
  $("table-more").hidden = wrap.scrollWidth <= wrap.clientWidth + 1;
}

/** The table during stepping: each gradient as the sum of what it has received so far. */
export function showTableAt(body, received, current) {
  for (const tr of body.rows) {
    const id = tr.dataset.node;
    const parts = received.get(id);
    tr.classList.toggle("step-current", id === current);
    tr.querySelector(".grad").textContent = parts ? gradSum(parts) : "";
  }
}

function gradSum(parts) {
  const total = parts.reduce((a, b) => a + b, 0);
  return parts.length > 1 ? `${parts.map((p) => fmt(p)).join(" + ")} = ${fmt(total)}` : fmt(total);
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
