// @ts-check
// The graph's controls on the playground: one selection (chainrule:select / :selected),
// units opened and closed in place (click, Enter, chainrule:toggle), find, the whole-graph
// level toggle. wireGraph returns what the page calls after each answer.

import { wireFind } from "./find.js";
import { Selection } from "./selection.js";
import { NODE, boxOf, nodeIdOf, openable } from "./svg-contract.js";

import { $, field, revealWithin } from "./dom.js";

/**
 * Wire the graph panel; page: { graphBox, tableBody, drawing, state, evaluate }.
 * @param {{ graphBox: HTMLElement, tableBody: HTMLElement, drawing: import("./drawing.js").Drawing,
 *   state: import("./app.js").PlaygroundState, evaluate: (full?: boolean) => Promise<void> }} page
 */
export function wireGraph({ graphBox, tableBody, drawing, state, evaluate }) {
  const panZoom = drawing.panZoom;
  const selection = new Selection(graphBox, drawing, $("selection-sum"), () => state.data);

  function markRow(id, scroll) {
    for (const tr of tableBody.querySelectorAll("tr.selected")) tr.classList.remove("selected");
    const tr = id && tableBody.querySelector(`tr[data-node="${id}"]`);
    if (tr) {
      tr.classList.add("selected");
      if (scroll) revealWithin(tr); // the table's own scrolling: never the window's
    }
  }
  graphBox.addEventListener("chainrule:selected", (e) => markRow(e.detail.id, e.detail.source === "graph"));

  function selectNode(id, source) {
    graphBox.dispatchEvent(new CustomEvent("chainrule:select", { detail: { id, source }, bubbles: true }));
  }

  /** The boxes unit id is drawn as once opened: a series' lines one by one (the answer's
   * `series`), any other unit its own box or cluster. */
  function drawnAs(id) {
    const unit = state.data?.units?.find((u) => u.id === id);
    return unit?.series?.length ? [...unit.series] : [id];
  }

  /** Open or close a unit of the lines level (drawn anew, the view kept on it). */
  function toggleUnit(id) {
    if (state.expand.has(id)) state.expand.delete(id);
    else state.expand.add(id);
    state.opened = drawnAs(id);
    return evaluate();
  }

  /** Open the unit a node is drawn inside (find), and the line inside a series it is in,
   * until the node has a box of its own: resolves once it is drawn. */
  async function openUnitOf(id) {
    for (let depth = 0; depth < 2; depth++) {
      const unit = drawing.owner.get(id);
      if (!unit || unit === id || state.expand.has(unit) || !(drawing.svg && boxOf(drawing.svg, unit)?.classList.contains("unit"))) return;
      state.expand.add(unit);
      state.opened = drawnAs(unit);
      await evaluate();
    }
  }

  /** Units are buttons: Enter opens or closes one, as a click does. */
  function wireUnits() {
    // the drawing only: the overview (also an svg in #graph) is hidden from the focus
    const svg = drawing.svg;
    if (!svg) return;
    for (const { id, g } of openable(svg)) {
      if (!g.hasAttribute("tabindex")) g.setAttribute("tabindex", "0");
      g.setAttribute("data-unit", id);
    }
  }
  graphBox.addEventListener("chainrule:toggle", (e) => toggleUnit(e.detail.id));
  graphBox.addEventListener("keydown", (e) => {
    const g = e.target instanceof Element ? e.target.closest("g[data-unit]") : null;
    if (g && e.key === "Enter") {
      e.preventDefault();
      toggleUnit(g.getAttribute("data-unit"));
    }
  });

  graphBox.addEventListener("click", (e) => {
    if (panZoom.consumeDrag()) return;
    const g = e.target instanceof Element ? e.target.closest("g.node") : null;
    if (!g) return;
    const id = nodeIdOf(g);
    if (!NODE.test(id)) return;
    selectNode(id, "graph");
    const unit = g.getAttribute("data-unit");
    if (unit) toggleUnit(unit);
  });
  // The table selects its row's node through graphkeys.js (the graph's accessible twin).
  wireFind($("graph-find"), $("find-status"), graphBox, () => state.data, openUnitOf);

  /** The whole-graph toggle: lines <-> operations, from the level drawn. */
  function showLevel(data) {
    const button = $("level-toggle");
    if (!button) return;
    button.hidden = !data.svg && !graphBox.querySelector(":scope > svg");
    const lines = data.level === "lines";
    button.textContent = lines ? "Show every operation" : "Show lines and calls";
    button.setAttribute("aria-pressed", String(lines));
    button.dataset.level = data.level || "ops";
  }
  $("level-toggle")?.addEventListener("click", () => {
    field("opt-level").value = $("level-toggle").dataset.level === "lines" ? "ops" : "lines";
    state.expand.clear();
    evaluate();
  });

  return { selection, markRow, wireUnits, showLevel };
}
