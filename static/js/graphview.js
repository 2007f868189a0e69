// @ts-check
// The graph view: the drawing in the page, panned and zoomed through its viewBox, starting
// readable (labels at least ~8 px) and centred on the output, with an overview in a corner.

import { Culler } from "./culling.js";
import { makeMinimap, placeMinimap } from "./minimap.js";
import { SVG_NS } from "./sanitize.js";
import { clusterIdOf, root } from "./svg-contract.js";

const READABLE = 9.05 / 11; // screen px per SVG unit: 11-unit labels at least 9 px tall
const MAX_SCALE = 6; // the closest zoom: labels ~66 px tall
const MINIMAP_W = 176; // px: the overview's width (11rem)

/** Pan (drag, arrow keys) and zoom (wheel, +/−, buttons) one SVG through its viewBox, with
 * an overview (minimap) of the whole drawing whenever only part of it is in view. */
export class PanZoom {
  constructor(container) {
    this.container = container;
    this.svg = null;
    this.home = null;
    this.box = null;
    this.drag = null;
    this.moved = false;
    this.culler = new Culler();
    this.minimap = makeMinimap(this);
    container.addEventListener("wheel", (e) => this.onWheel(e), { passive: false });
    container.addEventListener("pointerdown", (e) => this.onDown(e));
    container.addEventListener("pointermove", (e) => this.onMove(e));
    container.addEventListener("pointerup", (e) => this.onUp(e));
    container.addEventListener("pointercancel", (e) => this.onUp(e));
    container.addEventListener("keydown", (e) => this.onKey(e));
    new ResizeObserver(() => this.resize()).observe(container);
    this.size = { w: container.clientWidth, h: container.clientHeight };
  }

  /** Show svg (replacing the container's drawing). keep: the same layout as before, so a
   * view the user chose stays; otherwise start readable, centred on the node focus. */
  show(svg, keep, focus) {
    const vb = svg.viewBox && svg.viewBox.baseVal;
    const home = vb && vb.width > 0 ? { x: vb.x, y: vb.y, w: vb.width, h: vb.height } : null;
    svg.removeAttribute("width");
    svg.removeAttribute("height");
    svg.setAttribute("preserveAspectRatio", "xMidYMid meet");
    // The overview is a copy without texts: patching numbers never touches it (a <use> of
    // the live drawing would be re-cloned, and laid out again, on every number changed).
    const drawn = root(svg);
    const copy = drawn ? drawn.cloneNode(true) : document.createElementNS(SVG_NS, "g");
    for (const el of copy.querySelectorAll("text, title")) el.remove();
    for (const el of copy.querySelectorAll("[id]")) el.removeAttribute("id");
    copy.removeAttribute("id");
    this.minimap.content.replaceChildren(copy);
    const previous = this.box;
    this.svg = svg;
    this.home = home;
    // CSSOM (allowed by the CSP): lets narrow screens size the box to the drawing.
    if (home) this.container.style.setProperty("--graph-aspect", String(Math.min(2.5, Math.max(0.6, home.w / home.h))));
    this.container.replaceChildren(svg, this.minimap.box);
    this.minimap.svg.setAttribute("viewBox", home ? `${home.x} ${home.y} ${home.w} ${home.h}` : "0 0 1 1");
    if (home) {
      // the overview's box takes the drawing's shape; its lines stay ~1.5 px wide
      const aspect = home.w / home.h;
      this.minimap.box.style.setProperty("--minimap-h", `${Math.round(Math.min(Math.max(MINIMAP_W / aspect, 36), 112))}px`);
      this.minimap.unit = Math.max(home.w / MINIMAP_W, home.h / 112);
      this.minimap.content.setAttribute("stroke-width", String(1.5 * this.minimap.unit));
    }
    this.size = { w: this.container.clientWidth, h: this.container.clientHeight };
    this.minimap.size = null;
    this.culler.measure(svg);
    if (keep && previous) this.box = previous;
    else this.start(focus);
    this.apply();
  }

