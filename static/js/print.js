// @ts-check
// Before printing (or when print media is emulated): a print-only copy of the whole drawing
// (every node, the full extent, whatever the view was panned or zoomed to) and the program
// as typed. Nothing of the live view is changed; the copy is removed after printing.
import { $, textarea } from "./dom.js";
import { root } from "./svg-contract.js";

/** The whole drawing's box in SVG units: graphviz's background polygon, translated. */
function extent(svg) {
  const drawn = root(svg);
  const polygon = drawn?.querySelector(":scope > polygon");
  if (!polygon) return null;
  const points = polygon.getAttribute("points").trim().split(/\s+/).map((p) => p.split(",").map(Number));
  const shift = /translate\(\s*([-\d.]+)[\s,]+([-\d.]+)\s*\)/.exec(drawn.getAttribute("transform") || "");
  const [tx, ty] = shift ? [Number(shift[1]), Number(shift[2])] : [0, 0];
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const x = Math.min(...xs) + tx;
  const y = Math.min(...ys) + ty;
  return { x, y, w: Math.max(...xs) + tx - x, h: Math.max(...ys) + ty - y };
}

function prepare() {
  const program = $("program-print");
  const source = textarea("expression");
  if (program && source) program.textContent = source.value;
  $("graph-print")?.remove();
  const svg = $("graph")?.querySelector(":scope > svg");
  if (!svg) return;
  const copy = /** @type {SVGSVGElement} */ (svg.cloneNode(true));
  for (const el of copy.querySelectorAll("[display]")) el.removeAttribute("display"); // culled
  for (const el of copy.querySelectorAll("[id]")) el.removeAttribute("id");
  copy.removeAttribute("aria-activedescendant");
  const box = extent(svg); // (the live drawing may be hidden already: no getBBox)
  if (box && box.w > 0 && box.h > 0) copy.setAttribute("viewBox", `${box.x} ${box.y} ${box.w} ${box.h}`);
  copy.setAttribute("role", "img");
  copy.setAttribute("aria-label", $("graph").getAttribute("aria-label") || "Computation graph");
  const figure = document.createElement("figure");
  figure.id = "graph-print";
  figure.className = "print-only";
  const caption = document.createElement("figcaption");
  caption.textContent = "Each box: the node's name, its value and its gradient (d output / d node).";
  // a long chain fits the page's width only as a thin line: say how to print it readably
  if (box && box.w > 6 * box.h) caption.textContent += " The drawing is wide: choose Direction \"Top to bottom\", or download the PDF, for a readable print.";
  figure.append(copy, caption);
  $("graph").after(figure);
}

function cleanUp() {
  $("graph-print")?.remove();
}

window.addEventListener("beforeprint", prepare);
window.addEventListener("afterprint", cleanUp);
const media = window.matchMedia("print");
media.addEventListener("change", () => (media.matches ? prepare() : cleanUp()));
