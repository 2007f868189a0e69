// @ts-check
// The overview in the corner of the graph: a text-free copy of the drawing and a frame for
// the part in view; a click or drag on it moves the view there.

import { SVG_NS } from "./sanitize.js";
import { isNodeShape } from "./svg-contract.js";

const CORNERS = ["at-br", "at-bl", "at-tr", "at-tl"]; // where the overview may sit

/** The overview: a text-free copy of the drawing and a frame for the view. */
export function makeMinimap(panZoom) {
  const box = document.createElement("div");
  box.className = "minimap";
  box.hidden = true;
  box.setAttribute("aria-hidden", "true");
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("preserveAspectRatio", "xMidYMid meet");
  const content = document.createElementNS(SVG_NS, "g");
  const view = document.createElementNS(SVG_NS, "rect");
  view.setAttribute("class", "minimap-view");
  svg.append(content, view);
  box.append(svg);
  let dragging = false;
  box.addEventListener("pointerdown", (e) => {
    e.preventDefault();
    e.stopPropagation();
    dragging = true;
    box.setPointerCapture(e.pointerId);
    panZoom.jump(e.clientX, e.clientY);
  });
  box.addEventListener("pointermove", (e) => {
    if (dragging) panZoom.jump(e.clientX, e.clientY);
  });
  box.addEventListener("pointerup", () => { dragging = false; });
  box.addEventListener("click", (e) => e.stopPropagation());
  /** @type {{ w: number, h: number, inset: number, panel: number } | null} */
  const size = null; // the overview's size in px (measured once per drawing and width)
  return { box, svg, view, content, unit: 0, size };
}

/**
 * Put the overview in a corner of the panel where it covers no node and not the legend in
 * view (bottom right, bottom left, top right, top left); false when every corner would cover
 * one (it folds away). panel: the panel's size in px; b: the view's box and boxes: the nodes' boxes, in
 * SVG units.
 */
export function placeMinimap(minimap, panel, b, boxes) {
  const box = minimap.box;
  const { w: W, h: H } = panel;
  if (!minimap.size || minimap.size.panel !== W) {
    const wasHidden = box.hidden;
    box.hidden = false;
    box.classList.remove(...CORNERS);
    minimap.size = { w: box.offsetWidth, h: box.offsetHeight, inset: parseFloat(getComputedStyle(box).right) || 6, panel: W };
    box.hidden = wasHidden;
  }
  const { w, h, inset } = minimap.size;
  if (!w || !h) return true;
  const s = Math.min(W / b.w, H / b.h);
  const ox = (W - b.w * s) / 2;
  const oy = (H - b.h * s) / 2;
  const shown = [];
  for (const [id, r] of boxes) {
    if (!isNodeShape(id) && id !== "legend-key") continue; // the legend is read as a node is
    const x = (r.x - b.x) * s + ox;
    const y = (r.y - b.y) * s + oy;
    if (x < W && y < H && x + r.w * s > 0 && y + r.h * s > 0) shown.push({ x, y, w: r.w * s, h: r.h * s });
  }
  const corners = {
    "at-br": { x: W - inset - w, y: H - inset - h },
    "at-bl": { x: inset, y: H - inset - h },
    "at-tr": { x: W - inset - w, y: inset },
    "at-tl": { x: inset, y: inset },
  };
  for (const [name, c] of Object.entries(corners)) {
    const covers = shown.some((r) => r.x < c.x + w && c.x < r.x + r.w && r.y < c.y + h && c.y < r.y + r.h);
    if (!covers) {
      box.classList.remove(...CORNERS);
      box.classList.add(name);
      return true;
    }
  }
  return false;
}
