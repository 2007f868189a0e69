// @ts-check
// The one chart module: hand-drawn SVG charts (axes, ticks, polylines and dots, no library) for
// the Train panel and /live's growing loss curve.

import { fmt } from "./format.js";

const NS = "http://www.w3.org/2000/svg";
const PAD = { left: 64, right: 14, top: 12, bottom: 38 };

/** Create an SVG element with attributes. */
function el(name, attrs = {}, text = null) {
  const node = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== null) node.textContent = text;
  return node;
}

/** About n round tick values covering [lo, hi]. */
export function niceTicks(lo, hi, n = 5) {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) || 10 * mag;
  const ticks = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) {
    ticks.push(Math.abs(t) < step * 1e-9 ? 0 : Number(t.toPrecision(12)));
  }
  return ticks;
}

/** Ticks for a log10 axis over [lo, hi] (given as log10 values): whole decades, or 1-2-5. */
function logTicks(lo, hi) {
  const decades = [];
  for (let d = Math.ceil(lo); d <= Math.floor(hi); d++) decades.push(d);
  if (decades.length >= 2) {
    const every = Math.ceil(decades.length / 6);
    return decades.filter((d) => d % every === 0);
  }
  const ticks = [];
  for (let d = Math.floor(lo); d <= Math.ceil(hi); d++) {
    for (const m of [1, 2, 5]) {
      const t = d + Math.log10(m);
      if (t >= lo - 1e-9 && t <= hi + 1e-9) ticks.push(t);
    }
  }
  return ticks.length >= 2 ? ticks : niceTicks(lo, hi, 4);
}

/** Extent of finite numbers, widened when flat, padded a little. */
function extent(values, pad = 0.04) {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (Number.isFinite(v)) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (lo === Infinity) return [0, 1];
  if (hi === lo) {
    const w = Math.abs(lo) > 0 ? Math.abs(lo) * 0.1 : 1;
    return [lo - w, hi + w];
  }
  const w = (hi - lo) * pad;
  return [lo - w, hi + w];
}

/**
 * Draw a chart into container (replacing what was there).
 * spec: { series: [{x, y, cls, label}], dots?: {x, y, cls, label}, logY?, xLabel, yLabel }
 * Points that are not finite (or not positive on a log axis) are left out.
 * Returns the SVG element.
 */
