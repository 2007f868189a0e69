// @ts-check
// Number formatting: the server's one rule (chainrule.graph.fmt, Python's "g" with a compact
// exponent), so that a number reads the same in the drawing, the table, the steps and the
// labels the page writes itself. The default number of digits is the server's (the page's
// data-draw-defaults); the words of the steps are the server's.

/** The server's default precision (significant digits), as the page was given it. */
export const PRECISION = (() => {
  const el = typeof document === "undefined" ? null : document.querySelector("[data-draw-defaults]");
  const given = el && el instanceof HTMLElement ? JSON.parse(el.dataset.drawDefaults || "{}").precision : undefined;
  return Number.isInteger(given) && given > 0 ? given : 4;
})();

/** True when the double a equals the decimal digits × 10^exponent exactly. */
function exactly(a, digits, exponent) {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, a);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  let mantissa = bits & 0xfffffffffffffn;
  if (biased) mantissa |= 1n << 52n;
  const twos = (biased || 1) - 1075; // a = mantissa × 2^twos
  let left = BigInt(digits);
  let right = mantissa;
  if (exponent >= 0) left *= 10n ** BigInt(exponent);
  else right *= 10n ** BigInt(-exponent);
  if (twos >= 0) right *= 2n ** BigInt(twos);
  else left *= 2n ** BigInt(-twos);
  return left === right;
}

/** The p significant digits of a > 0 rounded half to even (as Python rounds), and the
 * decimal exponent of the first one. */
function digitsOf(a, p) {
  const [m, e] = a.toExponential(p - 1).split("e"); // rounds a tie away from zero
  let digits = m.replace(".", "");
  const exponent = Number(e);
  const [m1, e1] = a.toExponential(p).split("e");
  const longer = m1.replace(".", "");
  // An exact tie rounded up to an odd last digit (and not carried into a new decade, where
  // the digit above is a 0): half to even takes the one below.
  if (Number(e1) === exponent && longer.endsWith("5") && Number(digits.at(-1)) % 2 === 1 && exactly(a, longer, exponent - p)) {
    digits = (BigInt(digits) - 1n).toString();
  }
  return { digits, exponent };
}

/** x with p significant digits as the server writes it ("0.3333", "1.5e6", "-2.5e-7", "6"),
 * "0" for ±0; the API's "inf" / "-inf" / "nan" as is; "" for no number. */
export function fmt(x, p = PRECISION) {
  if (x === null || x === undefined || x === "") return "";
  if (typeof x === "string") return x;
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return "0";
  const precision = Math.max(1, Math.min(p, 17));
  const sign = x < 0 ? "-" : "";
  const { digits, exponent } = digitsOf(Math.abs(x), precision);
  const trimmed = digits.replace(/0+$/, "") || "0";
  if (exponent < -4 || exponent >= precision) {
    const mantissa = trimmed.length > 1 ? `${trimmed[0]}.${trimmed.slice(1)}` : trimmed;
    return `${sign}${mantissa}e${exponent}`;
  }
  if (exponent < 0) return `${sign}0.${"0".repeat(-exponent - 1)}${trimmed}`;
  const whole = trimmed.slice(0, exponent + 1).padEnd(exponent + 1, "0");
  const fraction = trimmed.slice(exponent + 1);
  return `${sign}${whole}${fraction ? `.${fraction}` : ""}`;
}
