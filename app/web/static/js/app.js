// The playground: live evaluation through POST /api/evaluate while the learner types.
// A value change on an unchanged program asks for numbers only and patches them into the
// drawing; a new picture is fetched only when the program or a drawing option changes.
// User text only ever reaches the page through textContent, attributes and form values.

import { getJson, post } from "./api.js";
import { Editor } from "./editor.js";
import { FiniteDifferences } from "./fd.js";
import { fmt } from "./format.js";
import { PanZoom, sanitizeSvg } from "./graphview.js";
import { DEFAULT_VALUE, Inputs } from "./inputs.js";
import { queryString, updateLinks, wireCopy } from "./share.js";
import { Stepper, stateAt } from "./stepper.js";

const $ = (id) => document.getElementById(id);
const DEBOUNCE_MS = 250;
const PRECISION = 4;

const editor = new Editor($("expression"), $("gutter"), $("backdrop"), $("cursor-pos"));
const graphBox = $("graph");
const panZoom = new PanZoom(graphBox);
const tableBody = $("values-body");
const fd = new FiniteDifferences($("values-table"), $("fd-note"));

const state = {
  values: new Map(), // every value the learner has given, remembered across edits
  data: null, // the last good /api/evaluate answer
  seq: 0, // id of the newest request sent
  shown: 0, // id of the newest answer shown (older answers are stale and ignored)
  inflight: false,
  queued: false,
  selected: null,
  drawn: null, // the structure (program and options) of the drawing on screen
  texts: new Map(), // node id -> [{ value, grad }] <text> elements of its boxes
  inputsOf: new Map(), // program text -> its inputs (asked when it cannot be computed)
};
const inputs = new Inputs($("inputs"), $("no-inputs"), state.values, () => evaluate());

function options() {
  const rankdir = document.querySelector("input[name=rankdir]:checked");
  const compact = $("opt-compact").value;
  return {
    rankdir: rankdir ? rankdir.value : "LR",
    local_grads: $("opt-local-grads").checked,
    constants: $("opt-constants").checked,
    expand_calls: $("opt-expand-calls").checked,
    compact: compact === "true" ? true : compact === "false" ? false : "auto",
  };
}

function valuesFor(text) {
  const names = new Set(text.match(/[A-Za-z_][A-Za-z0-9_]*/g) || []);
  const out = {};
  for (const [k, v] of state.values) if (names.has(k)) out[k] = v;
  return out;
}

// ----- evaluating ---------------------------------------------------------------------
/** Evaluate now (at most one request in flight; a newer edit is sent when it returns). */
async function evaluate() {
  if (state.inflight) {
    state.queued = true;
    return;
  }
  state.inflight = true;
  const seq = ++state.seq;
  const expression = editor.value;
  const opts = options();
  const structure = JSON.stringify([expression, opts]);
  // Edge labels and expanded calls carry numbers outside the patched fields: redraw those.
  const draw = structure !== state.drawn || opts.local_grads || opts.expand_calls;
  if (draw) graphBox.classList.add("loading");
  try {
    let body = { expression, values: valuesFor(expression), svg: draw, precision: PRECISION, ...opts };
    let answer = await post("/api/evaluate", body);
    const missing = !answer.ok && Array.isArray(answer.json.missing) ? answer.json.missing : [];
    if (missing.length) {
      for (const name of missing) if (!state.values.has(name)) state.values.set(name, DEFAULT_VALUE);
      state.inputsOf.set(expression, missing);
      body = { ...body, values: valuesFor(expression) };
      answer = await post("/api/evaluate", body);
    }
    if (seq < state.shown) return; // stale
    state.shown = seq;
    if (answer.ok) showResult(answer.json, expression, draw ? structure : null);
    else await showError(answer.json, expression);
  } catch (err) {
    setStatus(`Cannot reach the server (${err.message}).`);
  } finally {
    graphBox.classList.remove("loading");
    state.inflight = false;
    if (state.queued) {
      state.queued = false;
      evaluate();
    }
  }
}

let debounceTimer = null;
function evaluateSoon() {
  clearTimeout(debounceTimer);
  debounceTimer = setTimeout(evaluate, DEBOUNCE_MS);
}

function setStatus(text) {
  $("status").textContent = text;
}

