// CSV columns for the Train panel. (The loss's inputs come from POST /api/inputs; the fitted
// model is read from the loss and evaluated on a grid by the server: /api/optimize's `fit`.)

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

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
