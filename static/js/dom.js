// @ts-check
// The page's elements by id, typed by what they are: every module reads the DOM through these.

/** The element with this id (null when the page has none). */
export function $(id) {
  return document.getElementById(id);
}

/**
 * The element with this id when it is of this kind, else null (never a wrong kind).
 * @template {Element} T
 * @param {string} id
 * @param {{ new (): T, prototype: T }} kind
 * @returns {T | null}
 */
function typed(id, kind) {
  const el = document.getElementById(id);
  return el instanceof kind ? el : null;
}

/** The <input> with this id. */
export const input = (id) => typed(id, HTMLInputElement);

/** The <select> with this id. */
export const select = (id) => typed(id, HTMLSelectElement);

/** The <textarea> with this id. */
export const textarea = (id) => typed(id, HTMLTextAreaElement);

/** The <button> with this id. */
export const button = (id) => typed(id, HTMLButtonElement);

/** The <a> with this id. */
export const link = (id) => typed(id, HTMLAnchorElement);

/**
 * The form field (input, select or textarea) with this id: what has a value.
 * @param {string} id
 * @returns {HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement | null}
 */
export function field(id) {
  return input(id) || select(id) || textarea(id);
}

/**
 * The control (a form field or a button) with this id: what can be disabled.
 * @param {string} id
 * @returns {HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement | HTMLButtonElement | null}
 */
export function control(id) {
  return field(id) || button(id);
}

/**
 * The first element under root matching selector when it is of this kind, else null.
 * @template {Element} T
 * @param {ParentNode} root
 * @param {string} selector
 * @param {{ new (): T, prototype: T }} kind
 * @returns {T | null}
 */
export function find(root, selector, kind) {
  const el = root.querySelector(selector);
  return el instanceof kind ? el : null;
}

/**
 * Bring el into view inside the box that scrolls it (a table, a list), never by scrolling
 * the window: the page stays where the learner put it.
 * @param {Element} el
 */
export function revealWithin(el) {
  for (let box = el.parentElement; box && box !== document.body && box !== document.documentElement; box = box.parentElement) {
    const style = getComputedStyle(box);
    const scrolls = /(auto|scroll)/.test(style.overflowY) && box.scrollHeight > box.clientHeight + 1;
    if (!scrolls) continue;
    const r = el.getBoundingClientRect();
    const b = box.getBoundingClientRect();
    if (r.top < b.top) box.scrollTop += r.top - b.top;
    else if (r.bottom > b.bottom) box.scrollTop += Math.min(r.bottom - b.bottom, r.top - b.top);
    return;
  }
}