function inputNames(data, expression) {
  const names = data.nodes.filter((n) => n.op === "" && !n.group && n.name).map((n) => n.name);
  const first = (name) => expression.search(new RegExp(`(^|[^A-Za-z0-9_])${name}(?![A-Za-z0-9_])`));
  return names.sort((x, y) => first(x) - first(y));
}

// ----- results ----------------------------------------------------------------------
function showResult(data, expression, structure) {
  state.data = data;
  editor.setError(null);
  $("error-box").hidden = true;
  $("editor").classList.remove("has-error");
  for (const el of [graphBox, $("steps"), $("values-table")]) el.classList.remove("stale");
  setStatus("");
  const names = inputNames(data, expression);
  inputs.sync(names);
  $("output-name").textContent = data.output;
  $("output-value").textContent = fmt(data.value);
  $("output-line").hidden = false;
  const warnings = data.warnings.filter((w) => !/^value given for /.test(w));
  $("warnings").textContent = warnings.join("; ");
  $("warnings").hidden = warnings.length === 0;
  if (structure !== null) {
    drawSvg(data);
    state.drawn = structure;
  } else {
    patchSvg(data);
  }
  buildTable(data, names);
  buildSteps(data);
  stepper.reset(data.steps.length);
  if (stepper.index >= 0) showStep(stepper.index);
  restoreSelection();
  const query = queryString(expression, state.values, names, options());
  updateLinks(query);
  fd.schedule(data, expression, names, valuesFor(expression));
}

async function showError(problem, expression) {
  const where = problem.line ? `line ${problem.line}, column ${problem.column}: ` : "";
  $("error-where").textContent = where;
  $("error-message").textContent = problem.detail || problem.title || "error";
  $("error-snippet").textContent = problem.snippet || "";
  $("error-box").hidden = false;
  $("editor").classList.toggle("has-error", Boolean(problem.line));
  editor.setError(problem.line ? { line: problem.line, column: problem.column, length: problem.length || 1 } : null);
  for (const el of [graphBox, $("steps"), $("values-table")]) el.classList.add("stale");
  setStatus(state.data ? "Showing the last results that worked (dimmed)." : "");
  // A program that parses but cannot be computed at these values: show a field for every
  // input, so the values can be changed (a request without values lists them all).
  if (/\/(domain|budget)$/.test(problem.type || "")) {
    if (!state.inputsOf.has(expression)) {
      const asked = await post("/api/evaluate", { expression, values: {} });
      state.inputsOf.set(expression, asked.ok ? inputNames(asked.json, expression) : asked.json.missing || []);
    }
    if (expression === editor.value) {
      const names = state.inputsOf.get(expression);
      for (const name of names) if (!state.values.has(name)) state.values.set(name, DEFAULT_VALUE);
      inputs.sync(names);
    }
  }
}

/** Index the number fields of every drawn value node (and its dashed copies). */
function indexTexts(svg) {
  state.texts.clear();
  for (const g of svg.querySelectorAll("g.node.value")) {
    const copyOf = [...g.classList].find((c) => c.startsWith("copy-of-"));
    const id = copyOf ? copyOf.slice(8) : g.id;
    const texts = g.querySelectorAll("text");
    const n = texts.length;
    let fields = null;
    if (n >= 4 && texts[n - 4].textContent === "value" && texts[n - 2].textContent === "grad") {
      fields = { value: texts[n - 3], grad: texts[n - 1], prefix: "" };
    } else {
      const v = [...texts].find((t) => t.textContent.startsWith("value "));
      const gr = [...texts].find((t) => t.textContent.startsWith("grad "));
      if (v && gr) fields = { value: v, grad: gr, prefix: " " };
    }
    if (!fields) continue;
    fields.gradText = fields.grad.textContent;
    if (!state.texts.has(id)) state.texts.set(id, []);
    state.texts.get(id).push(fields);
  }
}

function numberText(n, key) {
  return n[`${key}_text`] ?? fmt(n[key], PRECISION);
}

/** New values on the drawing on screen: only the numbers change, nothing is laid out. */
function patchSvg(data) {
  for (const n of data.nodes) {
    const fields = state.texts.get(n.id);
    if (!fields) continue;
    const value = numberText(n, "value");
    const grad = numberText(n, "grad");
    for (const f of fields) {
      f.value.textContent = f.prefix ? `value ${value}` : value;
      f.gradText = f.prefix ? `grad ${grad}` : grad;
      f.grad.textContent = f.gradText;
      f.grad.classList.remove("grad-pending");
    }
  }
}

