// @ts-check
// The Train panel's results: the final values, the loss curve, the parameter traces, the
// graph of one row, the fit, and what went wrong (said once, in words).

import { where } from "./problem.js";
import { fmt } from "./format.js";
import { sanitizeSvg } from "./sanitize.js";
import { drawChart } from "./chart.js";

import { $, input } from "./dom.js";

/** The last answer and fit drawing shown (charts are redrawn from them on resize). */
export const results = { answer: null, fit: null };


export function drawLossChart() {
  const a = results.answer;
  if (!a) return;
  drawChart($("tr-loss-chart"), {
    series: [{ x: a.history.step, y: a.history.loss, cls: "series-loss", label: "loss" }],
    logY: input("tr-log").checked,
    xLabel: "step",
    yLabel: `loss (${a.reduce})`,
  });
}

export function drawParamChart() {
  const a = results.answer;
  if (!a) return;
  const names = Object.keys(a.params);
  drawChart($("tr-param-chart"), {
    series: names.map((n, i) => ({ x: a.history.step, y: a.history[n] || [], cls: `series-${i % 6}`, label: n })),
    xLabel: "step",
    yLabel: "value",
  });
}

export function drawFitChart() {
  const f = results.fit;
  if (!f) return;
  drawChart($("tr-fit-chart"), {
    series: [{ x: f.x, y: f.y, cls: "series-fit", label: "fitted model" }],
    dots: f.dots ? { ...f.dots, cls: "series-data", label: "data" } : null,
    xLabel: f.xName,
    yLabel: f.target,
  });
}

/** A number in p significant digits, in exponent form when it is tiny or huge. */
export function short(x, p) {
  if (typeof x !== "number" || x === 0 || !Number.isFinite(x)) return fmt(x, p);
  const a = Math.abs(x);
  return a < 1e-3 || a >= 1e7 ? x.toExponential(p - 1).replace(/\.?0+e/, "e") : fmt(x, p);
}

/** The first and last recorded loss when the loss grew by orders of magnitude, else null. */
export function lossGrowth(a) {
  const losses = (a.history?.loss || []).filter((x) => typeof x === "number" && Number.isFinite(x));
  if (losses.length < 2) return null;
  const first = Math.abs(losses[0]);
  const last = Math.abs(losses[losses.length - 1]);
  return last > 1000 * Math.max(first, 1e-12) ? { first: losses[0], last: losses[losses.length - 1] } : null;
}

function finalRow(name, value, grad) {
  const tr = document.createElement("tr");
  const th = document.createElement("th");
  th.scope = "row";
  th.textContent = name;
  const v = document.createElement("td");
  v.className = "num";
  v.dataset.name = name;
  v.textContent = short(value, 8);
  const g = document.createElement("td");
  g.className = "num";
  g.textContent = grad === undefined ? "" : short(grad, 4);
  tr.append(th, v, g);
  return tr;
}

export function showAnswer(a) {
  results.answer = a;
  $("tr-empty").hidden = true;
  $("tr-output").hidden = false;
  $("tr-steps-run").textContent = String(a.steps);
  $("tr-rows").textContent = String(a.rows);
  const rows = Object.entries(a.params).map(([n, v]) => finalRow(n, v, a.gradients?.[n]));
  const loss = finalRow(`loss (${a.reduce})`, a.loss);
  loss.classList.add("train-loss-row");
  $("tr-final-body").replaceChildren(...rows, loss);
  const growth = lossGrowth(a);
  const message = (a.message || "").replace(/^diverged:\s*/i, "");
  $("tr-diverged").hidden = !a.diverged && !message && !growth;
  $("tr-diverged").textContent = a.diverged
    ? `Diverged: ${message || "the loss stopped being finite"}. Try a smaller learning rate.`
    : growth
      ? `Diverging: the loss grew from ${short(growth.first, 3)} to ${short(growth.last, 3)}. Try a smaller learning rate.`
      : message;
  $("tr-warnings").hidden = !(a.warnings && a.warnings.length);
  $("tr-warnings").textContent = (a.warnings || []).join("; ");
  drawLossChart();
  drawParamChart();
  showGraph(a);
}

/** The per-example graph with its reduction node, parsed and stripped like the playground's. */
function showGraph(a) {
  const svg = a.svg ? sanitizeSvg(a.svg) : null;
  if (svg) {
    svg.removeAttribute("width");
    svg.removeAttribute("height");
    svg.setAttribute("preserveAspectRatio", "xMidYMid meet");
  }
  $("tr-graph-figure").hidden = !svg;
  if (svg) $("tr-graph").replaceChildren(svg);
  else $("tr-graph").replaceChildren();
}

export function showError(problem) {
  $("tr-error").hidden = !problem;
  if (!problem) return;
  $("tr-error-title").textContent = `${(problem.title || "Error").replace(/[:.]$/, "")}:`;
  $("tr-error-detail").textContent = where(problem) + (problem.detail || "");
  $("tr-error-snippet").textContent = problem.snippet || "";
  $("tr-error-snippet").hidden = !problem.snippet;
}
