// @ts-check
// The playground: live evaluation through POST /api/evaluate while the learner types.
// A value change on an unchanged program asks for numbers only and patches them into the
// drawing; a new picture is fetched only when the program or a drawing option changes.
// User text only ever reaches the page through textContent, attributes and form values.

import { where } from "./problem.js";
import { getJson, post } from "./api.js";
import { Editor } from "./editor.js";
import { Drawing } from "./drawing.js";
import { FiniteDifferences } from "./fd.js";
import { fmt } from "./format.js";
import { DEFAULT_VALUE, Inputs } from "./inputs.js";
import { buildSteps, buildTable, showTableAt, showTableOverflow } from "./results.js";
import { DRAW_DEFAULTS, queryString, updateLinks, wireCopy } from "./share.js";
import { viewSize } from "./view.js";
import { Stepper, stateAt } from "./stepper.js";
import { attachGraphKeys } from "./graphkeys.js";
import { wireGraph } from "./units.js";
import { NODE } from "./svg-contract.js";

import { $, field, find, input, revealWithin, select as selectField } from "./dom.js";
const DEBOUNCE_MS = 250;
// After a numbers-only answer, the full one (the steps' words) once the values rest this long.
const REFRESH_MS = 1200;
// Digits in the drawing: the page's (its fields in the drawing are sized for them).
const PRECISION = Number(field("opt-precision")?.value) || DRAW_DEFAULTS.precision;

const editor = new Editor($("expression"), $("gutter"), $("backdrop"), $("cursor-pos"));
const graphBox = $("graph");
const drawing = new Drawing(graphBox, $("svg-error"), PRECISION);
const panZoom = drawing.panZoom;
const tableBody = $("values-body");
const fd = new FiniteDifferences($("values-table"), $("fd-note"));

/**
 * The playground's state: every field the page keeps is declared here (and only here).
 * @typedef {object} PlaygroundState
 * @property {Map<string, number>} values
 * @property {any} data the last good /api/evaluate answer (JSON), null before one
 * @property {number} seq
 * @property {number} shown
 * @property {boolean} inflight
 * @property {boolean} queued
 * @property {string | null} drawn
 * @property {Map<string, string[]>} inputsOf
 * @property {Set<string>} expand
 * @property {ReturnType<typeof setTimeout> | null} refresh
 * @property {AbortController | null} refreshing
 * @property {string | undefined} program
 * @property {string[] | null} opened
 */
/** @type {PlaygroundState} */
const state = {
  values: new Map(), // every value the learner has given, remembered across edits
  data: null, // the last good /api/evaluate answer
  seq: 0, // id of the newest request sent
  shown: 0, // id of the newest answer shown (older answers are stale and ignored)
  inflight: false,
  queued: false,
  drawn: null, // the structure (program and options) of the drawing on screen
  inputsOf: new Map(), // program text -> its inputs (asked when it cannot be computed)
  // lines level: the units drawn open (a share link's, from the page's field, on load)
  expand: new Set((field("opt-expand")?.value || "").split(",").filter(Boolean)),
  refresh: null, // timer: the full answer after numbers-only ones (steps, contributions)
  refreshing: null, // the full answer being asked (abandoned when the values change again)
  program: undefined, // the program text last evaluated
  opened: null, // the boxes of the unit just opened or closed: kept in view once drawn
};
const inputs = new Inputs($("inputs"), $("no-inputs"), state.values, () => evaluate());

function options() {
  const rankdir = find(document, "input[name=rankdir]:checked", HTMLInputElement);
  const compact = field("opt-compact").value;
  return {
    rankdir: rankdir ? rankdir.value : DRAW_DEFAULTS.rankdir,
    local_grads: input("opt-local-grads").checked,
    constants: input("opt-constants").checked,
    expand_calls: input("opt-expand-calls").checked,
    compact: compact === "true" ? true : compact === "false" ? false : compact || DRAW_DEFAULTS.compact,
    precision: PRECISION,
    legend: $("opt-legend") ? field("opt-legend").value !== "false" : DRAW_DEFAULTS.legend,
    level: field("opt-level")?.value || DRAW_DEFAULTS.level,
    expand: [...state.expand].sort(),
    view: viewSize(graphBox),
  };
}

/** Every value the learner gave (the server names the program's inputs, takes the default
 * for the others, and warns about the rest with code unused-value, which is not shown). */
function givenValues() {
  return Object.fromEntries(state.values);
}

