// @ts-check
// The plane of the live page on a canvas: the model's predictions on the grid as tinted
// cells with the decision boundary drawn between cells of different classes, the data
// points (one shape per class, so no meaning rests on colour), and the traced datapoint.
// For a curve fit: the data points, the fitted curve, and the traced x.

const CLASS_RGB = [[31, 95, 191], [194, 65, 12], [21, 128, 61]];
const SHAPES = ["circle", "square", "triangle"];

function rgbOf(text, fallback) {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(text.trim());
  return m ? [1, 2, 3].map((i) => parseInt(m[i], 16)) : fallback;
}

/** The class and its strength in [0, 1] for one grid cell's outputs. */
export function classify(values) {
  if (values.length === 1) {
    const p = 1 / (1 + Math.exp(-values[0]));
    return [p > 0.5 ? 1 : 0, Math.abs(2 * p - 1)];
  }
  let best = 0;
  for (let k = 1; k < values.length; k++) if (values[k] > values[best]) best = k;
  let total = 0;
  for (const v of values) total += Math.exp(v - values[best]);
  const p = 1 / total;
  const k = values.length;
  return [best, (p - 1 / k) / (1 - 1 / k)];
}

export class Plane {
  constructor(canvas) {
    this.canvas = canvas;
    this.ctx = canvas.getContext("2d");
    this.off = document.createElement("canvas");
    this.kind = "plane";
    this.points = [];
    this.extent = { x0: -2, x1: 2, y0: -2, y1: 2 };
    this.grid = null; // { values: [[...per output]], n: [nx, ny] }
    this.trace = null;
    this.resize();
    new ResizeObserver(() => {
      if (this.resize()) this.draw();
    }).observe(canvas);
  }

  /** Match the canvas's pixels to its size on screen; true when they changed. */
  resize() {
    const dpr = window.devicePixelRatio || 1;
    const w = Math.max(100, Math.round(this.canvas.clientWidth * dpr));
    const h = Math.max(80, Math.round(this.canvas.clientHeight * dpr));
    if (w === this.canvas.width && h === this.canvas.height) return false;
    this.canvas.width = w;
    this.canvas.height = h;
    return true;
  }

  setData(kind, points, extent) {
    this.kind = kind;
    this.points = points;
    this.extent = extent;
    this.grid = null;
  }

  sx(x) {
    const { x0, x1 } = this.extent;
    return ((x - x0) / (x1 - x0)) * this.canvas.width;
  }

  sy(y) {
    const { y0, y1 } = this.extent;
    return ((y1 - y) / (y1 - y0)) * this.canvas.height;
  }

  /** The data coordinates of a point on screen. */
  toData(clientX, clientY) {
    const r = this.canvas.getBoundingClientRect();
    const { x0, x1, y0, y1 } = this.extent;
    return { x: x0 + ((clientX - r.left) / r.width) * (x1 - x0), y: y1 - ((clientY - r.top) / r.height) * (y1 - y0) };
  }

  draw() {
    const { ctx, canvas } = this;
    const style = getComputedStyle(canvas);
    this.bg = rgbOf(style.getPropertyValue("--plane-bg") || "#ffffff", [255, 255, 255]);
    this.ink = style.getPropertyValue("--plane-ink").trim() || "#1d1f23";
    ctx.fillStyle = `rgb(${this.bg.join(",")})`;
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    if (this.kind === "plane") {
      if (this.grid) this.drawCells();
      this.drawAxes();
      for (const p of this.points) this.drawPoint(p);
    } else {
      this.drawAxes();
      for (const p of this.points) this.dot(p.x, p.y);
      if (this.grid) this.drawCurve();
    }
    if (this.trace) this.drawTrace();
  }

