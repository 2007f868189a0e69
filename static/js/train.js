// @ts-check
// The Train panel: a per-example loss, parameters, data and settings go to POST /api/optimize;
// the answer is drawn as a loss curve, parameter traces and the fitted model over the data.

import { where } from "./problem.js";
import { getJson, post } from "./api.js";
import { drawFitChart, drawLossChart, drawParamChart, lossGrowth, results, short, showAnswer, showError } from "./train-results.js";

import { $, button, field, input, select } from "./dom.js";
const GRID_POINTS = 120; // the fitted curve's points (the server evaluates the model there)
const DEFAULT_INIT = "0";

const state = {
  datasets: new Map(), // name → GET /api/datasets entry
  inputs: [], // the loss program's inputs, in order
  inits: new Map(), // parameter → initial value text
  unticked: new Set(), // inputs the user chose not to fit
  detected: "", // the loss text whose inputs are known
  pending: null, // the running input detection
  timer: 0,
  csv: { text: null, columns: [] }, // the CSV text last read by the server, and its columns
  csvPending: null,
  csvTimer: 0,
  run: 0, // id of the newest run; a preset starts afresh, and an older run's answer is dropped
};

// ----- data source and parameters -------------------------------------------------------------

const source = () => (input("tr-source-csv").checked ? "csv" : "dataset");

/** The names of the data columns of the chosen data (a CSV's as the server read it). */
function dataColumns() {
  if (source() === "csv") return state.csv.text === field("tr-csv").value ? state.csv.columns : [];
  const ds = state.datasets.get(field("tr-dataset").value);
  return ds ? ds.columns : [];
}

function showSource() {
  const csv = source() === "csv";
  $("tr-csv-box").hidden = !csv;
  $("tr-dataset-box").hidden = csv;
  renderParams();
  if (csv && state.csv.text !== field("tr-csv").value) readCsvSoon();
}

/** Read the CSV as /api/optimize will (POST /api/csv): its columns, or where it is wrong. */
function readCsv() {
  const text = field("tr-csv").value;
  const run = (async () => {
    const { ok, json } = text.trim() ? await post("/api/csv", { data: text }) : { ok: false, json: null };
    if (text !== field("tr-csv").value) return;
    state.csv = { text, columns: ok ? json.columns : [] };
    $("tr-csv-info").textContent = ok
      ? `${json.rows} rows; columns ${json.columns.join(", ")}`
      : json ? json.detail || json.title : "";
    $("tr-csv").classList.toggle("invalid", Boolean(!ok && json));
    renderParams();
  })();
  state.csvPending = run.catch(() => {});
  return state.csvPending;
}

function readCsvSoon() {
  clearTimeout(state.csvTimer);
  state.csvTimer = setTimeout(readCsv, 200);
}

/** Ask the API for the loss program's inputs (POST /api/inputs: parsed, not computed). */
function detectInputs() {
  const text = field("tr-loss").value;
  const run = (async () => {
    const { ok, json } = await post("/api/inputs", { expression: text });
    if (text !== field("tr-loss").value) return;
    state.detected = text;
    if (ok) state.inputs = json.inputs.map((i) => i.name);
    showLossError(ok ? null : json);
    renderParams();
    updateModelHint();
  })();
  state.pending = run.catch(() => {});
  return state.pending;
}

function showLossError(problem) {
  $("tr-loss-error").hidden = !problem;
  $("tr-loss").classList.toggle("invalid", Boolean(problem));
  if (!problem) return;
  $("tr-loss-error-text").textContent = where(problem) + (problem.detail || problem.title || "invalid program");
  $("tr-loss-error-snippet").textContent = problem.snippet || "";
  $("tr-loss-error-snippet").hidden = !problem.snippet;
}

