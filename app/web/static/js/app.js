// The playground: live evaluation through POST /api/evaluate while the learner types.
// User text only ever reaches the page through textContent, attributes and form values.

import { Editor } from "./editor.js";
import { fmt, indexGraph, nodeText } from "./format.js";
import { PanZoom, sanitizeSvg } from "./graphview.js";
import { Stepper, describeStep, stateAt } from "./stepper.js";

document.documentElement.classList.replace("no-js", "js");

const $ = (id) => document.getElementById(id);
const DEBOUNCE_MS = 250;
const DEFAULT_VALUE = 1;
const FD_MAX_INPUTS = 12;
const API_OPTIONS = ["rankdir", "local_grads", "expand_calls"];

const editor = new Editor($("expression"), $("gutter"), $("backdrop"), $("cursor-pos"));
const graphBox = $("graph");
const panZoom = new PanZoom(graphBox);
const tableBody = $("values-body");

const state = {
  values: new Map(), // every value the learner has given, remembered across edits
  inputs: [], // the inputs of the last good program, in order
  data: null, // the last good /api/evaluate answer
  index: null,
  seq: 0, // id of the newest request sent
  shown: 0, // id of the newest answer shown (older answers are stale and ignored)
  inflight: false,
  queued: false,
  selected: null,
  gradTexts: new Map(), // <text> element -> its original "grad …" text
};

// ----- initial state from the server-rendered form ---------------------------------
for (const input of document.querySelectorAll("#inputs input[type=number]")) {
  const x = Number(input.value);
  if (input.value !== "" && Number.isFinite(x)) state.values.set(input.name, x);
}
for (const row of document.querySelectorAll("#inputs .input-row")) wireInputRow(row);

function options() {
  const rankdir = document.querySelector("input[name=rankdir]:checked");
  return {
    rankdir: rankdir ? rankdir.value : "LR",
    local_grads: $("opt-local-grads").checked,
    constants: $("opt-constants").checked,
    expand_calls: $("opt-expand-calls").checked,
  };
}

// ----- talking to the API ---------------------------------------------------------
function namesInText(text) {
  return new Set(text.match(/[A-Za-z_][A-Za-z0-9_]*/g) || []);
}

function valuesFor(text) {
  const names = namesInText(text);
  const out = {};
  for (const [k, v] of state.values) if (names.has(k)) out[k] = v;
  return out;
}

async function post(body) {
  const response = await fetch("/api/evaluate", {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(body),
  });
  const json = await response.json().catch(() => ({ detail: `HTTP ${response.status}` }));
  return { ok: response.ok, status: response.status, json };
}

