// @ts-check
// The share link and the download links: the view as a query string with the API's names.

import { $, field, find, input, link } from "./dom.js";

/** The drawing options' defaults, by the API's names: the server's (the page's data). */
export const DRAW_DEFAULTS = JSON.parse(find(document, "[data-draw-defaults]", HTMLElement)?.dataset.drawDefaults || "{}");

/** An option's value as a query writes it (as the server's query_text): true, n3,n7, LR. */
const queryText = (value) => (Array.isArray(value) ? value.join(",") : String(value));

/** The query string of a view: the program, its values, and the options that are not the
 * defaults, in the defaults' order (as the server writes a share link). */
export function queryString(expression, values, inputs, options) {
  const params = new URLSearchParams();
  params.set("expression", expression);
  for (const name of inputs) if (values.has(name)) params.set(name, String(values.get(name)));
  for (const [key, fallback] of Object.entries(DRAW_DEFAULTS)) {
    const text = queryText(options[key] ?? fallback);
    if (text !== queryText(fallback)) params.set(key, text);
  }
  return params.toString();
}

/** Point the share field, the address bar and the downloads at this view. */
export function updateLinks(query) {
  field("share-url").value = new URL(`/?${query}`, window.location.href).href;
  history.replaceState(null, "", `/?${query}`);
  link("dl-svg").href = `/api/graph.svg?${query}`;
  for (const kind of ["png", "pdf", "dot", "json"]) link(`dl-${kind}`).href = `/export/graph.${kind}?${query}`;
  const print = link("dl-png-print"); // its scale is the server's (pages.py PRINT_SCALE)
  const scale = new URL(print.href, window.location.href).searchParams.get("scale");
  print.href = `/export/graph.png?${query}&scale=${scale}`;
}

/** The copy button: the clipboard, or a selected field to copy by hand. */
export function wireCopy(setStatus) {
  $("copy-link").addEventListener("click", async () => {
    const share = input("share-url");
    try {
      await navigator.clipboard.writeText(share.value);
      setStatus("Link copied.");
    } catch {
      share.select();
      setStatus("Select the link and copy it (Ctrl+C).");
    }
  });
}
