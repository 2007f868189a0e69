// @ts-check
// Only what is near the view is laid out and painted: every node and edge of a big drawing
// is measured once, and those far outside the view are switched off (display: none), so a
// change of numbers or a pan repaints tens of boxes instead of thousands. (Changing the text
// of a hidden element costs as much as a shown one's, so the drawing writes numbers into
// hidden boxes only when they are switched back on: onShow.)

import { root } from "./svg-contract.js";

const LEAST = 300; // drawings with fewer nodes and edges are never culled
const DELAY_MS = 60; // culling waits until a pan or zoom pauses

export class Culler {
  constructor() {
    this.items = [];
    this.centres = new Map(); // element id -> its centre in SVG units (also when culled)
    /** @type {Map<string, { x: number, y: number, w: number, h: number }>} */
    this.boxes = new Map(); // node or cluster id -> its box in SVG units (also when culled)
    this.timer = null;
    this.onShow = null; // called with each element switched back on
  }

  /** Measure every node and edge of svg (in the coordinates of its viewBox). */
  measure(svg) {
    this.items = [];
    this.centres = new Map();
    this.boxes = new Map();
    const drawn = root(svg);
    if (!drawn) return;
    const m = drawn.transform.baseVal.consolidate()?.matrix;
    const [a, d, e, f] = m ? [m.a, m.d, m.e, m.f] : [1, 1, 0, 0];
    for (const el of drawn.children) {
      if (!(el instanceof SVGGraphicsElement)) continue;
      const cluster = el.classList.contains("cluster");
      if (!cluster && !el.classList.contains("node") && !el.classList.contains("edge")) continue;
      const b = el.getBBox();
      const item = { el, x: a * b.x + e, y: d * b.y + f, w: a * b.width, h: d * b.height, off: false };
      if (!cluster) this.items.push(item);
      if (!el.id) continue;
      this.centres.set(el.id, { x: item.x + item.w / 2, y: item.y + item.h / 2 });
      if (!el.classList.contains("edge")) this.boxes.set(el.id, { x: item.x, y: item.y, w: item.w, h: item.h });
    }
  }

  /** Cull soon (after a gesture pauses), or now. */
  schedule(box, now = false) {
    clearTimeout(this.timer);
    if (now) this.run(box);
    else this.timer = setTimeout(() => this.run(box), DELAY_MS);
  }

  /** Switch off what lies beyond one view's size around box; switch on the rest. */
  run(box) {
    if (this.items.length < LEAST || !box) return;
    const left = box.x - box.w;
    const right = box.x + 2 * box.w;
    const top = box.y - box.h;
    const bottom = box.y + 2 * box.h;
    for (const it of this.items) {
      const off = it.x > right || it.x + it.w < left || it.y > bottom || it.y + it.h < top;
      if (off !== it.off) {
        it.off = off;
        if (off) it.el.setAttribute("display", "none");
        else {
          it.el.removeAttribute("display");
          if (this.onShow) this.onShow(it.el);
        }
      }
    }
  }
}