/** Evaluate now (at most one request in flight; a newer edit is sent when it returns). */
async function evaluate() {
  if (state.inflight) {
    state.queued = true;
    return;
  }
  state.inflight = true;
  const seq = ++state.seq;
  const expression = editor.value;
  graphBox.classList.add("loading");
  setStatus("Computing…");
  try {
    let body = { expression, values: valuesFor(expression), svg: true, precision: 4, ...options() };
    let answer = await post(body);
    if (!answer.ok && Array.isArray(answer.json.missing) && answer.json.missing.length) {
      for (const name of answer.json.missing) if (!state.values.has(name)) state.values.set(name, DEFAULT_VALUE);
      body = { ...body, values: valuesFor(expression) };
      answer = await post(body);
    }
    if (seq < state.shown) return; // stale
    state.shown = seq;
    if (answer.ok) showResult(answer.json, expression);
    else showError(answer.json);
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

// ----- results ----------------------------------------------------------------------
function showResult(data, expression) {
  state.data = data;
  state.index = indexGraph(data);
  editor.setError(null);
  $("error-box").hidden = true;
  $("editor").classList.remove("has-error");
  graphBox.classList.remove("stale");
  setStatus("");
  const inputs = data.nodes.filter((n) => n.op === "" && !n.group && n.name).map((n) => n.name);
  const first = (name) => expression.search(new RegExp(`(^|[^A-Za-z0-9_])${name}(?![A-Za-z0-9_])`));
  inputs.sort((x, y) => first(x) - first(y));
  syncInputs(inputs);
  $("output-name").textContent = data.output;
  $("output-value").textContent = fmt(data.value);
  $("output-line").hidden = false;
  const warnings = data.warnings.filter((w) => !/^value given for /.test(w));
  $("warnings").textContent = warnings.join("; ");
  $("warnings").hidden = warnings.length === 0;
  drawSvg(data);
  buildTable(data);
  buildSteps(data);
  stepper.reset(data.steps.length);
  if (stepper.index >= 0) showStep(stepper.index);
  restoreSelection();
  updateLinks(expression);
  scheduleFd(state.shown, expression);
}

function showError(problem) {
  const where = problem.line ? `line ${problem.line}, column ${problem.column}: ` : "";
  $("error-where").textContent = where;
  $("error-message").textContent = problem.detail || problem.title || "error";
  $("error-snippet").textContent = problem.snippet || "";
  $("error-box").hidden = false;
  $("editor").classList.toggle("has-error", Boolean(problem.line));
  editor.setError(problem.line ? { line: problem.line, column: problem.column, length: problem.length || 1 } : null);
  graphBox.classList.add("stale");
  setStatus("Showing the last graph that worked.");
}

function drawSvg(data) {
  state.gradTexts.clear();
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
  const sameShape = previous && previous.dataset.shape === shapeOf(data);
  svg.dataset.shape = shapeOf(data);
  for (const text of svg.querySelectorAll("g.node.value text")) {
    if (/^grad /.test(text.textContent)) state.gradTexts.set(text, text.textContent);
  }
  graphBox.replaceChildren(svg);
  panZoom.attach(svg, sameShape);
  graphBox.setAttribute("aria-label", `Computation graph of ${data.output}`);
}

function shapeOf(data) {
  return data.nodes.map((n) => n.id + n.op).join(",") + options().rankdir;
}

function buildTable(data) {
  const rows = data.nodes.filter((n) => n.name && !n.group);
  rows.sort((a, b) => rank(a) - rank(b));
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
  function rank(n) {
    return n.kind === "input" ? state.inputs.indexOf(n.name) : 1000;
  }
}

function cell(text, className) {
  const td = document.createElement("td");
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

function buildSteps(data) {
  const list = $("steps");
  list.replaceChildren(
    ...data.steps.map((step, i) => {
      const lines = describeStep(data, state.index, i);
      const li = document.createElement("li");
      li.dataset.node = step.node;
      const head = document.createElement("span");
      head.className = "step-node";
      head.textContent = lines.head;
      li.append(head);
      for (const text of lines.contributions) {
        const span = document.createElement("span");
        span.className = "contribution";
        span.textContent = text;
        li.append(span);
      }
      return li;
    }),
  );
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
    for (const g of svg.querySelectorAll("g.node, g.edge")) g.classList.remove("step-current", "step-target", "step-edge");
    const current = svg.querySelector(`g[id="${step.node}"]`);
    if (current) current.classList.add("step-current");
    const op = svg.querySelector(`g[id="op-${step.node}"]`);
    if (op) op.classList.add("step-current");
    for (const t of targets) svg.querySelector(`g[id="${t}"]`)?.classList.add("step-target");
    data.edges.forEach((e, k) => {
      if (e.target === step.node && (e.kind || "input") === "input") svg.querySelector(`g[id="e${k}"]`)?.classList.add("step-edge");
    });
    for (const [text, original] of state.gradTexts) {
      const id = text.closest("g.node")?.id;
      const has = grads.has(id);
      text.classList.toggle("grad-pending", !has);
      text.textContent = has ? `grad ${fmt(grads.get(id), 4)}` : original;
    }
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
  $("step-counter").textContent = `Step ${i + 1} of ${data.steps.length}: ${nodeText(state.index, step.node)} passes its gradient to its inputs.`;
}

function gradSum(parts) {
  const total = parts.reduce((a, b) => a + b, 0);
  return parts.length > 1 ? `${parts.map((p) => fmt(p)).join(" + ")} = ${fmt(total)}` : fmt(total);
}

// ----- inputs and sliders ---------------------------------------------------------------
function sliderRange(x) {
  let span = 10 ** Math.ceil(Math.log10(Math.max(Math.abs(x), 1)));
  if (Math.abs(x) >= span) span *= 10;
  return { min: -span, max: span, step: span / 1000 };
}

function setSlider(range, x) {
  const r = sliderRange(x);
  range.min = String(r.min);
  range.max = String(r.max);
  range.step = String(r.step);
  range.value = String(x);
}

function wireInputRow(row) {
  const name = row.dataset.name;
  const number = row.querySelector("input[type=number]");
  const range = row.querySelector("input[type=range]");
  number.addEventListener("input", () => {
    const x = Number(number.value);
    if (number.value.trim() === "" || !Number.isFinite(x)) return;
    state.values.set(name, x);
    setSlider(range, x);
    evaluate();
  });
  range.addEventListener("input", () => {
    const x = Number(range.value);
    number.value = String(Number(x.toPrecision(12)));
    state.values.set(name, x);
    evaluate();
  });
  range.addEventListener("change", () => setSlider(range, Number(range.value)));
}

function makeInputRow(name) {
  const row = document.createElement("div");
  row.className = "input-row";
  row.dataset.name = name;
  const label = document.createElement("label");
  label.htmlFor = `in-${name}`;
  label.textContent = name;
  const number = document.createElement("input");
  Object.assign(number, { type: "number", id: `in-${name}`, name, step: "any", inputMode: "decimal" });
  const range = document.createElement("input");
  Object.assign(range, { type: "range", id: `range-${name}`, className: "js-only", tabIndex: -1 });
  range.setAttribute("aria-label", `${name} slider`);
  const x = state.values.get(name) ?? DEFAULT_VALUE;
  number.value = String(x);
  setSlider(range, x);
  row.append(label, number, range);
  wireInputRow(row);
  return row;
}

function syncInputs(inputs) {
  state.inputs = inputs;
  const box = $("inputs");
  const existing = new Map([...box.querySelectorAll(".input-row")].map((r) => [r.dataset.name, r]));
  const rows = inputs.map((name) => existing.get(name) || makeInputRow(name));
  for (const [name, row] of existing) if (!inputs.includes(name)) row.remove();
  rows.forEach((row, i) => {
    if (box.children[i] !== row) box.insertBefore(row, box.children[i] || null);
  });
  for (const row of rows) {
    const range = row.querySelector("input[type=range]");
    if (range) setSlider(range, state.values.get(row.dataset.name) ?? DEFAULT_VALUE);
    const number = row.querySelector("input[type=number]");
    const x = state.values.get(row.dataset.name);
    if (document.activeElement !== number && x !== undefined) number.value = String(x);
  }
  $("no-inputs").hidden = inputs.length > 0;
}

// ----- finite differences (numeric) beside each autodiff gradient --------------------
let fdTimer = null;
function scheduleFd(seq, expression) {
  clearTimeout(fdTimer);
  fdTimer = setTimeout(() => finiteDifferences(seq, expression), 300);
}

/** Central differences (f(x+h) − f(x−h)) / 2h, two more evaluations per input. */
async function finiteDifferences(seq, expression) {
  const data = state.data;
  if (!data || state.inputs.length > FD_MAX_INPUTS) return;
  const base = valuesFor(expression);
  const results = await Promise.all(
    state.inputs.map(async (name) => {
      const x = base[name];
      const h = 1e-5 * Math.max(1, Math.abs(x));
      const at = (v) => post({ expression, values: { ...base, [name]: v }, svg: false });
      const [up, down] = await Promise.all([at(x + h), at(x - h)]);
      if (!up.ok || !down.ok || typeof up.json.value !== "number" || typeof down.json.value !== "number") return [name, null];
      return [name, (up.json.value - down.json.value) / (2 * h)];
    }),
  ).catch(() => []);
  if (seq !== state.shown || state.data !== data) return; // a newer answer is shown
  for (const [name, fd] of results) {
    const node = data.nodes.find((n) => n.name === name && n.op === "" && !n.group);
    const tr = node && tableBody.querySelector(`tr[data-node="${node.id}"]`);
    if (!tr) continue;
    const diff = fd === null || typeof node.grad !== "number" ? null : Math.abs(fd - node.grad);
    tr.querySelector(".fd").textContent = fd === null ? "—" : fmt(fd);
    const d = tr.querySelector(".diff");
    d.textContent = diff === null ? "" : fmt(diff, 2);
    d.classList.toggle("fd-bad", diff !== null && diff > 1e-4 * Math.max(1, Math.abs(node.grad)));
  }
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

// ----- share and downloads -----------------------------------------------------------
function queryString(expression, withPageOptions) {
  const params = new URLSearchParams();
  params.set("expression", expression);
  for (const name of state.inputs) if (state.values.has(name)) params.set(name, String(state.values.get(name)));
  const o = options();
  if (o.rankdir !== "LR") params.set("rankdir", o.rankdir);
  if (o.local_grads) params.set("local_grads", "true");
  if (o.expand_calls) params.set("expand_calls", "true");
  if (withPageOptions && !o.constants) params.set("constants", "false");
  return params.toString();
}

function updateLinks(expression) {
  const page = queryString(expression, true);
  const url = new URL(`/?${page}`, window.location.href).href;
  $("share-url").value = url;
  history.replaceState(null, "", `/?${page}`);
  $("dl-svg").href = `/api/graph.svg?${queryString(expression, false)}`;
  for (const kind of ["png", "dot", "json"]) $(`dl-${kind}`).href = `/export/graph.${kind}?${page}`;
}

$("copy-link").addEventListener("click", async () => {
  const field = $("share-url");
  try {
    await navigator.clipboard.writeText(field.value);
    setStatus("Link copied.");
  } catch {
    field.select();
    setStatus("Select the link and copy it (Ctrl+C).");
  }
});

// ----- examples ----------------------------------------------------------------------
async function loadExamples() {
  const select = $("examples");
  try {
    const response = await fetch("/api/examples", { headers: { Accept: "application/json" } });
    if (!response.ok) return;
    const examples = await response.json();
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

// ----- wiring --------------------------------------------------------------------------
$("expression").addEventListener("input", evaluateSoon);
for (const el of document.querySelectorAll(".view-panel input")) el.addEventListener("change", evaluate);
$("playground").addEventListener("submit", (e) => {
  e.preventDefault();
  evaluate();
});
$("zoom-in").addEventListener("click", () => panZoom.zoom(1.25));
$("zoom-out").addEventListener("click", () => panZoom.zoom(1 / 1.25));
$("zoom-fit").addEventListener("click", () => panZoom.fit());

loadExamples();
evaluate();
