// What the pages put on window for the benchmarks (bench/live.py reads window.__live).
interface Window {
  __live?: { state: object; stats: object };
}

// The page's own events on #graph: one selection for the whole page, units opened in place.
interface ChainruleSelect {
  id: string | null;
  source?: string;
}
interface HTMLElementEventMap {
  "chainrule:select": CustomEvent<ChainruleSelect>;
  "chainrule:selected": CustomEvent<ChainruleSelect>;
  "chainrule:toggle": CustomEvent<{ id: string }>;
}