  /** Let go of the drawing (another view took the box). */
  forget() {
    this.svg = null;
    this.home = null;
    this.box = null;
    this.minimap.box.hidden = true;
  }

  /** Pixels per SVG unit that show the whole drawing. */
  fitScale() {
    const { w, h } = this.size;
    return this.home && w > 0 && h > 0 ? Math.min(w / this.home.w, h / this.home.h) : 1;
  }

  /** The first view: the whole drawing if its labels are readable so; else the drawing's
   * short side fitted (when that is readable, at most natural size) or a readable zoom,
   * centred on the node focus (the output). */
  start(focus) {
    if (!this.home) return;
    const s = this.fitScale();
    if (s >= READABLE || this.size.w === 0) {
      this.box = { ...this.home };
      return;
    }
    const side = Math.max(this.size.w / this.home.w, this.size.h / this.home.h);
    const scale = Math.min(Math.max(side, READABLE), 1);
    const w = this.size.w / scale;
    const h = this.size.h / scale;
    const c = (focus && this.centreOf(focus)) || { x: this.home.x + this.home.w, y: this.home.y + this.home.h / 2 };
    this.box = this.clamp({ x: c.x - w / 2, y: c.y - h / 2, w, h });
  }

  /** Keep the box inside the drawing (with a margin) as far as its size allows. */
  clamp(b) {
    const H = this.home;
    const m = 0.05; // a little paper around the drawing, no more
    const fix = (pos, len, lo, full) => (len >= full ? lo + (full - len) / 2 : Math.min(Math.max(pos, lo - len * m), lo + full - len + len * m));
    return { ...b, x: fix(b.x, b.w, H.x, H.w), y: fix(b.y, b.h, H.y, H.h) };
  }

  /** Move the view by dx, dy SVG units, never past the drawing's edge (keys, the pan
   * buttons): at most the margin clamp() leaves, so the drawing cannot be lost. */
  panBy(dx, dy) {
    if (!this.box) return;
    this.box = this.clamp({ ...this.box, x: this.box.x + dx, y: this.box.y + dy });
    this.apply();
  }

  /** The container changed size (full window, phone rotation): keep centre and scale. */
  resize() {
    const w = this.container.clientWidth;
    const h = this.container.clientHeight;
    if (!this.box || w === 0 || h === 0 || (w === this.size.w && h === this.size.h)) {
      this.size = { w, h };
      return;
    }
    const b = this.box;
    const scale = Math.min(this.size.w / b.w, this.size.h / b.h) || this.fitScale();
    const cx = b.x + b.w / 2;
    const cy = b.y + b.h / 2;
    this.size = { w, h };
    this.box = { x: cx - w / scale / 2, y: cy - h / scale / 2, w: w / scale, h: h / scale };
    this.apply();
  }

  /** Show the box; what is far from it is culled now, or when a gesture pauses (live). */
  apply(live = false) {
    if (!this.svg || !this.box) return;
    const b = this.box;
    this.svg.setAttribute("viewBox", `${b.x} ${b.y} ${b.w} ${b.h}`);
    this.culler.schedule(b, !live);
    const H = this.home;
    const whole = H && b.x <= H.x + 1 && b.y <= H.y + 1 && b.x + b.w >= H.x + H.w - 1 && b.y + b.h >= H.y + H.h - 1;
    this.minimap.box.hidden = Boolean(whole) || !H || !placeMinimap(this.minimap, this.size, b, this.culler.boxes);
    if (!whole && H) {
      // the frame of the view, at least 8 px on a side so that it is seen
      const least = 8 * (this.minimap.unit || 0);
      const w = Math.max(b.w, least);
      const h = Math.max(b.h, least);
      const r = this.minimap.view;
      r.setAttribute("x", String(b.x + b.w / 2 - w / 2));
      r.setAttribute("y", String(b.y + b.h / 2 - h / 2));
      r.setAttribute("width", String(w));
      r.setAttribute("height", String(h));
    }
  }

