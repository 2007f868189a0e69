// @ts-check
// The input fields: a number box and a slider per input of the program, in reading order.
// A slider's range is set when its value is typed or its drag ends, never during a drag.

export const DEFAULT_VALUE = 1;
const LARGEST_SPAN = 1e300;

/** The range of an input's slider: a power of ten around the value. */
export function sliderRange(x) {
  let span = 10 ** Math.ceil(Math.log10(Math.max(Math.abs(x), 1)));
  if (Math.abs(x) >= span) span *= 10;
  span = Math.min(span, LARGEST_SPAN);
  return { min: -span, max: span, step: span / 1000 };
}

function setSlider(range, x) {
  const r = sliderRange(x);
  range.min = String(r.min);
  range.max = String(r.max);
  range.step = String(r.step);
  range.value = String(x);
}

export class Inputs {
  /** box holds the rows; values (name → number) is shared with the page; onChange() after
   * every change of a value. */
  constructor(box, emptyHint, values, onChange) {
    this.box = box;
    this.emptyHint = emptyHint;
    this.values = values;
    this.onChange = onChange;
    this.names = [];
    for (const number of box.querySelectorAll("input[type=number]")) {
      const x = Number(number.value);
      if (number.value !== "" && Number.isFinite(x)) values.set(number.name, x);
    }
    for (const row of box.querySelectorAll(".input-row")) {
      this.names.push(row.dataset.name);
      this.wire(row);
      setSlider(row.querySelector("input[type=range]"), values.get(row.dataset.name) ?? DEFAULT_VALUE);
    }
  }

  wire(row) {
    const name = row.dataset.name;
    const number = row.querySelector("input[type=number]");
    const range = row.querySelector("input[type=range]");
    number.addEventListener("input", () => {
      const x = Number(number.value);
      if (number.value.trim() === "" || !Number.isFinite(x)) return;
      this.values.set(name, x);
      setSlider(range, x);
      this.onChange();
    });
    range.addEventListener("input", () => {
      const x = Number(range.value);
      number.value = String(Number(x.toPrecision(12)));
      this.values.set(name, x);
      this.onChange();
    });
    range.addEventListener("change", () => setSlider(range, Number(range.value)));
  }

  makeRow(name) {
    const row = document.createElement("div");
    row.className = "input-row";
    row.dataset.name = name;
    const label = document.createElement("label");
    label.htmlFor = `in-${name}`;
    label.textContent = name;
    const number = document.createElement("input");
    Object.assign(number, { type: "number", id: `in-${name}`, name, step: "any", inputMode: "decimal" });
    const range = document.createElement("input");
    Object.assign(range, { type: "range", id: `range-${name}`, className: "js-only", tabIndex: -1 });
    range.setAttribute("aria-label", `${name} slider`);
    const x = this.values.get(name) ?? DEFAULT_VALUE;
    number.value = String(x);
    setSlider(range, x);
    row.append(label, number, range);
    this.wire(row);
    return row;
  }

  /** Show a row for each of names, in order (existing rows and their sliders stay as they are). */
  sync(names) {
    this.names = names;
    const box = this.box;
    const existing = new Map([...box.querySelectorAll(".input-row")].map((r) => [r.dataset.name, r]));
    const rows = names.map((name) => existing.get(name) || this.makeRow(name));
    for (const [name, row] of existing) if (!names.includes(name)) row.remove();
    rows.forEach((row, i) => {
      if (box.children[i] !== row) box.insertBefore(row, box.children[i] || null);
    });
    for (const row of rows) {
      const number = row.querySelector("input[type=number]");
      const x = this.values.get(row.dataset.name);
      if (x !== undefined && document.activeElement !== number && Number(number.value) !== x) {
        number.value = String(x);
        setSlider(row.querySelector("input[type=range]"), x);
      }
    }
    this.emptyHint.hidden = names.length > 0;
  }
}
