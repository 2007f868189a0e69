// The Train panel: a per-example loss, parameters, data and settings go to POST /api/optimize;
// the answer is drawn as a loss curve, parameter traces and the fitted model over the data.

import { getJson, post } from "./api.js";
import { fmt } from "./format.js";
import { drawFitChart, drawLossChart, drawParamChart, lossGrowth, results, short, showAnswer, showError } from "./train-results.js";
import { gridProgram, gridValues, linspace, namesIn, readCsv, splitSquaredError } from "./train-model.js";

const $ = (id) => document.getElementById(id);
const GRID_POINTS = 120;
const DEFAULT_INIT = "0";
const MAX_DOTS = 500; // a scatter of more points is thinned evenly

const state = {
  datasets: new Map(), // name → GET /api/datasets entry
  datasetRows: new Map(), // name → Map of its columns, from GET /api/datasets/{name}
  inputs: [], // the loss program's inputs, in order
  inits: new Map(), // parameter → initial value text
  unticked: new Set(), // inputs the user chose not to fit
  detected: "", // the loss text whose inputs are known
  pending: null, // the running input detection
  timer: 0,
  run: 0, // id of the newest run; a preset starts afresh, and an older run's answer is dropped
};

// ----- data source and parameters -------------------------------------------------------------

const source = () => ($("tr-source-csv").checked ? "csv" : "dataset");

/** The names of the data columns of the chosen data. */
function dataColumns() {
  if (source() === "csv") return readCsv($("tr-csv").value).names;
  const ds = state.datasets.get($("tr-dataset").value);
  return ds ? ds.columns : [];
}

function showSource() {
  const csv = source() === "csv";
  $("tr-csv-box").hidden = !csv;
  $("tr-dataset-box").hidden = csv;
  if (csv) {
    const { names, rows } = readCsv($("tr-csv").value);
    $("tr-csv-info").textContent = names.length ? `${rows} rows; columns ${names.join(", ")}` : "";
  }
  renderParams();
  updateModelHint();
}