function drawSvg(data) {
  state.texts.clear();
  if (!data.svg) {
    $("svg-error").textContent = data.svg_error || "No drawing.";
    $("svg-error").hidden = false;
    graphBox.replaceChildren();
    return;
  }
  let svg;
  try {
    svg = sanitizeSvg(data.svg);
  } catch (err) {
    $("svg-error").textContent = err.message;
    $("svg-error").hidden = false;
    return;
  }
  $("svg-error").hidden = true;
  const previous = graphBox.querySelector("svg");
  const shape = data.nodes.map((n) => n.id + n.op).join(",") + options().rankdir;
  const sameShape = Boolean(previous) && previous.dataset.shape === shape;
  svg.dataset.shape = shape;
  panZoom.show(svg, sameShape, data.output_id);
  indexTexts(svg);
  graphBox.setAttribute("aria-label", `Computation graph of ${data.output}`);
}

function buildTable(data, names) {
  const rows = data.nodes.filter((n) => n.name && !n.group);
  const rank = (n) => (n.kind === "input" ? names.indexOf(n.name) : names.length);
  rows.sort((a, b) => rank(a) - rank(b));
  const trs = tableBody.rows;
  if (trs.length === rows.length && rows.every((n, i) => trs[i].dataset.node === n.id)) {
    rows.forEach((n, i) => {
      trs[i].querySelector(".value").textContent = fmt(n.value);
      trs[i].querySelector(".grad").textContent = fmt(n.grad);
      if (n.kind === "input") for (const td of trs[i].querySelectorAll(".fd, .diff")) td.textContent = "";
    });
    return;
  }
  tableBody.replaceChildren(
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

function cell(text, className) {
  const td = document.createElement("td");
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

/** On a narrow screen, say that the table scrolls sideways to more columns. */
function showTableOverflow() {
  const wrap = $("table-wrap");
  $("table-more").hidden = wrap.scrollWidth <= wrap.clientWidth + 1;
}

function buildSteps(data) {
  const list = $("steps");
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

// ----- the backward pass, step by step -------------------------------------------------
const stepper = new Stepper(
  { first: $("step-first"), back: $("step-back"), next: $("step-next"), play: $("step-play"), last: $("step-last") },
  (i) => showStep(i),
);

function showStep(i) {
  const data = state.data;
  if (!data || i < 0 || i >= data.steps.length) return;
  const step = data.steps[i];
  const { received, grads } = stateAt(data, i);
  const targets = new Set(step.contributions.map((c) => c.target));
  const svg = graphBox.querySelector("svg");
  if (svg) {
    for (const g of svg.querySelectorAll(".step-current, .step-target, .step-edge")) g.classList.remove("step-current", "step-target", "step-edge");
    svg.querySelector(`g[id="${step.node}"]`)?.classList.add("step-current");
    svg.querySelector(`g[id="op-${step.node}"]`)?.classList.add("step-current");
    for (const t of targets) svg.querySelector(`g[id="${t}"]`)?.classList.add("step-target");
    data.edges.forEach((e, k) => {
      if (e.target === step.node && (e.kind || "input") === "input") svg.querySelector(`g[id="e${k}"]`)?.classList.add("step-edge");
    });
    for (const [id, fields] of state.texts) {
      const has = grads.has(id);
      const text = has ? fmt(grads.get(id), PRECISION) : "";
      for (const f of fields) {
        f.grad.classList.toggle("grad-pending", !has);
        f.grad.textContent = has ? (f.prefix ? `grad ${text}` : text) : f.gradText;
      }
    }
    panZoom.reveal(step.node);
  }
  for (const tr of tableBody.rows) {
    const id = tr.dataset.node;
    const parts = received.get(id);
    tr.classList.toggle("step-current", id === step.node);
    tr.querySelector(".grad").textContent = parts ? gradSum(parts) : "";
  }
  const items = $("steps").children;
  for (let k = 0; k < items.length; k++) {
    items[k].classList.toggle("current", k === i);
    items[k].classList.toggle("future", k > i);
    if (k === i) items[k].setAttribute("aria-current", "step");
    else items[k].removeAttribute("aria-current");
  }
  items[i]?.scrollIntoView({ block: "nearest" });
  $("step-counter").textContent = `Step ${i + 1} of ${data.steps.length}: ${step.label || step.node} passes its gradient to its inputs.`;
}

function gradSum(parts) {
  const total = parts.reduce((a, b) => a + b, 0);
  return parts.length > 1 ? `${parts.map((p) => fmt(p)).join(" + ")} = ${fmt(total)}` : fmt(total);
}

// ----- selection: graph node <-> table row ------------------------------------------
function select(id, scroll) {
  state.selected = id;
  restoreSelection(scroll);
}

function restoreSelection(scroll = false) {
  const id = state.selected;
  for (const el of document.querySelectorAll(".selected")) el.classList.remove("selected");
  if (!id) return;
  graphBox.querySelector(`svg g[id="${id}"]`)?.classList.add("selected");
  const tr = tableBody.querySelector(`tr[data-node="${id}"]`);
  if (tr) {
    tr.classList.add("selected");
    if (scroll) tr.scrollIntoView({ block: "nearest" });
  }
}

graphBox.addEventListener("click", (e) => {
  if (panZoom.consumeDrag()) return;
  const g = e.target.closest("g.node");
  if (!g) return;
  const id = g.id.startsWith("op-") ? g.id.slice(3) : g.id;
  if (/^n\d+$/.test(id)) select(id, true);
});
tableBody.addEventListener("click", (e) => {
  const tr = e.target.closest("tr");
  if (tr) select(tr.dataset.node, false);
});
tableBody.addEventListener("keydown", (e) => {
  const tr = e.target.closest("tr");
  if (tr && (e.key === "Enter" || e.key === " ")) {
    e.preventDefault();
    select(tr.dataset.node, false);
  }
});

// ----- examples ----------------------------------------------------------------------
async function loadExamples() {
  const select = $("examples");
  try {
    const examples = await getJson("/api/examples");
    if (!examples) return;
    for (const ex of examples) {
      const option = document.createElement("option");
      option.value = ex.id;
      option.textContent = ex.title;
      select.append(option);
    }
    select.addEventListener("change", () => {
      const ex = examples.find((x) => x.id === select.value);
      const explanation = $("example-explanation");
      if (!ex) {
        explanation.hidden = true;
        return;
      }
      for (const [k, v] of Object.entries(ex.values)) state.values.set(k, v);
      editor.value = ex.expression;
      explanation.textContent = ex.explanation;
      explanation.hidden = false;
      evaluate();
    });
  } catch {
    /* the menu stays empty; the page works without it */
  }
}

// ----- full window --------------------------------------------------------------------
function setFullWindow(on) {
  $("graph-panel").classList.toggle("full-window", on);
  document.body.classList.toggle("has-full-window", on);
  $("graph-full").setAttribute("aria-pressed", String(on));
  $("graph-full").textContent = on ? "Exit full window" : "Full window";
  graphBox.focus({ preventScroll: true });
}

// ----- wiring --------------------------------------------------------------------------
$("expression").addEventListener("input", evaluateSoon);
for (const el of document.querySelectorAll(".view-panel input, .view-panel select")) el.addEventListener("change", evaluate);
$("playground").addEventListener("submit", (e) => {
  e.preventDefault();
  evaluate();
});
$("zoom-in").addEventListener("click", () => panZoom.zoom(1.25));
$("zoom-out").addEventListener("click", () => panZoom.zoom(1 / 1.25));
$("zoom-fit").addEventListener("click", () => panZoom.fit());
$("graph-full").addEventListener("click", () => setFullWindow(!$("graph-panel").classList.contains("full-window")));
document.addEventListener("keydown", (e) => {
  if (e.key === "Escape" && $("graph-panel").classList.contains("full-window")) setFullWindow(false);
});
new ResizeObserver(showTableOverflow).observe($("table-wrap"));
wireCopy(setStatus);

// The server drew the page's program already: adopt its drawing, ask for numbers only.
const served = graphBox.querySelector(":scope > svg");
if (served && !graphBox.classList.contains("stale")) {
  const output = tableBody.querySelector("tr.kind-output");
  served.dataset.shape = "served";
  panZoom.show(served, false, output ? output.dataset.node : null);
  indexTexts(served);
  state.drawn = JSON.stringify([editor.value, options()]);
}
loadExamples();
evaluate();
