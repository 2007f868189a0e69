// @ts-check
// The server's SVG, parsed as image/svg+xml and cleaned of anything active before it is
// put into the page (drawings are the server's, but a page takes no chances).

export const SVG_NS = "http://www.w3.org/2000/svg";
const DROP = new Set(["script", "foreignobject", "style", "iframe", "object", "embed", "image", "use", "animate", "set", "handler"]);

/** Parse SVG text and return a clean <svg> element for this document, or throw. */
export function sanitizeSvg(text) {
  const doc = new DOMParser().parseFromString(text, "image/svg+xml");
  const root = doc.documentElement;
  if (!root || root.localName !== "svg" || root.namespaceURI !== SVG_NS || doc.querySelector("parsererror")) {
    throw new Error("the server sent an unreadable SVG");
  }
  const walker = doc.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_COMMENT);
  /** @type {ChildNode[]} */
  const remove = [];
  for (let node = walker.currentNode; node; node = walker.nextNode()) {
    if (node instanceof Comment) {
      remove.push(node);
      continue;
    }
    if (!(node instanceof Element)) continue;
    if (DROP.has(node.localName.toLowerCase()) || node.namespaceURI !== SVG_NS) {
      remove.push(node);
      continue;
    }
    for (const attr of Array.from(node.attributes)) {
      const name = attr.localName.toLowerCase();
      const value = attr.value.trim();
      if (name.startsWith("on") || name === "style") node.removeAttributeNode(attr);
      else if (name === "href" && !value.startsWith("#")) node.removeAttributeNode(attr);
    }
  }
  for (const node of remove) node.remove();
  return document.importNode(root, true);
}