  /** Show the whole drawing, however small its text gets (Fit, the 0 key): the level the
   * learner chose is kept; zooming in is theirs. */
  fit() {
    if (!this.home) return;
    this.box = { ...this.home };
    this.apply();
  }

  /** The centre of node id in SVG units (null if it is not drawn). */
  centreOf(id) {
    return this.culler.centres.get(id) || null;
  }

  /** Bring node id into view (centred) unless it is in view already. */
  reveal(id) {
    const c = this.centreOf(id);
    const b = this.box;
    if (!c || !b) return;
    const H = this.home;
    if (H && b.x <= H.x + 1 && b.y <= H.y + 1 && b.x + b.w >= H.x + H.w - 1 && b.y + b.h >= H.y + H.h - 1) return; // all in view
    const mx = b.w * 0.1;
    const my = b.h * 0.1;
    const inX = c.x > b.x + mx && c.x < b.x + b.w - mx;
    const inY = c.y > b.y + my && c.y < b.y + b.h - my;
    if (inX && inY) return;
    // move only across the side it is out of, and never off the drawing: a view as wide
    // as the drawing stays so when the node is near its edge
    this.box = this.clamp({ ...b, x: inX ? b.x : c.x - b.w / 2, y: inY ? b.y : c.y - b.h / 2 });
    this.apply();
  }

  /** Bring the boxes of ids (nodes or clusters, e.g. an opened unit and the output) into view
   * together, zooming out as far as labels stay legible; when they cannot all be shown so,
   * the first is. Nothing moves when they are in view already. */
  revealAll(ids) {
    const b = this.box;
    if (!b || !this.home) return;
    const boxes = ids.map((id) => this.culler.boxes.get(clusterIdOf(id)) || this.culler.boxes.get(id)).filter(Boolean);
    if (!boxes.length) return;
    const inside = (r) => r.x >= b.x && r.y >= b.y && r.x + r.w <= b.x + b.w && r.y + r.h <= b.y + b.h;
    if (boxes.every(inside)) return;
    const pad = 12;
    const x0 = Math.min(...boxes.map((r) => r.x)) - pad;
    const y0 = Math.min(...boxes.map((r) => r.y)) - pad;
    const x1 = Math.max(...boxes.map((r) => r.x + r.w)) + pad;
    const y1 = Math.max(...boxes.map((r) => r.y + r.h)) + pad;
    const scale = Math.min(this.size.w / b.w, this.size.h / b.h);
    const need = Math.min(this.size.w / (x1 - x0), this.size.h / (y1 - y0));
    if (need >= scale || need >= READABLE) {
      // all fit: at the present zoom if they can, else zoomed out only as far as needed
      const s = Math.min(scale, need);
      const w = this.size.w / s;
      const h = this.size.h / s;
      this.box = this.clamp({ x: (x0 + x1) / 2 - w / 2, y: (y0 + y1) / 2 - h / 2, w, h });
      this.apply();
    } else if (!inside(boxes[0])) {
      const c = { x: boxes[0].x + boxes[0].w / 2, y: boxes[0].y + boxes[0].h / 2 };
      this.box = this.clamp({ ...b, x: c.x - b.w / 2, y: c.y - b.h / 2 });
      this.apply();
    }
  }

  /** The node centre nearest to (x, y), if any node is drawn. */
  nearest(x, y) {
    let best = null;
    let d = Infinity;
    for (const [id, c] of this.culler.centres) {
      if (!/^n\d+$/.test(id)) continue;
      const e = (c.x - x) ** 2 + (c.y - y) ** 2;
      if (e < d) [best, d] = [c, e];
    }
    return best;
  }

