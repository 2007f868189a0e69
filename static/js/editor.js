// @ts-check
// The program editor: a textarea with a line-number gutter, a Ln/Col readout and an
// error underline drawn in a backdrop behind the (transparent) textarea. Text only: the
// backdrop is built from text nodes, never from markup. The editor grows with the program
// up to MAX_LINES lines, then scrolls; gutter and underline scroll with the text.

const MIN_LINES = 6;
const MAX_LINES = 18;

/** Code-unit offset in source of a 1-based line and code-point column (as the API counts). */
export function offsetOf(source, line, column) {
  const lines = source.split("\n");
  let offset = 0;
  for (let i = 0; i < Math.min(line - 1, lines.length); i++) offset += lines[i].length + 1;
  const text = lines[Math.min(line - 1, lines.length - 1)] || "";
  const prefix = Array.from(text).slice(0, Math.max(0, column - 1)).join("");
  return offset + prefix.length;
}

/** Code-unit length of n code points of source starting at offset. */
function spanLength(source, offset, n) {
  return Array.from(source.slice(offset)).slice(0, Math.max(1, n)).join("").length;
}

export class Editor {
  constructor(textarea, gutter, backdrop, readout) {
    this.textarea = textarea;
    this.gutter = gutter;
    this.backdrop = backdrop;
    this.readout = readout;
    this.error = null;
    textarea.addEventListener("input", () => this.refresh());
    textarea.addEventListener("scroll", () => this.syncScroll());
    for (const ev of ["keyup", "click", "select", "focus"]) {
      textarea.addEventListener(ev, () => this.updateReadout());
    }
    document.addEventListener("selectionchange", () => {
      if (document.activeElement === textarea) this.updateReadout();
    });
    this.refresh();
  }

  get value() {
    return this.textarea.value;
  }

  set value(text) {
    this.textarea.value = text;
    this.error = null;
    this.refresh();
  }

  refresh() {
    const lines = this.textarea.value.split("\n").length;
    const numbers = [];
    for (let i = 1; i <= lines; i++) numbers.push(String(i));
    this.gutter.textContent = `${numbers.join("\n")}\n`;
    // CSSOM (allowed by the CSP): the editor's height in lines, bounded.
    const shown = Math.min(Math.max(lines + 1, MIN_LINES), MAX_LINES);
    this.textarea.closest(".editor")?.style.setProperty("--editor-lines", String(shown));
    this.drawBackdrop();
    this.updateReadout();
    this.syncScroll();
  }

  updateReadout() {
    const text = this.textarea.value.slice(0, this.textarea.selectionStart);
    const line = text.split("\n").length;
    const column = Array.from(text.slice(text.lastIndexOf("\n") + 1)).length + 1;
    this.readout.textContent = `Ln ${line}, Col ${column}`;
  }

  syncScroll() {
    this.gutter.scrollTop = this.textarea.scrollTop;
    this.backdrop.scrollTop = this.textarea.scrollTop;
    this.backdrop.scrollLeft = this.textarea.scrollLeft;
  }

  /** Underline length code points at line:column (1-based), or clear with null. */
  setError(error) {
    this.error = error;
    this.drawBackdrop();
    if (error && error.line) this.scrollToLine(error.line, error.column);
  }

  /** Scroll the text so that line:column is in view (unless it is already). */
  scrollToLine(line, column) {
    const ta = this.textarea;
    const style = getComputedStyle(ta);
    const lineHeight = parseFloat(style.lineHeight) || 22;
    const pad = parseFloat(style.paddingTop) || 0;
    const top = pad + (line - 1) * lineHeight;
    if (top < ta.scrollTop || top + lineHeight > ta.scrollTop + ta.clientHeight) {
      ta.scrollTop = Math.max(0, top - ta.clientHeight / 3);
    }
    const charWidth = lineHeight / 1.5 * 0.6; // monospace: about 0.6 em per character
    const left = (column - 1) * charWidth;
    if (left < ta.scrollLeft || left > ta.scrollLeft + ta.clientWidth - 4 * charWidth) {
      ta.scrollLeft = Math.max(0, left - ta.clientWidth / 2);
    }
    this.syncScroll();
  }

  drawBackdrop() {
    const source = this.textarea.value;
    this.backdrop.replaceChildren();
    const err = this.error;
    if (!err || !err.line) {
      this.backdrop.append(document.createTextNode(`${source}\n`));
      return;
    }
    const start = Math.min(offsetOf(source, err.line, err.column), source.length);
    let end = Math.min(start + spanLength(source, start, err.length || 1), source.length);
    // A span at the end of a line (or of the text) gets a visible placeholder.
    let marked = source.slice(start, end);
    const newline = marked.indexOf("\n");
    if (newline >= 0) {
      marked = marked.slice(0, newline);
      end = start + newline;
    }
    const mark = document.createElement("mark");
    mark.className = "error-mark";
    mark.textContent = marked || " ";
    this.backdrop.append(
      document.createTextNode(source.slice(0, start)),
      mark,
      document.createTextNode(`${source.slice(end)}\n`),
    );
  }
}
