// Number formatting and the short names shown for graph nodes (no DOM here).

/** Format a number (or the API's "inf" / "-inf" / "nan") with p significant digits. */
export function fmt(x, p = 6) {
  if (x === null || x === undefined || x === "") return "";
  if (typeof x === "string") return x;
  if (!Number.isFinite(x)) return String(x);
  const r = Number(x.toPrecision(p));
  return Object.is(r, -0) ? "0" : String(r);
}

const PRECEDENCE = { "+": 1, "-": 1, "*": 2, "/": 2, "^": 4, "**": 4, pow: 4 };
const SYMBOL = { "*": "·", "-": "−", "/": "/", "+": "+", "^": "^", "**": "^" };
const MAX_TEXT = 28;

/** Index of a graph response: nodes by id and, per node, its input ids in slot order. */
export function indexGraph(data) {
  const byId = new Map();
  const inputs = new Map();
  for (const n of data.nodes) {
    byId.set(n.id, n);
    inputs.set(n.id, []);
  }
  for (const e of data.edges) {
    if ((e.kind || "input") === "input" && inputs.has(e.target)) inputs.get(e.target).push(e.source);
  }
  return { byId, inputs };
}

/** A short readable text for a node: its name, its constant, or its formula. */
export function nodeText(index, id, depth = 0) {
  const n = index.byId.get(id);
  if (!n) return id;
  if (n.name) return n.name;
  if (n.kind === "constant") return fmt(n.value);
  const args = index.inputs.get(id) || [];
  if (depth > 3) return "…";
  const parts = args.map((a) => wrap(index, a, n.op, depth));
  let text;
  if (n.op in PRECEDENCE && parts.length === 2 && n.op !== "pow") {
    text = `${parts[0]} ${SYMBOL[n.op]} ${parts[1]}`;
  } else if (n.op === "neg") {
    text = `−${parts[0]}`;
  } else {
    text = `${n.label || n.op}(${parts.join(", ")})`;
  }
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text;
}

function wrap(index, id, parentOp, depth) {
  const t = nodeText(index, id, depth + 1);
  const child = index.byId.get(id);
  const inner = child && !child.name && child.kind !== "constant" ? PRECEDENCE[child.op] : undefined;
  const outer = PRECEDENCE[parentOp];
  return inner !== undefined && outer !== undefined && inner <= outer ? `(${t})` : t;
}

/** The symbolic local derivative d(node)/d(input slot k), or "" when it is not simple. */
export function localFormula(index, id, k) {
  const n = index.byId.get(id);
  const args = index.inputs.get(id) || [];
  if (!n) return "";
  const t = (i) => nodeText(index, args[i]);
  switch (n.op) {
    case "+":
    case "=":
      return "1";
    case "-":
      return k === 0 ? "1" : "−1";
    case "neg":
      return "−1";
    case "*":
      return args.length === 2 ? t(1 - k) : "";
    case "/":
      return k === 0 ? `1/${paren(t(1))}` : `−${paren(t(0))}/${paren(t(1))}²`;
    case "exp":
      return `exp(${t(0)})`;
    case "log":
      return `1/${paren(t(0))}`;
    default:
      return "";
  }
}

function paren(t) {
  return /^[\w.]+$/.test(t) ? t : `(${t})`;
}
