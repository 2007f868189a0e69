// @ts-check
// Watch a network learn: the live page. The server trains (POST /api/optimize/stream) and
// sends a snapshot per step; the page keeps the last one (params + optimizer state) and
// sends it back to go on, so pausing, stepping and changing settings are new requests.

import { where } from "./problem.js";
import { fmt } from "./format.js";
import { LossChart } from "./chart.js";
import { PLANE, columns, curveExtent, fetchDataset, grid, nearest, traceValues } from "./live-data.js";
import { TraceGraph } from "./live-graph.js";
import { Plane } from "./live-plane.js";
import { DEFAULTS, MODELS, decodePoints, encodePoints, readUrl, writeUrl } from "./live-state.js";
import { stream } from "./live-stream.js";

import { $, button, control, field, find, select } from "./dom.js";
const CHUNK = 200; // steps per request while playing (each request is one training turn)
const GRID = window.matchMedia("(max-width: 40rem)").matches ? 24 : 32;

/**
 * The live page's state: every field the page keeps is declared here (and only here).
 * @typedef {object} LiveState
 * @property {string} data the dataset's name
 * @property {"plane" | "curve"} kind
 * @property {number} classes
 * @property {{ x: number, y: number, cls?: number }[]} points
 * @property {boolean} pointsEdited
 * @property {{ x0: number, x1: number, y0: number, y1: number }} extent
 * @property {string} built the settings the program was written from
 * @property {string} expression
 * @property {string[]} predict
 * @property {Record<string, number>} init
 * @property {Record<string, number>} params
 * @property {any} opt the optimizer's state, as the server sent it
 * @property {number} step
 * @property {any} trace the traced datapoint
 * @property {boolean} playing
 * @property {any} loop
 * @property {AbortController | null} controller
 * @property {any} latest the last snapshot
 * @property {number} frame
 * @property {boolean} restart
 * @property {boolean} busy
 * @property {ReturnType<typeof setTimeout> | undefined} keyTimer
 */
/** @type {LiveState} */
const state = {
  data: "moons", kind: "plane", classes: 2, points: [], pointsEdited: false, extent: PLANE,
  built: "", expression: "", predict: ["out"], init: {}, params: {}, opt: null, step: 0,
  trace: null, playing: false, loop: null, controller: null, latest: null, frame: 0, restart: false, busy: false,
  keyTimer: undefined,
};
const stats = { applied: 0, total: 0, max: 0, received: 0, times: [] }; // apply times (ms) for bench/live.py
window.__live = { state, stats };

const plane = new Plane($("live-boundary"));
const chart = new LossChart($("live-loss-chart"));
const graph = new TraceGraph($("live-graph"), $("live-graph-note"), $("live-bw-counter"), {
  first: $("live-bw-first"), back: $("live-bw-back"), next: $("live-bw-next"), play: $("live-bw-play"), last: $("live-bw-last"),
}, $("live-network-detail"));

// ----- what is sent ------------------------------------------------------------------
function lr() {
  const v = Number(field("live-lr").value);
  return Number.isFinite(v) && v > 0 ? v : 0.01;
}

function body(steps, every) {
  return {
    expression: state.expression, params: state.params, data: columns(state), optimizer: field("live-optimizer").value,
    lr: lr(), steps, every, start: state.step, state: state.opt, trace: traceValues(state), grid: grid(state, GRID), predict: state.predict,
  };
}

// ----- what comes back ---------------------------------------------------------------
function take(line) {
  stats.received++;
  if (line.done) return;
  state.params = line.params;
  state.opt = line.state;
  state.step = line.step;
  chart.push(line.step, line.loss);
  state.latest = line;
  if (!state.frame) state.frame = requestAnimationFrame(render);
}

function render() {
  state.frame = 0;
  const s = state.latest;
  if (!s) return;
  const t0 = performance.now();
  if (s.grid) {
    const values = state.predict.map((name) => s.grid[name]);
    if (state.kind === "curve") {
      const a = grid(state, GRID)[0];
      const xs = values[0].map((_, i) => a.lo + ((a.hi - a.lo) * i) / (a.n - 1));
      plane.grid = { values, xs };
    } else plane.grid = { values, n: [GRID, GRID] };
  }
  plane.trace = state.trace;
  plane.draw();
  chart.draw();
  graph.patch(s.trace);
  $("live-loss").textContent = `loss ${fmt(s.loss)}`;
  $("live-step").textContent = `step ${s.step}`;
  if (s.trace && typeof s.trace.value !== "undefined") $("live-trace-where").textContent = `Traced datapoint ${traceText()}: its loss is ${fmt(s.trace.value)} at step ${s.step}.`;
  const dt = performance.now() - t0;
  stats.applied++;
  stats.total += dt;
  stats.max = Math.max(stats.max, dt);
  if (stats.times.length < 10000) stats.times.push(dt);
}