// ----- evaluating ---------------------------------------------------------------------
/** Evaluate now (at most one request in flight; a newer edit is sent when it returns). */
async function evaluate(full = false) {
  if (state.inflight) {
    state.queued = true;
    return;
  }
  state.inflight = true;
  const seq = ++state.seq;
  const expression = editor.value;
  if (state.program !== undefined && state.program !== expression) state.expand.clear();
  state.program = expression;
  const opts = options();
  const structure = JSON.stringify([expression, opts]);
  // Edge labels and expanded calls (an open call's body too) carry numbers outside the
  // patched fields: redraw those.
  const callOpen = opts.expand.some((id) => NODE.test(id) && state.data?.nodes[Number(id.slice(1))]?.op === "call");
  const draw = structure !== state.drawn || opts.local_grads || opts.expand_calls || callOpen;
  // A value change on the drawing on screen: numbers only (the rest follows when idle).
  const lean = !draw && full === false && state.data !== null;
  if (draw) graphBox.classList.add("loading");
  clearTimeout(state.refresh);
  state.refreshing?.abort(); // a value change never waits for the full answer of the last one
  try {
    const body = { expression, values: givenValues(), default_value: DEFAULT_VALUE, svg: draw, ...opts, numbers_only: lean };
    const answer = await post("/api/evaluate", body);
    for (const name of (answer.ok && answer.json.defaulted) || []) state.values.set(name, DEFAULT_VALUE);
    if (seq < state.shown) return; // stale
    state.shown = seq;
    if (answer.ok && lean) showNumbers(answer.json);
    else if (answer.ok) showResult(answer.json, expression, draw ? structure : null);
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

/** The full answer (steps, contributions) for the values on screen, without a drawing;
 * abandoned as soon as the values change again. */
async function refreshFull() {
  const expression = editor.value;
  const seq = state.seq;
  const control = new AbortController();
  state.refreshing = control;
  try {
    const body = { expression, values: givenValues(), default_value: DEFAULT_VALUE, svg: false, ...options() };
    const answer = await post("/api/evaluate", body, control.signal);
    if (answer.ok && seq === state.seq && state.refreshing === control) showResult(answer.json, expression, null);
  } catch {
    /* abandoned for newer values, or the server is away: the next change asks again */
  } finally {
    if (state.refreshing === control) state.refreshing = null;
  }
}

/** A numbers-only answer: patch the drawing, the output and the table; the steps and the
 * contributions come with the full answer asked for once the values rest. */
function showNumbers(lean) {
  const data = state.data;
  drawing.patchLean(lean);
  $("output-value").textContent = lean.value_texts[Number(lean.output_id.slice(1))] ?? fmt(lean.value, PRECISION);
  data.nodes.forEach((n, k) => {
    n.value = lean.values[k];
    n.grad = lean.grads[k];
    n.value_text = lean.value_texts[k];
    n.grad_text = lean.grad_texts[k];
  });
  data.value = lean.value;
  requestAnimationFrame(() => setTimeout(() => {
    buildTable(tableBody, lean.rows);
    $("steps").classList.add("updating");
    updateLinks(queryString(editor.value, state.values, inputs.names, options()));
  }, 0));
  state.refresh = setTimeout(refreshFull, REFRESH_MS);
}

function setStatus(text) {
  $("status").textContent = text;
}

// ----- results ----------------------------------------------------------------------
/** A link from before series had ids asks a series' last line open (it opened the series):
 * the server draws the series open and that line closed (chainrule/series.py read_open),
 * so the line is listed closed; the open set then names the series (sK for line nK). */
function readOldLink(data) {
  for (const u of data.units || []) {
    if (u.count === 1 && !u.open && state.expand.has(u.id)) {
      state.expand.delete(u.id);
      state.expand.add(`s${u.id.slice(1)}`);
    }
  }
}

function showResult(data, expression, structure) {
  state.data = data;
  editor.setError(null);
  $("error-box").hidden = true;
  $("editor").classList.remove("has-error");
  for (const el of [graphBox, $("steps"), $("values-table")]) el.classList.remove("stale", "updating");
  setStatus("");
  const names = data.inputs.map((i) => i.name); // in the order of first use
  inputs.sync(names);
  $("output-name").textContent = data.output;
  $("output-value").textContent = data.nodes.find((n) => n.id === data.output_id)?.value_text ?? fmt(data.value, PRECISION);
  $("output-line").hidden = false;
  // values kept for names of earlier programs are not the learner's mistake: not shown
  const warnings = data.notices.filter((n) => n.code !== "unused-value").map((n) => n.message);
  $("warnings").textContent = warnings.join("; ");
  $("warnings").hidden = warnings.length === 0;
  readOldLink(data);
  if (structure !== null) {
    drawing.draw(data, options().rankdir);
    state.drawn = structure;
    wireUnits();
    // the box just opened (or closed) and the output stay in view together
    if (state.opened) drawing.panZoom.revealAll([...state.opened, data.output_id]);
    state.opened = null;
  } else {
    drawing.patch(data);
  }
  drawing.setUnits(data);
  showLevel(data);
  const rest = () => {
    if (state.data !== data) return; // a newer answer is shown (and does this itself)
    buildTable(tableBody, data.rows);
    buildSteps($("steps"), data);
    stepper.reset(data.steps.length);
    if (stepper.index >= 0) showStep(stepper.index);
    selection.show();
    markRow(selection.id, false);
    updateLinks(queryString(expression, state.values, names, options()));
    fd.schedule(data, expression, Object.fromEntries(names.map((n) => [n, state.values.get(n)])));
  };
  // New numbers only: the picture is painted first, then the table and the steps follow.
  if (structure === null && stepper.index < 0) requestAnimationFrame(() => setTimeout(rest, 0));
  else rest();
}

async function showError(problem, expression) {
  $("error-where").textContent = where(problem);
  $("error-message").textContent = problem.detail || problem.title || "error";
  $("error-snippet").textContent = problem.snippet || "";
  $("error-box").hidden = false;
  $("output-line").hidden = true; // the output shown must be the program's in the editor
  $("editor").classList.toggle("has-error", Boolean(problem.line));
  editor.setError(problem.line ? { line: problem.line, column: problem.column, length: problem.length || 1 } : null);
  for (const el of [graphBox, $("steps"), $("values-table")]) el.classList.add("stale");
  setStatus(state.data ? "Showing the last results that worked (dimmed)." : "");
  // A program that parses but cannot be computed at these values: show a field for every
  // input, so the values can be changed (the server names them: POST /api/inputs).
  if (/\/(domain|budget)$/.test(problem.type || "")) {
    if (!state.inputsOf.has(expression)) {
      const asked = await post("/api/inputs", { expression });
      state.inputsOf.set(expression, asked.ok ? asked.json.inputs.map((i) => i.name) : []);
    }
    const names = state.inputsOf.get(expression) || [];
    if (expression === editor.value) {
      for (const name of names) if (!state.values.has(name)) state.values.set(name, DEFAULT_VALUE);
      inputs.sync(names);
    }
  }
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
  drawing.highlight(data, step, grads);
  showTableAt(tableBody, received, step.node, PRECISION);
  const items = $("steps").children;
  for (let k = 0; k < items.length; k++) {
    items[k].classList.toggle("current", k === i);
    items[k].classList.toggle("future", k > i);
    if (k === i) items[k].setAttribute("aria-current", "step");
    else items[k].removeAttribute("aria-current");
  }
  if (items[i]) revealWithin(items[i]); // the list scrolls, the window stays
  $("step-counter").textContent = `Step ${i + 1} of ${data.steps.length}: ${step.label || step.node} passes its gradient to its inputs.`;
}

// ----- selection, units, find (static/js/units.js) -------------------------------------
const { selection, markRow, wireUnits, showLevel } = wireGraph({ graphBox, tableBody, drawing, state, evaluate });

// ----- examples ----------------------------------------------------------------------
async function loadExamples() {
  const select = selectField("examples");
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
for (const el of document.querySelectorAll(".view-panel input, .view-panel select")) el.addEventListener("change", () => evaluate());
$("playground").addEventListener("submit", (e) => {
  e.preventDefault();
  evaluate();
});
$("zoom-in").addEventListener("click", () => panZoom.zoom(1.25));
$("zoom-out").addEventListener("click", () => panZoom.zoom(1 / 1.25));
$("zoom-fit").addEventListener("click", () => panZoom.fit()); // the whole, at the chosen level
$("graph-full").addEventListener("click", () => setFullWindow(!$("graph-panel").classList.contains("full-window")));
document.addEventListener("keydown", (e) => {
  if (e.key === "Escape" && $("graph-panel").classList.contains("full-window")) setFullWindow(false);
});
new ResizeObserver(showTableOverflow).observe($("table-wrap"));
wireCopy(setStatus);

// The server drew the page's program already: adopt its drawing, ask for numbers only.
const served = graphBox.querySelector(":scope > svg");
if (served && !graphBox.classList.contains("stale")) {
  const output = find(tableBody, "tr.kind-output", HTMLTableRowElement);
  drawing.adopt(served, output ? output.dataset.node : null);
  wireUnits();
  // drawn for the server's panel: a panel of another size asks for its own drawing
  state.drawn = JSON.stringify([editor.value, { ...options(), view: null }]);
}
attachGraphKeys(graphBox, panZoom); // the graph by keyboard and screen reader (issue 18)
loadExamples();
evaluate();
