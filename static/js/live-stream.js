// @ts-check
// POST /api/optimize/stream, read as NDJSON: one object per line, handed over as it comes.

/** Stream body to the server; onLine(obj) for every line. Resolves with the last line,
 * or throws { problem, status } when the server refused before streaming (problem+json).
 * signal (an AbortSignal) stops it: the server then stops the run. */
export async function stream(body, onLine, signal) {
  const response = await fetch("/api/optimize/stream", {
    method: "POST",
    signal,
    headers: { "Content-Type": "application/json", Accept: "application/x-ndjson" },
    body: JSON.stringify(body),
  });
  if (!response.ok) {
    let problem;
    try {
      problem = await response.json();
    } catch {
      problem = { title: `HTTP ${response.status}`, detail: "the server's answer was not JSON" };
    }
    throw { problem, status: response.status };
  }
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  let last = null;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let nl;
    while ((nl = buffer.indexOf("\n")) >= 0) {
      const text = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      if (!text) continue;
      last = JSON.parse(text);
      onLine(last);
    }
  }
  return last;
}
