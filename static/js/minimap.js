// @ts-check
// The overview in the corner of the graph: a text-free copy of the drawing and a frame for
// the part in view; a click or drag on it moves the view there.

import { SVG_NS } from "./sanitize.js";

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
  return { box, svg, view, content, unit: 0 };
}
