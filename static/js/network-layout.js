// @ts-check
// The network's layout (network.js draws it): which nodes of /api/evaluate's graph are units
// (named lines, data inputs, the output), what each folds in (parameters, constants, unnamed
// operations), their connections, and their places: one column per layer, counted from the
// inputs by the longest way to the loss.

export const W = 92; // a unit's least width and its height, in SVG units (1 unit = 1 px at
export const H = 44; // natural size); a unit is as wide as its widest text needs (unitWidth)
export const TEXT_X = 6; // a unit's texts start this far in, and end as far from its edge
const ROW = 52; // a unit's pitch within its layer
const GAP = 60; // the room between layers (edges only)
const PAD = 8;

/**
 * @typedef {{ id: string, name: string, kind: string }} GraphNode
 * @typedef {{ source: string, target: string }} GraphEdge
 * @typedef {{ id: string, name: string, data: boolean, index: number, folded: string[],
 *   layer: number, x: number, y: number }} Unit
 */

/** The units of a graph (named lines, data inputs, the output), what each folds in, their
 * connections and layers. columns: the data's names (every other input is a parameter). */
export function unitsOf(nodes, edges, outputId, columns) {
  const index = new Map(nodes.map((n, k) => [n.id, k]));
  /** @type {Map<string, string[]>} */
  const uses = new Map();
  for (const e of edges) {
    if (!uses.has(e.source)) uses.set(e.source, []);
    uses.get(e.source).push(e.target);
  }
  const folds = (n) => !n.name || n.kind === "constant" || (n.kind === "input" && !columns.has(n.name));
  /** @type {Map<string, string>} */
  const unitOf = new Map();
  // ids count up in topological order: a node's uses are decided before it
  for (let k = nodes.length - 1; k >= 0; k--) {
    const n = nodes[k];
    const first = (uses.get(n.id) || []).reduce((a, b) => (a === undefined || index.get(b) < index.get(a) ? b : a), undefined);
    unitOf.set(n.id, n.id === outputId || !folds(n) || first === undefined ? n.id : unitOf.get(first));
  }
  /** @type {Map<string, Unit>} */
  const units = new Map();
  for (const n of nodes) {
    const u = unitOf.get(n.id);
    if (u === n.id) units.set(u, { id: u, name: n.name || n.label || n.id, data: n.kind === "input", index: index.get(u), folded: [], layer: 0, x: 0, y: 0 });
  }
  for (const n of nodes) if (unitOf.get(n.id) !== n.id && n.name) units.get(unitOf.get(n.id)).folded.push(n.id);
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const links = new Set();
  for (const e of edges) {
    const from = unitOf.get(e.source);
    const to = unitOf.get(e.target);
    if (from !== to && !folds(byId.get(e.source)) && units.has(from)) links.add(`${from} ${to}`);
  }
  const connections = [...links].map((l) => l.split(" "));
  // depth: the longest way to the output; layer: counted from the inputs' side
  const depth = new Map();
  const order = [...units.values()].sort((a, b) => b.index - a.index);
  for (const u of order) {
    const outs = connections.filter(([f]) => f === u.id).map(([, t]) => depth.get(t) ?? 0);
    depth.set(u.id, outs.length ? 1 + Math.max(...outs) : 0);
  }
  const deepest = Math.max(0, ...depth.values());
  for (const u of units.values()) u.layer = deepest - depth.get(u.id);
  return { units: [...units.values()], connections, unitOf };
}

/** The widest number the server writes at precision p ("-1.235e-10": p + 6 characters). */
export function widestNumber(p) {
  return p > 1 ? `-8.${"8".repeat(p - 1)}e-88` : "-8e-88";
}

/** A unit's width for texts of `textWidth` (measured: the widest name or "grad N"). */
export function unitWidth(textWidth) {
  return Math.max(W, Math.ceil(textWidth) + 2 * TEXT_X);
}

/** Place the units `w` wide: one column per layer, lines in program order (data last), each
 * column centred; returns the drawing's size. */
export function place(units, w = W) {
  const layers = [];
  for (const u of units) (layers[u.layer] ||= []).push(u);
  const tallest = Math.max(1, ...layers.map((l) => (l ? l.length : 0)));
  layers.forEach((column, k) => {
    if (!column) return;
    column.sort((a, b) => Number(a.data) - Number(b.data) || a.index - b.index);
    const top = PAD + ((tallest - column.length) * ROW) / 2;
    column.forEach((u, i) => {
      u.x = PAD + k * (w + GAP);
      u.y = top + i * ROW;
    });
  });
  return { w: 2 * PAD + layers.length * w + (layers.length - 1) * GAP, h: 2 * PAD + tallest * ROW - (ROW - H) };
}

