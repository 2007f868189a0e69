// @ts-check
// The server's drawing as the page reads it: the one place that knows the SVG contract.
// - g#nK.node.value is node nK's box; g#op-nK.node.op its operation; a dashed copy of a box
//   has the class copy-of-nK; a lines-level box (class unit) lists the nodes drawn inside it
//   in the order of its in_nJ classes; an opened box is the cluster g#cluster-nK; a series
//   of lines folded into one box is g#sK.series, showing the numbers of its last line (class
//   of-nK).
// - The numbers of a box: either "value" x "grad" y quads (one per node shown in it, the
//   box's own last), or (the compact node) its last two texts, value then gradient.
// - Edges: g.edge whose <title> is "a->b" (graphviz's), g#eK for the answer's edge K, and
//   g#u-nA-nB for a lines-level edge.
// Adapting the page to a new drawing is a change here.

/** A node's id in the answer: n0, n1, ... */
export const NODE = /^n\d+$/;

/** The drawing's root group (graphviz's, carrying the drawing's transform). */
export function root(svg) {
  return svg.querySelector("g.graph");
}

/** The boxes of value nodes (including lines-level units and dashed copies). */
export function valueBoxes(container) {
  return container.querySelectorAll("g.node.value");
}

/** The drawn box of node id, if it is drawn as a box of its own. */
export function boxOf(svg, id) {
  return svg.querySelector(`g.node[id="${id}"]`);
}

/** The id of the node a drawn group shows: nK for its box, its operation (op-nK), its
 * dashed copies (class copy-of-nK) and a series whose last line it is (class of-nK); its
 * own id otherwise. */
export function nodeIdOf(g) {
  const copyOf = [...g.classList].find((c) => c.startsWith("copy-of-") || c.startsWith("of-"));
  if (copyOf) return copyOf.slice(copyOf.indexOf("of-") + 3);
  return g.id.startsWith("op-") ? g.id.slice(3) : g.id;
}

/** The id of the operation group of node id. */
export const opIdOf = (id) => `op-${id}`;

/** The id of the cluster an opened box id is drawn as. */
export const clusterIdOf = (id) => `cluster-${id}`;

/** True if the id names a cluster (an opened box), not a node. */
export const isCluster = (id) => id.startsWith("cluster-");

/** The box id an opened box's cluster stands for. */
export const unitOfCluster = (id) => id.replace(/^cluster-/, "");

/** True if the id is a node's box or its operation (what a node on screen is). */
export const isNodeShape = (id) => /^(n|s|op-n)\d+$/.test(id);

/** The number fields of one drawn box: [{ id, value, grad }] (SVG texts), the box's own
 * last; [] when it shows no numbers. */
export function numberSlots(g) {
  const texts = g.querySelectorAll("text");
  const quads = [];
  for (let i = 0; i + 3 < texts.length; i++) {
    if (texts[i].textContent === "value" && texts[i + 2].textContent === "grad") {
      quads.push({ value: texts[i + 1], grad: texts[i + 3] });
      i += 3;
    }
  }
  if (!quads.length) {
    // the compact node: its last two texts are its value and its gradient
    if (texts.length < 2 || !g.classList.contains("value")) return [];
    return [{ id: nodeIdOf(g), value: texts[texts.length - 2], grad: texts[texts.length - 1] }];
  }
  const inside = [...g.classList].filter((c) => /^in_n\d+$/.test(c)).map((c) => c.slice(3));
  const own = quads.pop();
  const out = quads.slice(-inside.length || quads.length).map((q, k) => ({ ...q, id: inside[k] })).filter((q) => q.id);
  out.push({ ...own, id: nodeIdOf(g) });
  return out;
}

/** The two ends of a drawn edge as graphviz names them (its <title> "a->b"), or null. */
export function edgeEnds(g) {
  const title = g.querySelector(":scope > title");
  if (!title) return null;
  const [from, to] = title.textContent.split("->").map((s) => s.trim());
  return to === undefined ? null : [from, to];
}

/** A lines-level edge's source and target boxes (g#u-nA-nB; a series: sK), or null. */
export function unitEdgeEnds(id) {
  const m = /^u-([ns]\d+)-([ns]\d+)$/.exec(id);
  return m ? [m[1], m[2]] : null;
}

/** The answer's edge index K of a drawn g#eK, or null. */
export function edgeIndex(id) {
  const m = /^e(\d+)$/.exec(id);
  return m ? Number(m[1]) : null;
}

/** The drawn edge of the answer's edge K (g#eK), if drawn. */
export function answerEdge(svg, k) {
  return svg.querySelector(`g.edge[id="e${k}"]`);
}

/** The drawn edges into box id (to mark a backward step's edges). */
export function edgesInto(svg, id) {
  return svg.querySelectorAll(`g.edge[id$="-${id}"]`);
}

/** The lines-level boxes that open (units) and the opened ones (clusters): [{ id, g }],
 * g being the group to focus (a cluster's own box when it has one). */
export function openable(svg) {
  const out = [];
  for (const g of svg.querySelectorAll("g.node.unit, g.cluster.unit-open")) {
    const id = unitOfCluster(g.id);
    const own = g.classList.contains("cluster") ? boxOf(svg, id) : g;
    if (own) out.push({ id, g: own });
  }
  return out;
}

/** The words a box shows: its name (the first text), operation and value and gradient. */
export function boxWords(g) {
  const texts = [...g.querySelectorAll("text")].map((t) => t.textContent.trim());
  const slots = numberSlots(g);
  const own = slots[slots.length - 1];
  const italic = g.querySelector("text[font-style='italic']");
  return {
    name: texts[0] || g.id,
    op: italic?.textContent.trim() || "",
    value: own ? own.value.textContent.trim() : "",
    grad: own ? own.grad.textContent.trim() : "",
  };
}
