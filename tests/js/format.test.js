// The page's number format is the server's (chainrule.graph.fmt): Python's "g" with a compact
// exponent, ties rounded half to even on the exact double. Run by ./dev check (node --test).
import assert from "node:assert/strict";
import { test } from "node:test";

import { fmt } from "../../static/js/format.js";

test("four digits by default, as the server draws", () => {
  assert.equal(fmt(1 / 3), "0.3333");
  assert.equal(fmt(2 / 3), "0.6667");
  assert.equal(fmt(6), "6");
});

test("a compact exponent outside 1e-4 .. 1e(p)", () => {
  assert.equal(fmt(1.5e6, 4), "1.5e6");
  assert.equal(fmt(-2.5e-7, 4), "-2.5e-7");
  assert.equal(fmt(0.0001, 4), "0.0001");
  assert.equal(fmt(12345, 4), "1.234e4");
});

test("an exact tie rounds half to even, as Python does", () => {
  assert.equal(fmt(0.125, 2), "0.12");
  assert.equal(fmt(2.5, 1), "2");
  assert.equal(fmt(1.5, 1), "2");
  assert.equal(fmt(1234.5, 4), "1234");
  assert.equal(fmt(9.5, 1), "1e1");
  assert.equal(fmt(0.15, 1), "0.1"); // 0.15 is a little below 0.15 as a double: no tie
});

test("no number, strings and non-finite numbers as the API writes them", () => {
  assert.equal(fmt(null), "");
  assert.equal(fmt("inf"), "inf");
  assert.equal(fmt(Number.NaN), "nan");
  assert.equal(fmt(-Infinity), "-inf");
  assert.equal(fmt(-0), "0");
});