function renderParams() {
  const columns = new Set(dataColumns());
  // parameters first, then the inputs that come from the data
  const ordered = [...state.inputs.filter((n) => !columns.has(n)), ...state.inputs.filter((n) => columns.has(n))];
  const rows = ordered.map((name) => {
    const row = document.createElement("div");
    row.className = "train-param";
    if (columns.has(name)) {
      row.classList.add("is-column");
      const label = document.createElement("span");
      label.className = "train-param-name";
      label.textContent = name;
      const note = document.createElement("span");
      note.className = "hint";
      note.textContent = "data column";
      row.append(label, note);
      return row;
    }
    const box = document.createElement("input");
    box.type = "checkbox";
    box.id = `tr-fit-${name}`;
    box.checked = !state.unticked.has(name);
    box.addEventListener("change", () => {
      if (box.checked) state.unticked.delete(name);
      else state.unticked.add(name);
      value.disabled = !box.checked;
    });
    const label = document.createElement("label");
    label.htmlFor = box.id;
    label.className = "train-param-name";
    label.textContent = name;
    const value = document.createElement("input");
    value.type = "text";
    value.inputMode = "decimal";
    value.autocomplete = "off";
    value.id = `tr-init-${name}`;
    value.value = state.inits.get(name) ?? DEFAULT_INIT;
    value.disabled = !box.checked;
    value.setAttribute("aria-label", `initial value of ${name}`);
    value.addEventListener("input", () => state.inits.set(name, value.value));
    row.append(box, label, value);
    return row;
  });
  $("tr-params").replaceChildren(...rows);
  $("tr-params-hint").textContent = state.inputs.length
    ? "Tick the inputs to fit. An input that is neither a parameter nor a data column cannot be trained."
    : "The loss has no inputs yet.";
}

// ----- the model drawn over the data ------------------------------------------------------------

const MODEL_HINT = "e.g. w*x";

function updateModelHint(model = null) {
  input("tr-model").placeholder = model ? `${model} (from the loss)` : MODEL_HINT;
}

/** What the fit needs from the form: the model typed (else the loss's) and the x range. */
function fitRequest() {
  const fit = { n: GRID_POINTS };
  const model = field("tr-model").value.trim();
  if (model) fit.model = model;
  const lo = field("tr-xmin").value.trim();
  const hi = field("tr-xmax").value.trim();
  if (lo && hi) Object.assign(fit, { lo: Number(lo), hi: Number(hi) });
  return fit;
}

/** Plot the fitted model the answer brings (its grid, its predictions, the data's points). */
function drawFit(answer) {
  const fit = answer.fit;
  results.fit = null;
  $("tr-fit-figure").hidden = !fit || !fit.model;
  if (!fit) return;
  $("tr-fit-note").textContent = fit.note;
  if (!field("tr-model").value.trim()) updateModelHint(fit.model);
  if (!fit.x.length) {
    $("tr-fit-chart").replaceChildren();
    return;
  }
  results.fit = { x: fit.x, y: fit.y.map((y) => (y === null ? NaN : y)), dots: fit.points, xName: fit.column, target: fit.target };
  drawFitChart();
}

function requestBody() {
  const columns = new Set(dataColumns());
  const params = {};
  for (const name of state.inputs) {
    if (columns.has(name) || state.unticked.has(name)) continue;
    const text = (state.inits.get(name) ?? DEFAULT_INIT).trim();
    params[name] = text === "" ? Number.NaN : Number(text);
  }
  const number = (id) => {
    const text = field(id).value.trim();
    return text === "" ? null : Number.isFinite(Number(text)) ? Number(text) : text;
  };
  const body = {
    expression: field("tr-loss").value,
    params,
    optimizer: field("tr-optimizer").value,
    reduce: field("tr-reduce").value,
    lr: number("tr-lr"),
    steps: number("tr-steps"),
    svg: true,
    fit: fitRequest(),
  };
  const every = number("tr-every");
  if (every !== null) body.record_every = every;
  if (source() === "csv") body.data = field("tr-csv").value;
  else body.dataset = field("tr-dataset").value;
  const bad = Object.entries(params).filter(([, v]) => !Number.isFinite(v)).map(([k]) => k);
  return { body, bad };
}

function busy(on) {
  button("tr-run").disabled = on;
  $("tr-progress").hidden = !on;
  $("tr-results").setAttribute("aria-busy", on ? "true" : "false");
  $("tr-results").classList.toggle("is-busy", on);
  $("tr-status").textContent = on ? "Training…" : "";
}

