// The graph view: the server's SVG parsed as image/svg+xml, cleaned of anything active,
// inserted into the page, then panned and zoomed through its viewBox.

const SVG_NS = "http://www.w3.org/2000/svg";
const DROP = new Set(["script", "foreignobject", "style", "iframe", "object", "embed", "image", "use", "animate", "set", "handler"]);

/** Parse SVG text and return a clean <svg> element for this document, or throw. */
export function sanitizeSvg(text) {
  const doc = new DOMParser().parseFromString(text, "image/svg+xml");
  const root = doc.documentElement;
  if (!root || root.localName !== "svg" || root.namespaceURI !== SVG_NS || doc.querySelector("parsererror")) {
    throw new Error("the server sent an unreadable SVG");
  }
  const walker = doc.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_COMMENT);
  const remove = [];
  for (let node = walker.currentNode; node; node = walker.nextNode()) {
    if (node.nodeType === Node.COMMENT_NODE) {
      remove.push(node);
      continue;
    }
    if (DROP.has(node.localName.toLowerCase()) || node.namespaceURI !== SVG_NS) {
      remove.push(node);
      continue;
    }
    for (const attr of Array.from(node.attributes)) {
      const name = attr.localName.toLowerCase();
      const value = attr.value.trim();
      if (name.startsWith("on") || name === "style") node.removeAttributeNode(attr);
      else if (name === "href" && !value.startsWith("#")) node.removeAttributeNode(attr);
    }
  }
  for (const node of remove) node.remove();
  return document.importNode(root, true);
}

/** Pan (drag, arrow keys) and zoom (wheel, +/−, buttons) one SVG through its viewBox. */
export class PanZoom {
  constructor(container) {
    this.container = container;
    this.svg = null;
    this.home = null;
    this.box = null;
    this.drag = null;
    this.moved = false;
    container.addEventListener("wheel", (e) => this.onWheel(e), { passive: false });
    container.addEventListener("pointerdown", (e) => this.onDown(e));
    container.addEventListener("pointermove", (e) => this.onMove(e));
    container.addEventListener("pointerup", (e) => this.onUp(e));
    container.addEventListener("pointercancel", (e) => this.onUp(e));
    container.addEventListener("keydown", (e) => this.onKey(e));
  }

  /** Show svg; keep the current view when keep is true and the user has zoomed. */
  attach(svg, keep) {
    const vb = svg.viewBox && svg.viewBox.baseVal;
    const home = vb && vb.width > 0 ? { x: vb.x, y: vb.y, w: vb.width, h: vb.height } : null;
    svg.removeAttribute("width");
    svg.removeAttribute("height");
    svg.setAttribute("preserveAspectRatio", "xMidYMid meet");
    const previous = this.box;
    const zoomed = previous && this.home && (previous.w !== this.home.w || previous.x !== this.home.x || previous.y !== this.home.y);
    this.svg = svg;
    this.home = home;
    // CSSOM (allowed by the CSP): lets narrow screens size the box to the drawing.
    // Clamped so a very wide or tall drawing still gets a usable box (it scales inside).
    if (home) this.container.style.setProperty("--graph-aspect", String(Math.min(2.5, Math.max(0.6, home.w / home.h))));
    this.box = keep && zoomed ? previous : home && { ...home };
    this.apply();
  }

  apply() {
    if (this.svg && this.box) {
      const b = this.box;
      this.svg.setAttribute("viewBox", `${b.x} ${b.y} ${b.w} ${b.h}`);
    }
  }

  fit() {
    if (this.home) this.box = { ...this.home };
    this.apply();
  }

  /** Zoom by factor around a point in SVG units (the centre by default). */
  zoom(factor, cx, cy) {
    if (!this.box) return;
    const b = this.box;
    const x = cx ?? b.x + b.w / 2;
    const y = cy ?? b.y + b.h / 2;
    const w = Math.min(Math.max(b.w / factor, this.home.w / 40), this.home.w * 8);
    const f = b.w / w;
    this.box = { x: x - (x - b.x) / f, y: y - (y - b.y) / f, w, h: b.h / f };
    this.apply();
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
    this.zoom(e.deltaY < 0 ? 1.15 : 1 / 1.15, p?.x, p?.y);
  }

  onDown(e) {
    if (!this.svg || e.button !== 0) return;
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
    this.box = { ...d.box, x: d.box.x - dx * d.scale, y: d.box.y - dy * d.scale };
    this.apply();
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

  onKey(e) {
    if (!this.box) return;
    const step = this.box.w / 10;
    const keys = {
      "+": () => this.zoom(1.25),
      "=": () => this.zoom(1.25),
      "-": () => this.zoom(1 / 1.25),
      0: () => this.fit(),
      ArrowLeft: () => { this.box.x -= step; this.apply(); },
      ArrowRight: () => { this.box.x += step; this.apply(); },
      ArrowUp: () => { this.box.y -= step; this.apply(); },
      ArrowDown: () => { this.box.y += step; this.apply(); },
    };
    const action = keys[e.key];
    if (action && !e.altKey && !e.metaKey && !e.ctrlKey) {
      e.preventDefault();
      action();
    }
  }
}