export function drawChart(container, spec) {
  const width = Math.max(260, Math.round(container.clientWidth || 560));
  const height = spec.height || (width < 420 ? 220 : 260);
  const ty = spec.logY ? (v) => (v > 0 ? Math.log10(v) : NaN) : (v) => v;
  const clean = (s) => {
    const xs = [];
    const ys = [];
    for (let i = 0; i < s.x.length; i++) {
      const x = Number(s.x[i]);
      const y = ty(Number(s.y[i]));
      if (Number.isFinite(x) && Number.isFinite(y)) {
        xs.push(x);
        ys.push(y);
      }
    }
    return { ...s, x: xs, y: ys };
  };
  const series = spec.series.map(clean);
  const dots = spec.dots ? clean(spec.dots) : null;
  const all = dots ? [...series, dots] : series;
  const [x0, x1] = extent(all.flatMap((s) => s.x), 0);
  const [y0, y1] = extent(all.flatMap((s) => s.y));
  const plotW = width - PAD.left - PAD.right;
  const plotH = height - PAD.top - PAD.bottom;
  const sx = (x) => PAD.left + ((x - x0) / (x1 - x0 || 1)) * plotW;
  const sy = (y) => PAD.top + plotH - ((y - y0) / (y1 - y0 || 1)) * plotH;

  const svg = el("svg", {
    viewBox: `0 0 ${width} ${height}`, width, height, class: "chart-svg",
    "data-log": spec.logY ? "true" : "false",
  });
  const axes = el("g", { class: "chart-axes" });
  const xt = niceTicks(x0, x1, width < 420 ? 4 : 6);
  const yt = spec.logY ? logTicks(y0, y1) : niceTicks(y0, y1, 5);
  for (const t of xt) {
    const x = sx(t);
    axes.append(el("line", { x1: x, x2: x, y1: PAD.top, y2: PAD.top + plotH, class: "chart-grid" }));
    axes.append(el("text", { x, y: PAD.top + plotH + 16, class: "chart-tick", "text-anchor": "middle" }, fmt(t, 4)));
  }
  for (const t of yt) {
    const y = sy(t);
    axes.append(el("line", { x1: PAD.left, x2: PAD.left + plotW, y1: y, y2: y, class: "chart-grid" }));
    const label = spec.logY ? fmt(10 ** t, 3) : fmt(t, 4);
    axes.append(el("text", { x: PAD.left - 6, y: y + 4, class: "chart-tick", "text-anchor": "end" }, label));
  }
  axes.append(el("rect", { x: PAD.left, y: PAD.top, width: plotW, height: plotH, class: "chart-frame" }));
  axes.append(el("text", { x: PAD.left + plotW / 2, y: height - 4, class: "chart-label", "text-anchor": "middle" }, spec.xLabel || ""));
  const yl = el("text", { x: 0, y: 0, class: "chart-label", "text-anchor": "middle",
    transform: `translate(12 ${PAD.top + plotH / 2}) rotate(-90)` }, spec.yLabel || "");
  axes.append(yl);
  svg.append(axes);

  const clip = `clip-${Math.random().toString(36).slice(2, 9)}`;
  const defs = el("defs");
  const cp = el("clipPath", { id: clip });
  cp.append(el("rect", { x: PAD.left, y: PAD.top, width: plotW, height: plotH }));
  defs.append(cp);
  svg.append(defs);
  const plot = el("g", { "clip-path": `url(#${clip})` });
  if (dots) {
    const g = el("g", { class: `chart-dots ${dots.cls || ""}`, "data-series": dots.label || "data" });
    const stride = Math.max(1, Math.ceil(dots.x.length / 600));
    for (let i = 0; i < dots.x.length; i += stride) {
      g.append(el("circle", { cx: sx(dots.x[i]).toFixed(1), cy: sy(dots.y[i]).toFixed(1), r: 2.6 }));
    }
    plot.append(g);
  }
  for (const s of series) {
    const pts = s.x.map((x, i) => `${sx(x).toFixed(1)},${sy(s.y[i]).toFixed(1)}`).join(" ");
    plot.append(el("polyline", { points: pts, class: `chart-line ${s.cls || ""}`, "data-series": s.label || "" }));
  }
  svg.append(plot);

  const named = all.filter((s) => s.label);
  if (named.length > 1) {
    const legend = el("g", { class: "chart-legend" });
    const box = el("rect", { x: PAD.left + 4, y: PAD.top + 3, height: 18, rx: 3, class: "chart-legend-box" });
    legend.append(box);
    let x = PAD.left + 8;
    for (const s of named) {
      const isDots = s === dots;
      legend.append(isDots
        ? el("circle", { cx: x + 7, cy: PAD.top + 12, r: 3, class: `chart-dots ${s.cls || ""}` })
        : el("line", { x1: x, x2: x + 14, y1: PAD.top + 12, y2: PAD.top + 12, class: `chart-line ${s.cls || ""}` }));
      const text = el("text", { x: x + 18, y: PAD.top + 16, class: "chart-tick" }, s.label);
      legend.append(text);
      x += 26 + 7.5 * s.label.length;
    }
    box.setAttribute("width", String(x - PAD.left - 12));
    svg.append(legend);
  }
  container.replaceChildren(svg);
  return svg;
}

/** A loss curve that grows step by step (/live): redrawn (one polyline) on each draw(). */
export class LossChart {
  /** container: the chart's box (its SVG is replaced on each draw). */
  constructor(container) {
    this.container = container;
    /** @type {number[]} */
    this.steps = [];
    /** @type {number[]} */
    this.losses = [];
    let width = 0;
    new ResizeObserver(() => {
      if (container.clientWidth !== width) {
        width = container.clientWidth;
        this.draw();
      }
    }).observe(container);
  }

  clear() {
    this.steps = [];
    this.losses = [];
  }

  /** Add a step's loss; the same step again (a resumed run) replaces what followed it. */
  push(step, loss) {
    if (typeof loss !== "number") return;
    while (this.steps.length && this.steps[this.steps.length - 1] >= step) {
      this.steps.pop();
      this.losses.pop();
    }
    this.steps.push(step);
    this.losses.push(loss);
  }

  /** Draw the curve (at most ~1,000 points; a log axis once the loss spans two decades). */
  draw() {
    const n = this.steps.length;
    if (n < 2) {
      // a curve needs two steps; until then, say how to get them
      const note = document.createElement("p");
      note.className = "chart-empty";
      note.textContent = "Press Play or Step to start";
      this.container.replaceChildren(note);
      return;
    }
    const stride = Math.max(1, Math.floor(n / 1000));
    const x = [];
    const y = [];
    for (let i = 0; i < n; i += stride) {
      x.push(this.steps[i]);
      y.push(this.losses[i]);
    }
    if (x[x.length - 1] !== this.steps[n - 1]) {
      x.push(this.steps[n - 1]);
      y.push(this.losses[n - 1]);
    }
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of y) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const logY = lo > 0 && hi / lo > 100;
    drawChart(this.container, { series: [{ x, y, cls: "series-loss", label: "loss" }], logY, xLabel: "step", yLabel: logY ? "loss (log)" : "loss", height: 170 });
  }
}