async function train(event) {
  event.preventDefault();
  if (button("tr-run").disabled) return;
  busy(true);
  try {
    if (state.detected !== field("tr-loss").value) await detectInputs();
    else if (state.pending) await state.pending;
    if (source() === "csv" && state.csv.text !== field("tr-csv").value) await readCsv();
    else if (source() === "csv" && state.csvPending) await state.csvPending;
    const columns = dataColumns();
    if (columns.length && state.inputs.length && !columns.some((c) => state.inputs.includes(c))) {
      showError({
        title: "The data does not fit the loss",
        detail: `its columns ${columns.join(", ")} are not names in the loss (whose inputs are ${state.inputs.join(", ")}). Names are case-sensitive: rename the header or the loss.`,
      });
      return;
    }
    const { body, bad } = requestBody();
    if (bad.length) {
      showError({ title: "Not a number", detail: `the initial value of ${bad.join(", ")}` });
      return;
    }
    const started = performance.now();
    const run = ++state.run;
    const { ok, json } = await post("/api/optimize", body);
    if (run !== state.run) return; // a preset was chosen meanwhile
    if (!ok) {
      showError(json);
      return;
    }
    showError(null);
    showAnswer(json);
    drawFit(json);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    busy(false);
    const verdict = json.diverged ? "Diverged" : lossGrowth(json) ? "Diverging" : "Done";
    $("tr-status").textContent = `${verdict} in ${seconds} s: loss ${short(json.loss, 6)}.`;
    // in one column the results are below the settings: bring them into view
    const top = $("tr-results").getBoundingClientRect().top;
    if (top > window.innerHeight * 0.8) $("tr-results").scrollIntoView({ block: "start", behavior: "smooth" });
  } catch (err) {
    showError({ title: "Cannot reach the server", detail: String(err.message || err) });
  } finally {
    if (button("tr-run").disabled) busy(false);
  }
}

// ----- presets and wiring -------------------------------------------------------------------------

/** Back to no results: nothing of an earlier run stays on screen. */
function clearResults() {
  state.run += 1;
  results.answer = null;
  results.fit = null;
  $("tr-output").hidden = true;
  $("tr-empty").hidden = false;
  $("tr-status").textContent = "";
  for (const id of ["tr-loss-chart", "tr-param-chart", "tr-fit-chart", "tr-graph", "tr-final-body"]) $(id).replaceChildren();
  showError(null);
}

/** Start afresh from a built-in dataset: its loss, starting parameters and settings. */
function preset(ds) {
  clearResults();
  field("tr-loss").value = ds.expression;
  state.inits = new Map(Object.entries(ds.params).map(([k, v]) => [k, String(v)]));
  state.unticked = new Set();
  input("tr-log").checked = false;
  input("tr-source-dataset").checked = true;
  field("tr-dataset").value = ds.name;
  select("tr-optimizer").selectedIndex = 0; // the API's default, gradient descent
  field("tr-reduce").value = ds.reduce;
  field("tr-lr").value = short(ds.lr, 6);
  field("tr-steps").value = String(ds.steps);
  field("tr-every").value = "";
  field("tr-model").value = "";
  updateModelHint();
  field("tr-xmin").value = "";
  field("tr-xmax").value = "";
  showDatasetInfo();
  showSource();
  detectInputs();
  $("tr-run").focus();
}

function showDatasetInfo() {
  const ds = state.datasets.get(field("tr-dataset").value);
  $("tr-dataset-desc").textContent = ds ? `${ds.description}. Suggested loss: ${ds.expression}` : "";
}

async function loadDatasets() {
  const list = await getJson("/api/datasets");
  if (!list) return;
  const options = list.map((ds) => {
    state.datasets.set(ds.name, ds);
    const opt = document.createElement("option");
    opt.value = ds.name;
    opt.textContent = `${ds.name} (${ds.rows} rows)`;
    return opt;
  });
  $("tr-dataset").replaceChildren(...options);
  showDatasetInfo();
  renderParams();
}

function init() {
  $("train-panel").hidden = false;
  $("train-form").addEventListener("submit", train);
  $("tr-loss").addEventListener("input", () => {
    clearTimeout(state.timer);
    state.timer = setTimeout(detectInputs, 300);
  });
  for (const radio of document.querySelectorAll('input[name="tr-source"]')) radio.addEventListener("change", showSource);
  $("tr-dataset").addEventListener("change", () => {
    showDatasetInfo();
    renderParams();
  });
  $("tr-csv").addEventListener("input", showSource);
  $("tr-file").addEventListener("change", async () => {
    const file = input("tr-file").files[0];
    if (!file) return;
    field("tr-csv").value = await file.text();
    showSource();
  });
  $("tr-log").addEventListener("change", drawLossChart);
  for (const button of document.querySelectorAll(".train-presets button[data-dataset]")) {
    if (!(button instanceof HTMLElement)) continue;
    button.addEventListener("click", () => {
      const ds = state.datasets.get(button.dataset.dataset);
      if (ds) preset(ds); // the list is loading still: nothing to start from yet
    });
  }
  let width = $("tr-results").clientWidth;
  new ResizeObserver(() => {
    const w = $("tr-results").clientWidth;
    if (w === width) return;
    width = w;
    drawLossChart();
    drawParamChart();
    drawFitChart();
  }).observe($("tr-results"));
  showSource();
  loadDatasets().catch(() => {});
  detectInputs();
}

init();