function traceText() {
  const t = state.trace;
  return state.kind === "curve" ? `x = ${fmt(t.x, 3)}, y = ${fmt(t.y, 3)}` : `x1 = ${fmt(t.x, 3)}, x2 = ${fmt(t.y, 3)}, class ${t.cls}`;
}

function showProblem(problem) {
  $("live-error").hidden = !problem;
  if (!problem) return;
  $("live-error-title").textContent = problem.title || "Error";
  $("live-error-detail").textContent = where(problem) + (problem.detail || "");
  $("live-error-snippet").hidden = !problem.snippet;
  $("live-error-snippet").textContent = problem.snippet || "";
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** One request of `steps` steps; false when it was stopped or refused for good. */
async function runChunk(steps, every) {
  const controller = new AbortController();
  state.controller = controller;
  try {
    const last = await stream(body(steps, every), take, controller.signal);
    showProblem(null);
    if (last && last.done) {
      state.params = last.params;
      if (last.state) state.opt = last.state;
      state.step = last.step;
      if (last.diverged) {
        $("live-status").textContent = last.message;
        return false;
      }
    }
    return true;
  } catch (err) {
    if (err && err.name === "AbortError") return state.restart;
    if (err && err.status === 503) {
      const wait = Number(err.problem.retry_after) || 1;
      $("live-status").textContent = `The server is busy training for others; trying again in ${wait} s.`;
      await sleep(wait * 1000);
      return true;
    }
    if (err && err.problem && Array.isArray(err.problem.missing)) {
      const names = err.problem.missing.filter((n) => !(n in state.params));
      if (names.length && names.length === err.problem.missing.length) {
        for (const n of names) state.params[n] = 0;
        return true;
      }
    }
    showProblem(err && err.problem ? err.problem : { title: "Error", detail: String(err) });
    return false;
  } finally {
    if (state.controller === controller) state.controller = null;
  }
}

/** Run until a request succeeds once (a refused or retried one is sent again). */
async function once(steps, every) {
  for (let tries = 0; tries < 5; tries++) {
    const before = stats.received;
    const ok = await runChunk(steps, every);
    if (!ok || stats.received > before) return ok;
  }
  return false;
}

// ----- controls ----------------------------------------------------------------------
function setPlaying(on) {
  state.playing = on;
  buttons();
}

/** Play, Step and the settings wait while training runs or a request is on its way. */
function buttons() {
  const on = state.playing;
  const waiting = state.busy && !on;
  button("live-play").disabled = on || waiting;
  button("live-pause").disabled = !on;
  button("live-step-button").disabled = on || waiting;
  for (const id of ["live-optimizer", "live-lr", "live-every", "live-data", "live-build", "live-model"]) control(id).disabled = on || waiting;
  $("live").classList.toggle("is-playing", on);
}

function play() {
  if (state.playing || state.busy) return;
  applyProgramEdits();
  setPlaying(true);
  graph.leave();
  $("live-status").textContent = "Training…";
  state.loop = (async () => {
    await ensureGraph();
    while (state.playing) {
      state.restart = false;
      const ok = await runChunk(CHUNK, Number(field("live-every").value));
      if (!ok && !state.restart) break;
    }
    setPlaying(false);
    await afterPause();
  })();
}

function pause() {
  if (!state.playing) return;
  state.playing = false;
  state.controller?.abort();
}

async function afterPause() {
  render();
  $("live-status").textContent = `Paused at step ${state.step}.`;
  saveUrl();
  await graph.explain(state.expression, { ...state.params, ...traceValues(state) });
}

async function step() {
  if (state.playing || state.busy) return;
  applyProgramEdits();
  await busy(async () => {
    graph.leave();
    await once(1, 1);
  });
  await afterPause();
}

async function busy(work) {
  state.busy = true;
  buttons();
  try {
    await work();
  } finally {
    state.busy = false;
    buttons();
  }
}

/** Back to the starting parameters, or to the URL's step. */
async function reset(toStep = 0) {
  pause();
  await state.loop;
  applyProgramEdits(true);
  state.params = startingParams();
  state.opt = null;
  state.step = 0;
  chart.clear();
  graph.leave();
  await busy(async () => {
    await once(0, 1);
    await ensureGraph();
    if (toStep > 0) {
      let left = toStep;
      while (left > 0) {
        const n = Math.min(left, 1000);
        if (!(await once(n, n))) break;
        left -= n;
      }
    }
  });
  render();
  $("live-status").textContent = state.step ? `At step ${state.step}.` : "Ready: press Play.";
  saveUrl();
  await graph.explain(state.expression, { ...state.params, ...traceValues(state) });
}

function startingParams() {
  /** @type {Record<string, number>} */
  const out = {};
  for (const [k, v] of Object.entries(state.init)) out[k] = v;
  return out;
}

async function ensureGraph() {
  const point = traceValues(state);
  await graph.draw(state.expression, { ...state.params, ...point }, Object.keys(point));
  if (state.latest) graph.patch(state.latest.trace);
}

function applyProgramEdits(force = false) {
  const text = field("live-program").value;
  if (text !== state.expression || force) {
    if (text !== state.expression) graph.forget();
    state.expression = text;
  }
}

/** A change of the traced point or the data: show it now (paused) or go on with it. */
async function refresh() {
  saveUrl();
  if (state.playing) {
    state.restart = true;
    state.controller?.abort();
    return;
  }
  if (state.busy) return;
  await busy(() => once(0, 1));
  render();
  await graph.explain(state.expression, { ...state.params, ...traceValues(state) });
}

// ----- data and the network ------------------------------------------------------------
async function loadData(name, urlPoints) {
  const ds = await fetchDataset(name);
  state.data = name;
  state.classes = ds.classes;
  state.kind = ds.kind === "curve" ? "curve" : "plane";
  state.pointsEdited = Boolean(urlPoints);
  state.points = urlPoints ? decodePoints(urlPoints) : ds.points;
  state.extent = ds.classes ? PLANE : curveExtent(ds.points);
  plane.setData(state.kind, state.points, state.extent);
  $("live-data-info").textContent = `${ds.description}.`;
  $("live-add2-label").hidden = ds.classes !== 3;
  document.querySelector('input[value="add1"]').parentElement.hidden = !ds.classes;
  $("live-plane-caption").textContent = ds.classes ? "The model over the plane, with the data" : "The fitted curve, with the data";
  $("live-model-label").hidden = Boolean(ds.classes);
  $("live-model-hint").hidden = Boolean(ds.classes);
}

/** The model of the data: a curve fit's chosen one (line, cubic), else the network. */
function model() {
  return state.kind === "curve" ? field("live-model").value : "network";
}

/** The network's settings apply only when the model is the network. */
function networkFields() {
  const off = model() !== "network";
  for (const id of ["live-hidden", "live-activation", "live-lossfn", "live-l2"]) control(id).disabled = off;
}

function presetFor(name, classes) {
  return DEFAULTS[name] || (classes === 3 ? DEFAULTS.plane3 : DEFAULTS.plane2);
}

async function writeProgram() {
  const hidden = field("live-hidden").value.replace(/\s+/g, "");
  const q = new URLSearchParams({
    inputs: state.kind === "curve" ? "1" : "2", hidden, classes: String(state.kind === "curve" ? 0 : state.classes),
    activation: field("live-activation").value, loss: field("live-lossfn").value, l2: field("live-l2").value || "0", seed: field("live-seed").value || "0",
    model: model(),
  });
  const response = await fetch(`/api/network?${q}`);
  const answer = await response.json();
  if (!response.ok) {
    showProblem(answer);
    return false;
  }
  showProblem(null);
  state.built = answer.expression;
  state.init = answer.params;
  state.predict = answer.predict;
  $("live-predict").textContent = answer.predict.join(", ");
  field("live-program").value = answer.expression;
  return true;
}

function settings() {
  const edited = state.expression !== state.built;
  return {
    data: state.data, points: state.pointsEdited ? encodePoints(state.points) : null,
    model: state.kind === "curve" ? field("live-model").value : null, hidden: field("live-hidden").value || "-",
    act: field("live-activation").value, loss: field("live-lossfn").value, l2: field("live-l2").value, seed: field("live-seed").value,
    program: edited ? state.expression : null, opt: field("live-optimizer").value, lr: field("live-lr").value,
    every: field("live-every").value, step: state.step || null,
    trace: state.trace ? `${+state.trace.x.toFixed(3)},${+state.trace.y.toFixed(3)},${state.trace.cls}` : null,
  };
}

function saveUrl() {
  writeUrl(settings());
}

/** Trace the point (x, y): the graph's inputs; its class is the nearest data point's. */
function traceAt(x, y) {
  const i = nearest(state, x, y);
  state.trace = { x, y, cls: state.kind === "plane" && i >= 0 ? state.points[i].cls : 0 };
  plane.trace = state.trace;
  plane.draw();
  refresh();
}

function onPlane(x, y) {
  const mode = find(document, 'input[name="live-click"]:checked', HTMLInputElement).value;
  if (mode === "trace") {
    traceAt(x, y);
    return;
  } else if (mode === "remove") {
    const i = nearest(state, x, y);
    if (i < 0 || state.points.length <= 1) return;
    state.points.splice(i, 1);
    state.pointsEdited = true;
  } else {
    state.points.push({ x, y, cls: Number(mode.slice(3)) });
    state.pointsEdited = true;
  }
  plane.trace = state.trace;
  plane.draw();
  refresh();
}

async function chooseData(name, url = {}) {
  await loadData(name, url.points);
  const preset = presetFor(name, state.classes);
  if (preset.model) field("live-model").value = url.model && url.model in MODELS ? url.model : preset.model;
  const training = { ...preset, ...(state.kind === "curve" ? MODELS[field("live-model").value] : {}) };
  field("live-hidden").value = url.hidden !== undefined ? (url.hidden === "-" ? "" : url.hidden) : preset.hidden;
  field("live-activation").value = url.act || preset.act;
  field("live-lossfn").value = url.loss || preset.loss;
  field("live-optimizer").value = url.opt || training.opt;
  field("live-lr").value = url.lr || training.lr;
  networkFields();
  field("live-l2").value = url.l2 || "0";
  field("live-seed").value = url.seed || "0";
  const t = url.trace ? url.trace.split(",").map(Number) : null;
  const p = state.points[0];
  state.trace = t && t.length === 3 && t.every(Number.isFinite) ? { x: t[0], y: t[1], cls: t[2] } : { x: p.x, y: p.y, cls: p.cls };
  await writeProgram();
  if (url.program) field("live-program").value = url.program;
  state.expression = field("live-program").value;
  graph.forget();
}

async function init() {
  const url = readUrl();
  field("live-data").value = url.data && [...select("live-data").options].some((o) => o.value === url.data) ? url.data : "moons";
  if (url.every) field("live-every").value = url.every;
  await chooseData(field("live-data").value, url);
  $("live-graph-view").addEventListener("click", async () => {
    const ops = graph.view === "network";
    graph.view = ops ? "ops" : "network";
    $("live-graph-view").textContent = ops ? "Show the network" : "Show every operation";
    $("live-graph-view").setAttribute("aria-pressed", String(ops));
    $("live-zoom").hidden = !ops; // the network is fitted to its box; every operation pans and zooms
    graph.leave();
    await ensureGraph();
    if (!state.playing) await graph.explain(state.expression, { ...state.params, ...traceValues(state) });
  });
  const panZoom = graph.drawing.panZoom;
  $("live-zoom-in").addEventListener("click", () => panZoom.zoom(1.25));
  $("live-zoom-out").addEventListener("click", () => panZoom.zoom(1 / 1.25));
  $("live-zoom-fit").addEventListener("click", () => panZoom.fit());
  $("live-play").addEventListener("click", play);
  $("live-pause").addEventListener("click", pause);
  $("live-step-button").addEventListener("click", step);
  $("live-reset").addEventListener("click", () => reset());
  $("live-data").addEventListener("change", async () => {
    await chooseData(field("live-data").value);
    await reset();
  });
  $("live-model").addEventListener("change", async () => {
    const training = MODELS[field("live-model").value];
    field("live-optimizer").value = training.opt;
    field("live-lr").value = training.lr;
    networkFields();
    if (await writeProgram()) {
      state.expression = field("live-program").value;
      graph.forget();
      await reset();
    }
  });
  $("live-build").addEventListener("click", async () => {
    if (await writeProgram()) {
      state.expression = field("live-program").value;
      graph.forget();
      await reset();
    }
  });
  for (const id of ["live-optimizer", "live-lr", "live-every"]) $(id).addEventListener("change", saveUrl);
  const canvas = $("live-boundary");
  canvas.addEventListener("click", (e) => {
    const { x, y } = plane.toData(e.clientX, e.clientY);
    onPlane(x, y);
  });
  canvas.addEventListener("keydown", (e) => {
    // the keyboard's way: arrows move the traced point, Enter does what a click there does
    const moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };
    const { x0, x1, y0, y1 } = state.extent;
    if (moves[e.key] && state.trace) {
      e.preventDefault();
      const [dx, dy] = moves[e.key];
      const t = state.trace;
      const x = Math.min(x1, Math.max(x0, t.x + (dx * (x1 - x0)) / 40));
      const y = Math.min(y1, Math.max(y0, t.y + (dy * (y1 - y0)) / 40));
      clearTimeout(state.keyTimer);
      state.trace = { ...t, x, y };
      plane.trace = state.trace;
      plane.draw();
      state.keyTimer = setTimeout(() => traceAt(x, y), 250);
    } else if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      onPlane(state.trace.x, state.trace.y);
    }
  });
  for (const radio of document.querySelectorAll('input[name="live-click"]')) {
    radio.addEventListener("change", () => {
      $("live-click-does").textContent = radio.parentElement.textContent.trim();
    });
  }
  await reset(Number(url.step) || 0);
  document.documentElement.dataset.liveReady = "true";
}

init().catch((err) => showProblem({ title: "The page could not start", detail: String(err) }));