  /** Zoom by factor around a point in SVG units; by default around the drawn node
   * nearest the centre of the view, so zooming in never lands on empty paper. */
  zoom(factor, px, py, live = false) {
    if (!this.box) return;
    const b = this.box;
    let x = px;
    let y = py;
    if (x === undefined) {
      const c = factor > 1 ? this.nearest(b.x + b.w / 2, b.y + b.h / 2) : null;
      x = c ? c.x : b.x + b.w / 2;
      y = c ? c.y : b.y + b.h / 2;
      if (c) {
        // bring that node to the centre, then zoom around it
        this.box = { ...b, x: x - b.w / 2, y: y - b.h / 2 };
        return this.zoom(factor, x, y, live);
      }
    }
    const widest = Math.max(this.home.w, (this.home.h * b.w) / b.h) * 1.5;
    const w = Math.min(Math.max(b.w / factor, this.size.w / MAX_SCALE), widest);
    const f = b.w / w;
    this.box = { x: x - (x - b.x) / f, y: y - (y - b.y) / f, w, h: b.h / f };
    this.apply(live);
  }

  /** SVG units per screen pixel and the SVG point under a client position. */
  toSvg(clientX, clientY) {
    const ctm = this.svg.getScreenCTM();
    if (!ctm) return null;
    const p = new DOMPoint(clientX, clientY).matrixTransform(ctm.inverse());
    return { x: p.x, y: p.y, scale: 1 / ctm.a };
  }

  onWheel(e) {
    if (!this.svg || !this.box) return;
    e.preventDefault();
    const p = this.toSvg(e.clientX, e.clientY);
    this.zoom(e.deltaY < 0 ? 1.15 : 1 / 1.15, p?.x, p?.y, true);
  }

  onDown(e) {
    if (!this.svg || e.button !== 0 || this.minimap.box.contains(e.target)) return;
    e.preventDefault(); // dragging pans; it never selects text
    this.container.focus({ preventScroll: true });
    const p = this.toSvg(e.clientX, e.clientY);
    this.drag = { x: e.clientX, y: e.clientY, box: { ...this.box }, id: e.pointerId, scale: p ? p.scale : 1 };
    this.moved = false;
  }

  onMove(e) {
    const d = this.drag;
    if (!d || e.pointerId !== d.id) return;
    const dx = e.clientX - d.x;
    const dy = e.clientY - d.y;
    if (!this.moved && Math.hypot(dx, dy) < 4) return;
    if (!this.moved) {
      this.moved = true;
      this.container.setPointerCapture(e.pointerId);
      this.container.classList.add("dragging");
    }
    this.box = this.clamp({ ...d.box, x: d.box.x - dx * d.scale, y: d.box.y - dy * d.scale });
    this.apply(true);
  }

  onUp(e) {
    if (this.drag && e.pointerId === this.drag.id) {
      this.drag = null;
      this.container.classList.remove("dragging");
    }
  }

  /** True if the last pointer gesture was a drag (so it is not a click on a node). */
  consumeDrag() {
    const m = this.moved;
    this.moved = false;
    return m;
  }

  /** Centre the view on the point of the minimap under a client position. */
  jump(clientX, clientY) {
    const ctm = this.minimap.svg.getScreenCTM();
    if (!ctm || !this.box) return;
    const p = new DOMPoint(clientX, clientY).matrixTransform(ctm.inverse());
    this.box = this.clamp({ ...this.box, x: p.x - this.box.w / 2, y: p.y - this.box.h / 2 });
    this.apply();
  }

  onKey(e) {
    if (!this.box) return;
    const step = this.box.w / 10; // a tenth of the view's width, either way
    const keys = {
      "+": () => this.zoom(1.25),
      "=": () => this.zoom(1.25),
      "-": () => this.zoom(1 / 1.25),
      0: () => this.fit(),
      ArrowLeft: () => this.panBy(-step, 0),
      ArrowRight: () => this.panBy(step, 0),
      ArrowUp: () => this.panBy(0, -step),
      ArrowDown: () => this.panBy(0, step),
    };
    const action = keys[e.key];
    if (action && !e.altKey && !e.metaKey && !e.ctrlKey) {
      e.preventDefault();
      action();
    }
  }
}
