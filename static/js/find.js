// @ts-check
// Find: a search field in the graph panel. Enter centres and selects the node of that name
// (an exact name first, else the first that starts with it), opening the unit it is in.

/** The node of an answer a search text names, or null. */
export function findNode(data, text) {
  const q = text.trim();
  if (!data || !q) return null;
  const named = data.nodes.filter((n) => n.name && !n.group);
  const lower = q.toLowerCase();
  return named.find((n) => n.name === q)
    || named.find((n) => n.name.toLowerCase() === lower)
    || named.find((n) => n.name.toLowerCase().startsWith(lower))
    || data.nodes.find((n) => n.id === q)
    || null;
}

/** Wire the field: on Enter, open the unit the node is inside (if any), then select it. */
export function wireFind(field, status, box, getData, openUnitOf) {
  field.addEventListener("keydown", async (e) => {
    if (e.key !== "Enter") return;
    e.preventDefault();
    const node = findNode(getData(), field.value);
    if (!node) {
      status.textContent = `No node named “${field.value.trim()}”.`;
      status.hidden = false;
      return;
    }
    status.hidden = true;
    await openUnitOf(node.id);
    box.dispatchEvent(new CustomEvent("chainrule:select", { detail: { id: node.id, source: "find" }, bubbles: true }));
  });
}
