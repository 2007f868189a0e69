// @ts-check
// The live page's data: the points (from a built-in dataset or clicked in), the columns and
// the traced datapoint as the stream takes them, and the grid of the plane or the curve.

import { getJson } from "./api.js";

export const PLANE = { x0: -2, x1: 2, y0: -2, y1: 2 };

/** A built-in dataset as points ({x, y, cls}) with its kind, classes and description. */
export async function fetchDataset(name) {
  const ds = await getJson(`/api/datasets/${encodeURIComponent(name)}`);
  if (!ds) throw new Error(`no dataset ${name}`);
  const classes = [...Array(ds.classes).keys()];
  const points = ds.classes
    ? ds.data.x1.map((x, i) => ({ x, y: ds.data.x2[i], cls: classes.find((k) => ds.data[`c${k}`][i] === 1) }))
    : ds.data.x.map((x, i) => ({ x, y: ds.data.y[i], cls: 0 }));
  return { classes: ds.classes, kind: ds.classes ? "plane" : "curve", points, description: ds.description };
}

/** The data columns: x1, x2 and one-hot c0.. on the plane; x and y for a curve. */
export function columns(state) {
  if (state.kind === "curve") return { x: state.points.map((p) => p.x), y: state.points.map((p) => p.y) };
  const cols = { x1: state.points.map((p) => p.x), x2: state.points.map((p) => p.y) };
  for (let k = 0; k < state.classes; k++) cols[`c${k}`] = state.points.map((p) => (p.cls === k ? 1 : 0));
  return cols;
}

/** The traced datapoint's columns. */
export function traceValues(state) {
  const t = state.trace;
  if (state.kind === "curve") return { x: t.x, y: t.y };
  const out = { x1: t.x, x2: t.y };
  for (let k = 0; k < state.classes; k++) out[`c${k}`] = t.cls === k ? 1 : 0;
  return out;
}

/** The grid the model is evaluated on: n points along the curve, or n × n cell centres. */
export function grid(state, n) {
  if (state.kind === "curve") return [{ column: "x", lo: state.extent.x0, hi: state.extent.x1, n: 120 }];
  const hx = (PLANE.x1 - PLANE.x0) / n / 2;
  const hy = (PLANE.y1 - PLANE.y0) / n / 2;
  return [
    { column: "x1", lo: PLANE.x0 + hx, hi: PLANE.x1 - hx, n },
    { column: "x2", lo: PLANE.y0 + hy, hi: PLANE.y1 - hy, n },
  ];
}

/** The view of a curve fit: the data's extent, padded. */
export function curveExtent(points) {
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  const px = (x1 - x0) * 0.04 || 1;
  const py = (y1 - y0) * 0.12 || 1;
  return { x0: x0 - px, x1: x1 + px, y0: y0 - py, y1: y1 + py };
}

/** The index of the point nearest (x, y) on screen (-1 when there are none). */
export function nearest(state, x, y) {
  let best = -1;
  let d = Infinity;
  const { x0, x1, y0, y1 } = state.extent;
  state.points.forEach((p, i) => {
    const e = ((p.x - x) / (x1 - x0)) ** 2 + ((p.y - y) / (y1 - y0)) ** 2;
    if (e < d) {
      d = e;
      best = i;
    }
  });
  return best;
}
