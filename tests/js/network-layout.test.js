// /live's network: which nodes are units, what they fold in, their connections and layers.
import assert from "node:assert/strict";
import { test } from "node:test";

import { place, unitsOf } from "../../static/js/network-layout.js";

// h = tanh(w*x + b); loss = (h - y)^2, ids in topological order as /api/evaluate gives them
const nodes = [
  { id: "n0", name: "x", kind: "input" },
  { id: "n1", name: "w", kind: "input" },
  { id: "n2", name: null, kind: "intermediate" },
  { id: "n3", name: "b", kind: "input" },
  { id: "n4", name: null, kind: "intermediate" },
  { id: "n5", name: "h", kind: "intermediate" },
  { id: "n6", name: "y", kind: "input" },
  { id: "n7", name: null, kind: "intermediate" },
  { id: "n8", name: null, kind: "constant" },
  { id: "n9", name: "loss", kind: "output" },
];
const edge = (source, target) => ({ source, target });
const edges = [edge("n0", "n2"), edge("n1", "n2"), edge("n2", "n4"), edge("n3", "n4"), edge("n4", "n5"),
  edge("n5", "n7"), edge("n6", "n7"), edge("n7", "n9"), edge("n8", "n9")];

test("a neuron folds its weight and bias; data columns and named lines are units", () => {
  const { units, connections, unitOf } = unitsOf(nodes, edges, "n9", new Set(["x", "y"]));
  assert.deepEqual(units.map((u) => u.name).sort(), ["h", "loss", "x", "y"]);
  assert.deepEqual(units.find((u) => u.name === "h").folded, ["n1", "n3"]);
  assert.equal(unitOf.get("n2"), "n5"); // w*x inside h
  assert.equal(unitOf.get("n8"), "n9"); // the constant 2 inside loss
  assert.deepEqual(connections.map((c) => c.join(">")).sort(), ["n0>n5", "n5>n9", "n6>n9"]);
});

test("layers run from the inputs to the loss; a label sits next to its use", () => {
  const { units } = unitsOf(nodes, edges, "n9", new Set(["x", "y"]));
  const layer = Object.fromEntries(units.map((u) => [u.name, u.layer]));
  assert.deepEqual(layer, { x: 0, h: 1, y: 1, loss: 2 });
  const size = place(units);
  const at = Object.fromEntries(units.map((u) => [u.name, u.x]));
  assert.ok(at.x < at.h && at.h === at.y && at.y < at.loss && size.w > at.loss);
});
