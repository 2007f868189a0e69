// @ts-check
// The growing loss curve on a canvas: step on x, loss on a log axis when it spans decades.

import { fmt } from "./format.js";

export class LossChart {
  constructor(canvas) {
    this.canvas = canvas;
    this.ctx = canvas.getContext("2d");
    this.steps = [];
    this.losses = [];
    new ResizeObserver(() => this.draw()).observe(canvas);
  }

  clear() {
    this.steps = [];
    this.losses = [];
  }

  push(step, loss) {
    if (typeof loss !== "number") return;
    const n = this.steps.length;
    if (n && this.steps[n - 1] >= step) {
      // the same step again (a resumed run starts where the last ended): replace it
      while (this.steps.length && this.steps[this.steps.length - 1] >= step) {
        this.steps.pop();
        this.losses.pop();
      }
    }
    this.steps.push(step);
    this.losses.push(loss);
  }

  draw() {
    const { canvas, ctx } = this;
    const dpr = window.devicePixelRatio || 1;
    const w = Math.max(100, Math.round(canvas.clientWidth * dpr));
    const h = Math.max(60, Math.round(canvas.clientHeight * dpr));
    if (canvas.width !== w) canvas.width = w;
    if (canvas.height !== h) canvas.height = h;
    const style = getComputedStyle(canvas);
    const ink = style.getPropertyValue("--plane-ink").trim() || "#1d1f23";
    ctx.fillStyle = style.getPropertyValue("--plane-bg").trim() || "#ffffff";
    ctx.fillRect(0, 0, w, h);
    const n = this.steps.length;
    const font = Math.round(12 * dpr);
    ctx.font = `${font}px system-ui, sans-serif`;
    ctx.fillStyle = ink;
    if (!n) {
      ctx.fillText("Press Play or Step to start", 10 * dpr, h / 2);
      return;
    }
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of this.losses) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const log = lo > 0 && hi / lo > 100; // a log axis once the loss spans two decades
    const ty = log ? (v) => Math.log10(v) : (v) => v;
    const y0 = log ? ty(lo) : Math.min(0, lo);
    const y1 = log ? ty(hi) : hi > y0 ? hi : y0 + 1;
    const s0 = this.steps[0];
    const s1 = Math.max(this.steps[n - 1], s0 + 1);
    const left = 56 * dpr;
    const bottom = h - 20 * dpr;
    const top = 8 * dpr;
    const X = (s) => left + ((s - s0) / (s1 - s0)) * (w - left - 8 * dpr);
    const Y = (v) => bottom - ((ty(v) - y0) / (y1 - y0 || 1)) * (bottom - top);
    ctx.strokeStyle = ink;
    ctx.globalAlpha = 0.4;
    ctx.strokeRect(left, top, w - left - 8 * dpr, bottom - top);
    ctx.globalAlpha = 1;
    ctx.textAlign = "right";
    ctx.fillText(fmt(log ? hi : y1, 3), left - 4 * dpr, top + font);
    ctx.fillText(fmt(log ? lo : y0, 3), left - 4 * dpr, bottom);
    ctx.textAlign = "left";
    ctx.fillText(`step ${s0}`, left, h - 4 * dpr);
    ctx.textAlign = "right";
    ctx.fillText(`${this.steps[n - 1]}${log ? " (log scale)" : ""}`, w - 8 * dpr, h - 4 * dpr);
    ctx.textAlign = "left";
    ctx.beginPath();
    const stride = Math.max(1, Math.floor(n / 2000));
    for (let i = 0; i < n; i += stride) {
      const x = X(this.steps[i]);
      const y = Y(this.losses[i]);
      if (i) ctx.lineTo(x, y);
      else ctx.moveTo(x, y);
    }
    ctx.lineTo(X(this.steps[n - 1]), Y(this.losses[n - 1]));
    ctx.strokeStyle = style.getPropertyValue("--plane-line").trim() || "#1f5fbf";
    ctx.lineWidth = 2 * dpr;
    ctx.stroke();
  }
}
