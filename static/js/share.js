// The share link and the download links: the view as a query string with the API's names.

const $ = (id) => document.getElementById(id);

/** The query string of a view; page adds the page's own options (constants is the API's too). */
export function queryString(expression, values, inputs, options) {
  const params = new URLSearchParams();
  params.set("expression", expression);
  for (const name of inputs) if (values.has(name)) params.set(name, String(values.get(name)));
  if (options.rankdir !== "auto") params.set("rankdir", options.rankdir);
  if (options.local_grads) params.set("local_grads", "true");
  if (options.expand_calls) params.set("expand_calls", "true");
  if (!options.constants) params.set("constants", "false");
  if (options.compact !== "auto") params.set("compact", String(options.compact));
  if (options.precision !== 4) params.set("precision", String(options.precision));
  if (options.legend === false) params.set("legend", "false");
  if (options.level && options.level !== "auto") params.set("level", options.level);
  if (options.expand?.length) params.set("expand", options.expand.join(","));
  return params.toString();
}

/** Point the share field, the address bar and the downloads at this view. */
export function updateLinks(query) {
  $("share-url").value = new URL(`/?${query}`, window.location.href).href;
  history.replaceState(null, "", `/?${query}`);
  $("dl-svg").href = `/api/graph.svg?${query}`;
  for (const kind of ["png", "pdf", "dot", "json"]) $(`dl-${kind}`).href = `/export/graph.${kind}?${query}`;
  const print = $("dl-png-print"); // its scale is the server's (pages.py PRINT_SCALE)
  const scale = new URL(print.href, window.location.href).searchParams.get("scale");
  print.href = `/export/graph.png?${query}&scale=${scale}`;
}

/** The copy button: the clipboard, or a selected field to copy by hand. */
export function wireCopy(setStatus) {
  $("copy-link").addEventListener("click", async () => {
    const field = $("share-url");
    try {
      await navigator.clipboard.writeText(field.value);
      setStatus("Link copied.");
    } catch {
      field.select();
      setStatus("Select the link and copy it (Ctrl+C).");
    }
  });
}
