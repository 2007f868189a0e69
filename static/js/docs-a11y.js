// @ts-check
// /docs and /redoc: what CSS cannot fix in the bundles' pages: a code sample that scrolls is
// made reachable by keyboard (tabindex, WCAG 2.1.1), an unlabelled chooser gets a name
// (WCAG 4.1.2). Re-applied as the bundles render.
"use strict";
(() => {
  const fix = () => {
    // ReDoc's chooser between the answers of an operation (anyOf) comes without a label.
    for (const select of document.querySelectorAll("select:not([aria-label]):not([id])")) {
      select.setAttribute("aria-label", "Which of the possible answers to show");
    }
    for (const pre of document.querySelectorAll("pre:not([tabindex])")) {
      if (!(pre instanceof HTMLElement)) continue;
      if (pre.scrollWidth > pre.clientWidth + 1 || pre.scrollHeight > pre.clientHeight + 1) {
        pre.tabIndex = 0;
        if (!pre.hasAttribute("aria-label")) pre.setAttribute("aria-label", "code sample");
      }
    }
  };
  let queued = false;
  new MutationObserver(() => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      fix();
    });
  }).observe(document.body, { childList: true, subtree: true });
  fix();
})();
