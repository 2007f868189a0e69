// @ts-check
// Number formatting (no DOM here): the server's rule (chainrule.graph.fmt), so that a number reads
// the same in the drawing, the table and the steps. The words of the steps are the server's.

/** x with p significant digits in the style of Python's "g" with a compact exponent
 * ("0.3333", "1.5e6", "-2.5e-7", "6"), "0" for ±0; the API's "inf" / "-inf" / "nan" as is. */
export function fmt(x, p = 6) {
  if (x === null || x === undefined || x === "") return "";
  if (typeof x === "string") return x;
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return "0";
  const [mantissa, exponent] = x.toExponential(p - 1).split("e");
  const e = Number(exponent);
  if (e < -4 || e >= p) return `${mantissa.includes(".") ? mantissa.replace(/\.?0+$/, "") : mantissa}e${e}`;
  return String(Number(x.toFixed(Math.max(0, p - 1 - e))));
}