  drawCells() {
    const [nx, ny] = this.grid.n;
    const outs = this.grid.values;
    const off = this.off;
    off.width = nx;
    off.height = ny;
    const octx = off.getContext("2d");
    const image = octx.createImageData(nx, ny);
    const bg = this.bg;
    const cell = new Array(outs.length);
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const at = j * nx + i;
        for (let k = 0; k < outs.length; k++) cell[k] = outs[k][at];
        const [c, strength] = classify(cell);
        const rgb = CLASS_RGB[c % CLASS_RGB.length];
        const a = 0.15 + 0.4 * Math.min(1, Math.max(0, strength));
        const px = ((ny - 1 - j) * nx + i) * 4;
        for (let ch = 0; ch < 3; ch++) image.data[px + ch] = Math.round(bg[ch] + (rgb[ch] - bg[ch]) * a);
        image.data[px + 3] = 255;
      }
    }
    octx.putImageData(image, 0, 0);
    const { ctx, canvas } = this;
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(off, 0, 0, canvas.width, canvas.height);
    this.drawBoundary(outs, nx, ny);
  }

  /** The decision boundary: where the winning output changes, by marching squares over
   * each class's margin (its output minus the best other; for one output, the output). */
  drawBoundary(outs, nx, ny) {
    const { ctx } = this;
    const { x0, x1, y0, y1 } = this.extent;
    const hx = (x1 - x0) / nx;
    const hy = (y1 - y0) / ny;
    const px = (i) => this.sx(x0 + (i + 0.5) * hx);
    const py = (j) => this.sy(y0 + (j + 0.5) * hy);
    const margins = outs.length === 1 ? [outs[0]] : outs.map((_, k) => outs[k].map((v, at) => {
      let other = -Infinity;
      for (let m = 0; m < outs.length; m++) if (m !== k && outs[m][at] > other) other = outs[m][at];
      return v - other;
    }));
    ctx.beginPath();
    for (const f of margins) {
      for (let j = 0; j + 1 < ny; j++) {
        for (let i = 0; i + 1 < nx; i++) {
          const a = f[j * nx + i];
          const b = f[j * nx + i + 1];
          const c = f[(j + 1) * nx + i + 1];
          const d = f[(j + 1) * nx + i];
          const cross = [];
          const edge = (u, v, xu, yu, xv, yv) => {
            if ((u > 0) !== (v > 0)) {
              const t = u / (u - v);
              cross.push([xu + (xv - xu) * t, yu + (yv - yu) * t]);
            }
          };
          edge(a, b, px(i), py(j), px(i + 1), py(j));
          edge(b, c, px(i + 1), py(j), px(i + 1), py(j + 1));
          edge(c, d, px(i + 1), py(j + 1), px(i), py(j + 1));
          edge(d, a, px(i), py(j + 1), px(i), py(j));
          for (let k = 0; k + 1 < cross.length; k += 2) {
            ctx.moveTo(cross[k][0], cross[k][1]);
            ctx.lineTo(cross[k + 1][0], cross[k + 1][1]);
          }
        }
      }
    }
    ctx.strokeStyle = this.ink;
    ctx.lineWidth = Math.max(1.5, this.canvas.width / 250);
    ctx.stroke();
  }

  drawAxes() {
    const { ctx } = this;
    ctx.strokeStyle = this.ink;
    ctx.globalAlpha = 0.35;
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(this.sx(0), 0);
    ctx.lineTo(this.sx(0), this.canvas.height);
    ctx.moveTo(0, this.sy(0));
    ctx.lineTo(this.canvas.width, this.sy(0));
    ctx.stroke();
    ctx.globalAlpha = 1;
  }

  drawPoint(p) {
    const { ctx } = this;
    const r = Math.max(4, this.canvas.width / 90);
    const x = this.sx(p.x);
    const y = this.sy(p.y);
    const rgb = CLASS_RGB[p.cls % CLASS_RGB.length];
    ctx.fillStyle = `rgb(${rgb.join(",")})`;
    ctx.strokeStyle = "#ffffff";
    ctx.lineWidth = Math.max(1, r / 3.5);
    ctx.beginPath();
    const shape = SHAPES[p.cls % SHAPES.length];
    if (shape === "circle") ctx.arc(x, y, r, 0, 2 * Math.PI);
    else if (shape === "square") ctx.rect(x - r * 0.9, y - r * 0.9, r * 1.8, r * 1.8);
    else {
      ctx.moveTo(x, y - r * 1.15);
      ctx.lineTo(x + r * 1.05, y + r * 0.8);
      ctx.lineTo(x - r * 1.05, y + r * 0.8);
      ctx.closePath();
    }
    ctx.fill();
    ctx.stroke();
  }

  dot(x, y) {
    const { ctx } = this;
    const r = Math.max(2.5, this.canvas.width / 220);
    ctx.fillStyle = this.ink;
    ctx.globalAlpha = 0.55;
    ctx.beginPath();
    ctx.arc(this.sx(x), this.sy(y), r, 0, 2 * Math.PI);
    ctx.fill();
    ctx.globalAlpha = 1;
  }

  drawCurve() {
    const { ctx } = this;
    const xs = this.grid.xs;
    const ys = this.grid.values[0];
    ctx.beginPath();
    xs.forEach((x, i) => (i ? ctx.lineTo(this.sx(x), this.sy(ys[i])) : ctx.moveTo(this.sx(x), this.sy(ys[i]))));
    ctx.strokeStyle = `rgb(${CLASS_RGB[1].join(",")})`;
    ctx.lineWidth = Math.max(2, this.canvas.width / 160);
    ctx.stroke();
  }

  drawTrace() {
    const { ctx } = this;
    const x = this.sx(this.trace.x);
    const y = this.sy(this.trace.y);
    const r = Math.max(8, this.canvas.width / 40);
    /** @type {[string, number][]} */
    const strokes = [["#ffffff", 5], [this.ink, 2.5]];
    for (const [colour, width] of strokes) {
      ctx.strokeStyle = colour;
      ctx.lineWidth = width * (this.canvas.width / 500 + 0.5);
      ctx.beginPath();
      ctx.arc(x, y, r, 0, 2 * Math.PI);
      ctx.moveTo(x - r * 1.6, y);
      ctx.lineTo(x - r * 0.5, y);
      ctx.moveTo(x + r * 0.5, y);
      ctx.lineTo(x + r * 1.6, y);
      ctx.stroke();
    }
  }
}
