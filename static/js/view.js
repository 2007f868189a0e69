// @ts-check
import { find } from "./dom.js";

// The view a drawing is made for: the graph panel's size, when it is not the server's.

/** The server's panel [width, height] in CSS pixels: the view it draws for when told none
 * (a 1280x800 screen's), as the page's data (data-panel). */
const PANEL = JSON.parse(find(document, "[data-panel]", HTMLElement)?.dataset.panel || "null");

/** The panel box's size in CSS pixels when it is not the server's (within 10%): the view
 * the automatic level and direction fit, so a phone's narrow panel gets narrower rows; null
 * otherwise. Its width to 10 px; its height in the server panel's shape, or the box's
 * least height (its CSS min-height) when taller: a narrow screen sizes the box to the
 * drawing, which must not change the view it is drawn for, but a phone's box is at least
 * half the screen tall, room a top-down drawing may take. */
export function viewSize(box) {
  const w = Math.round(box.clientWidth / 10) * 10;
  if (!PANEL || w < 200 || Math.abs(w - PANEL[0]) <= PANEL[0] / 10) return null;
  const least = Math.round((parseFloat(getComputedStyle(box).minHeight) || 0) / 10) * 10;
  return [w, Math.max(120, Math.round((w * PANEL[1]) / PANEL[0]), least)];
}
