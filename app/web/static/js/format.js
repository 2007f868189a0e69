// Number formatting (no DOM here). The words of the backward pass come from the server.

/** Format a number (or the API's "inf" / "-inf" / "nan") with p significant digits. */
export function fmt(x, p = 6) {
  if (x === null || x === undefined || x === "") return "";
  if (typeof x === "string") return x;
  if (!Number.isFinite(x)) return String(x);
  const r = Number(x.toPrecision(p));
  return Object.is(r, -0) ? "0" : String(r);
}