/** Ask the API for the loss program's inputs (a 422 lists the missing ones). */
function detectInputs() {
  const text = $("tr-loss").value;
  const run = (async () => {
    // Every name of the text at 1 usually computes (no 422 in the console); a program that
    // cannot be computed there is asked without values, and the 422 lists its inputs.
    const guess = Object.fromEntries([...namesIn(text)].map((n) => [n, 1]));
    let { ok, json } = await post("/api/evaluate", { expression: text, values: guess });
    if (!ok && (!json.line || /\/domain$/.test(json.type || ""))) ({ ok, json } = await post("/api/evaluate", { expression: text, values: {} }));
    if (text !== $("tr-loss").value) return;
    state.detected = text;
    if (ok) {
      state.inputs = json.nodes.filter((n) => n.op === "" && !n.group && n.name).map((n) => n.name);
      showLossError(null);
    } else if (Array.isArray(json.missing)) {
      state.inputs = json.missing;
      showLossError(null);
    } else {
      showLossError(json);
    }
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
  const where = problem.line ? `line ${problem.line}, column ${problem.column}: ` : "";
  $("tr-loss-error-text").textContent = where + (problem.detail || problem.title || "invalid program");
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

/** { model, target } from the Model field, or read from a squared-error loss. */
function modelSpec() {
  const typed = $("tr-model").value.trim();
  const split = splitSquaredError($("tr-loss").value);
  const columns = dataColumns();
  const target = split && columns.includes(split.target) ? split.target
    : columns.includes("y") ? "y" : columns[columns.length - 1];
  if (typed) return { model: typed, target };
  return split ? { model: split.model, target: split.target } : null;
}

function updateModelHint() {
  const split = splitSquaredError($("tr-loss").value);
  $("tr-model").placeholder = split ? `${split.model} (from the loss)` : "e.g. w*x";
}

/** The data's columns (a Map name → numbers): the CSV as typed, or the built-in dataset's rows. */
async function dataColumnsValues() {
  if (source() === "csv") return readCsv($("tr-csv").value).columns;
  const name = $("tr-dataset").value;
  if (!state.datasetRows.has(name)) {
    const answer = await getJson(`/api/datasets/${encodeURIComponent(name)}`);
    if (!answer) return new Map();
    state.datasetRows.set(name, new Map(Object.entries(answer.data)));
  }
  return state.datasetRows.get(name);
}

function xRange(xName, columns) {
  const lo = $("tr-xmin").value.trim();
  const hi = $("tr-xmax").value.trim();
  if (lo && hi) return [Number(lo), Number(hi)];
  const xs = (columns.get(xName) || []).filter(Number.isFinite);
  return xs.length ? [Math.min(...xs), Math.max(...xs)] : null;
}

function thinned(xs, ys) {
  const step = Math.max(1, Math.ceil(xs.length / MAX_DOTS));
  const keep = (_, i) => i % step === 0;
  return { x: xs.filter(keep), y: ys.filter(keep) };
}

/** Evaluate the model at a grid of x with the fitted params and draw it over the data. */
async function drawFit(answer) {
  const note = $("tr-fit-note");
  const figure = $("tr-fit-figure");
  results.fit = null;
  const spec = modelSpec();
  const params = Object.keys(answer.params);
  if (!spec) {
    figure.hidden = true;
    return;
  }
  figure.hidden = false;
  const names = namesIn(spec.model);
  const xs = dataColumns().filter((c) => c !== spec.target && names.has(c));
  if (xs.length !== 1) {
    $("tr-fit-chart").replaceChildren();
    note.textContent = `The fit is drawn for a model of one data column; ${spec.model} uses ${xs.length || "none"}.`;
    return;
  }
  const xName = xs[0];
  const columns = await dataColumnsValues();
  const range = xRange(xName, columns);
  if (!range || !range.every(Number.isFinite) || !(range[1] > range[0])) {
    $("tr-fit-chart").replaceChildren();
    note.textContent = "Give an x range (x from < x to) to draw the fitted curve.";
    return;
  }
  const grid = linspace(range[0], range[1], GRID_POINTS);
  const used = params.filter((p) => names.has(p));
  const { ok, json } = await post("/api/evaluate", {
    expression: gridProgram(spec.model, xName, used, grid),
    values: Object.fromEntries(used.map((p) => [p, answer.params[p]])),
  });
  if (!ok) {
    $("tr-fit-chart").replaceChildren();
    note.textContent = `Cannot draw the model ${spec.model}: ${json.detail || json.title}`;
    return;
  }
  const dots = columns.has(spec.target) && columns.has(xName)
    ? thinned(columns.get(xName), columns.get(spec.target))
    : null;
  results.fit = { x: grid, y: gridValues(json, GRID_POINTS), dots, xName, target: spec.target, model: spec.model };
  note.textContent = dots
    ? `${spec.model} with the fitted parameters, over the data (${spec.target} against ${xName}).`
    : `${spec.model} with the fitted parameters over ${fmt(range[0], 4)} ≤ ${xName} ≤ ${fmt(range[1], 4)}.`;
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
    const text = $(id).value.trim();
    return text === "" ? null : Number.isFinite(Number(text)) ? Number(text) : text;
  };
  const body = {
    expression: $("tr-loss").value,
    params,
    optimizer: $("tr-optimizer").value,
    reduce: $("tr-reduce").value,
    lr: number("tr-lr"),
    steps: number("tr-steps"),
    svg: true,
  };
  const every = number("tr-every");
  if (every !== null) body.record_every = every;
  if (source() === "csv") body.data = $("tr-csv").value;
  else body.dataset = $("tr-dataset").value;
  const bad = Object.entries(params).filter(([, v]) => !Number.isFinite(v)).map(([k]) => k);
  return { body, bad };
}

function busy(on) {
  $("tr-run").disabled = on;
  $("tr-progress").hidden = !on;
  $("tr-results").setAttribute("aria-busy", on ? "true" : "false");
  $("tr-results").classList.toggle("is-busy", on);
  $("tr-status").textContent = on ? "Training…" : "";
}

async function train(event) {
  event.preventDefault();
  if ($("tr-run").disabled) return;
  busy(true);
  try {
    if (state.detected !== $("tr-loss").value) await detectInputs();
    else if (state.pending) await state.pending;
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
    await drawFit(json);
    if (run !== state.run) return;
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
    if ($("tr-run").disabled) busy(false);
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

function preset({ loss, params, dataset, optimizer, reduce, lr, steps }) {
  clearResults();
  $("tr-loss").value = loss;
  state.inits = new Map(Object.entries(params).map(([k, v]) => [k, String(v)]));
  state.unticked = new Set();
  $("tr-log").checked = false;
  $("tr-source-dataset").checked = true;
  if (state.datasets.has(dataset)) $("tr-dataset").value = dataset;
  $("tr-optimizer").value = optimizer;
  $("tr-reduce").value = reduce;
  $("tr-lr").value = String(lr);
  $("tr-steps").value = String(steps);
  $("tr-every").value = "";
  $("tr-model").value = "";
  $("tr-xmin").value = "";
  $("tr-xmax").value = "";
  showDatasetInfo();
  showSource();
  detectInputs();
  $("tr-run").focus();
}

function showDatasetInfo() {
  const ds = state.datasets.get($("tr-dataset").value);
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

function seedW() {
  const w = state.datasets.get("noisy-line")?.params?.w;
  return Number.isFinite(w) ? w : 0.5;
}

function init() {
  $("train-panel").hidden = false;
  $("train-form").addEventListener("submit", train);
  $("tr-loss").addEventListener("input", () => {
    clearTimeout(state.timer);
    updateModelHint();
    state.timer = setTimeout(detectInputs, 300);
  });
  for (const radio of document.querySelectorAll('input[name="tr-source"]')) radio.addEventListener("change", showSource);
  $("tr-dataset").addEventListener("change", () => {
    showDatasetInfo();
    renderParams();
  });
  $("tr-csv").addEventListener("input", showSource);
  $("tr-file").addEventListener("change", async () => {
    const file = $("tr-file").files[0];
    if (!file) return;
    $("tr-csv").value = await file.text();
    showSource();
  });
  $("tr-log").addEventListener("change", drawLossChart);
  $("tr-preset-line").addEventListener("click", () =>
    preset({ loss: "(w*x - y)^2", params: { w: seedW() }, dataset: "noisy-line", optimizer: "gd", reduce: "mean", lr: 0.01, steps: 100 }));
  $("tr-preset-sin").addEventListener("click", () =>
    preset({ loss: "(a + b*x + c*x^2 + d*x^3 - y)^2", params: state.datasets.get("sin")?.params || { a: 0, b: 0, c: 0, d: 0 },
      dataset: "sin", optimizer: "gd", reduce: "sum", lr: "1e-6", steps: 2000 }));
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
