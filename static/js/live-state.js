// @ts-check
// The live page's state in its URL: data source (and edited points), network, program
// (when edited), the model of a curve fit, optimizer settings, seed, step and the traced datapoint.

export const DEFAULTS = {
  plane2: { hidden: "8,8", act: "tanh", loss: "logistic", opt: "adam", lr: "0.03" },
  plane3: { hidden: "8,8", act: "tanh", loss: "softmax", opt: "adam", lr: "0.03" },
  "noisy-line": { model: "line", hidden: "8", act: "tanh", loss: "squared" },
  sin: { model: "cubic", hidden: "8", act: "tanh", loss: "squared" },
};

/** The training settings each model of a curve opens with (the seeds' line: plain descent). */
export const MODELS = {
  line: { opt: "gd", lr: "0.01" },
  cubic: { opt: "momentum", lr: "0.002" },
  network: { opt: "adam", lr: "0.03" },
};

const KEYS = ["data", "points", "model", "hidden", "act", "loss", "l2", "seed", "program", "opt", "lr", "every", "step", "trace"];

/** The URL's settings (absent ones are missing from the object). */
export function readUrl(search = window.location.search) {
  const q = new URLSearchParams(search);
  const out = {};
  for (const k of KEYS) if (q.has(k)) out[k] = q.get(k);
  return out;
}

/** Points as "x,y,class;..." with 3 decimals. */
export function encodePoints(points) {
  return points.map((p) => `${+p.x.toFixed(3)},${+p.y.toFixed(3)},${p.cls}`).join(";");
}

export function decodePoints(text) {
  const points = [];
  for (const part of (text || "").split(";")) {
    const [x, y, c] = part.split(",").map(Number);
    if (Number.isFinite(x) && Number.isFinite(y) && Number.isInteger(c) && c >= 0 && c < 3) points.push({ x, y, cls: c });
  }
  return points;
}

/** Write the settings into the URL (replacing the history entry). */
export function writeUrl(settings) {
  const q = new URLSearchParams();
  for (const k of KEYS) {
    const v = settings[k];
    if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  }
  const url = `${window.location.pathname}?${q}`;
  if (url !== window.location.pathname + window.location.search) window.history.replaceState(null, "", url);
}
