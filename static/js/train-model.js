// Text helpers for the Train panel: the model inside a squared-error loss, CSV columns,
// and the program that evaluates the fitted model at many x in one /api/evaluate call.

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const NAMES = /[A-Za-z_][A-Za-z0-9_]*/g;

/** The names in a text (numbers' exponents such as 1e-3 are not names). */
export function namesIn(text) {
  const out = new Set();
  for (const m of text.matchAll(NAMES)) {
    const before = text[m.index - 1] || "";
    if (!/[0-9.]/.test(before)) out.add(m[0]);
  }
  return out;
}

/** Depth of parentheses after each character, or null if they do not balance. */
function depths(text) {
  const out = [];
  let d = 0;
  for (const ch of text) {
    if (ch === "(") d++;
    else if (ch === ")") d--;
    if (d < 0) return null;
    out.push(d);
  }
  return d === 0 ? out : null;
}

/**
 * Split a loss of the form (MODEL - t)^2 or (t - MODEL)^2, t a name, into
 * { model, target }; null if it has another form.
 */
export function splitSquaredError(loss) {
  const text = loss.trim();
  const m = /^\(([\s\S]*)\)\s*(?:\^|\*\*)\s*2$/.exec(text);
  if (!m) return null;
  const inner = m[1];
  const d = depths(inner);
  if (!d) return null;
  const binary = [];
  for (let i = 0; i < inner.length; i++) {
    if (inner[i] !== "-" || d[i] !== 0) continue;
    const prev = inner.slice(0, i).trimEnd().slice(-1);
    if (prev && !/[-+*/^(,]/.test(prev)) binary.push(i);
  }
  if (!binary.length) return null;
  const last = binary[binary.length - 1];
  const right = inner.slice(last + 1).trim();
  const left = inner.slice(0, last).trim();
  if (NAME.test(right) && left) return { model: left, target: right };
  const first = binary[0];
  const head = inner.slice(0, first).trim();
  const rest = inner.slice(first + 1).trim();
  // t - MODEL: only when MODEL has no top-level + or - of its own (t - a + b is not t - (a + b))
  const restHasSum = binary.length > 1 || [...inner].some((ch, i) => i > first && d[i] === 0 && ch === "+");
  if (NAME.test(head) && rest && !restHasSum) return { model: rest, target: head };
  return null;
}

/** Split a CSV line on commas, honouring double quotes. */
function cells(line) {
  const out = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === '"') {
      if (quoted && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else quoted = !quoted;
    } else if (ch === "," && !quoted) {
      out.push(cur);
      cur = "";
    } else cur += ch;
  }
  out.push(cur);
  return out.map((c) => c.trim());
}

/** Read CSV text with a header row into { names, columns: Map(name → numbers), rows }. */
export function readCsv(text) {
  const lines = text.split(/\r?\n/).filter((l) => l.trim());
  if (!lines.length) return { names: [], columns: new Map(), rows: 0 };
  const names = cells(lines[0]);
  const columns = new Map(names.map((n) => [n, []]));
  for (const line of lines.slice(1)) {
    const row = cells(line);
    names.forEach((n, i) => columns.get(n).push(Number(row[i])));
  }
  return { names: names.filter((n) => NAME.test(n)), columns, rows: lines.length - 1 };
}

const GRID_FN = "fit_model_";

/**
 * A program evaluating `model` (inputs: params and the column xName) at each x of grid:
 * a user function of x and the params, called once per point, each call named fit_pt_i.
 * The output sums the points in groups of ten, so that every point is part of the graph.
 */
export function gridProgram(model, xName, params, grid) {
  const args = [xName, ...params];
  const lines = [`def ${GRID_FN}(${args.join(", ")}) = ${model}`];
  grid.forEach((x, i) => {
    lines.push(`fit_pt_${i} = ${GRID_FN}(${[numberText(x), ...params].join(", ")})`);
  });
  let terms = grid.map((_, i) => `fit_pt_${i}`);
  for (let level = 0; terms.length > 1; level++) {
    const next = [];
    for (let i = 0; i < terms.length; i += 10) {
      next.push(`fit_sum_${level}_${i / 10}`);
      lines.push(`${next[next.length - 1]} = ${terms.slice(i, i + 10).join(" + ")}`);
    }
    terms = next;
  }
  return lines.join("\n");
}

/** A number as the language writes it (exponent form for tiny and huge numbers). */
export function numberText(x) {
  const s = Number(x.toPrecision(12)).toString();
  return s.startsWith("-") ? `(${s})` : s;
}

/** n evenly spaced numbers from a to b. */
export function linspace(a, b, n) {
  return Array.from({ length: n }, (_, i) => a + ((b - a) * i) / (n - 1));
}

/** The fitted values from the grid program's answer, by point index (NaN where absent). */
export function gridValues(answer, n) {
  const ys = new Array(n).fill(NaN);
  for (const node of answer.nodes || []) {
    const m = /^fit_pt_(\d+)$/.exec(node.name || "");
    if (m && typeof node.value === "number") ys[Number(m[1])] = node.value;
  }
  return ys;
}
