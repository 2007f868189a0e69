// @ts-check
// The one way the page talks to the JSON API: POST a body, get { ok, status, json } back.

/** POST body as JSON to url; json is the answer, or a problem when it was not JSON.
 * signal (an AbortSignal) may cancel it. */
export async function post(url, body, signal = undefined) {
  const response = await fetch(url, {
    signal,
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(body),
  });
  let json;
  try {
    json = await response.json();
  } catch {
    json = { title: `HTTP ${response.status}`, detail: "the server's answer was not JSON" };
  }
  return { ok: response.ok, status: response.status, json };
}

/** GET url as JSON, or null when it fails. */
export async function getJson(url) {
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  return response.ok ? response.json() : null;
}
