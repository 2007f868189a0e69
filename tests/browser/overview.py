"""What the graph tests measure in the page: the nodes the overview covers."""

# The nodes (ids) the overview covers, in screen pixels; [] when it is folded away.
COVERED = """() => {
  const m = document.querySelector('#graph .minimap');
  if (m.hidden) return [];
  const a = m.getBoundingClientRect();
  return [...document.querySelectorAll('#graph > svg g.node')]
    .filter((n) => !n.hasAttribute('display'))
    .filter((n) => {
      const b = n.getBoundingClientRect();
      return b.x < a.right && a.x < b.right && b.y < a.bottom && a.y < b.bottom;
    })
    .map((n) => n.id);
}"""

# The nodes (ids) with a point, inside the graph's frame and the window, where a click lands
# on something other than the drawing (the overview, a panel, a line of text): [] when
# nothing of the page's own covers one. Each node is probed at its centre and near its four
# corners.
UNDER_PAGE = """() => {
  const f = document.getElementById('graph').getBoundingClientRect();
  const spots = [[0.5, 0.5], [0.15, 0.15], [0.85, 0.15], [0.15, 0.85], [0.85, 0.85]];
  return [...document.querySelectorAll('#graph > svg g.node')]
    .filter((n) => !n.hasAttribute('display'))
    .filter((n) => {
      const r = n.getBoundingClientRect();
      return spots.some(([a, b]) => {
        const x = r.left + a * r.width;
        const y = r.top + b * r.height;
        if (x < f.left + 2 || x > f.right - 2 || y < f.top + 2 || y > f.bottom - 2) return false;
        if (x < 0 || y < 0 || x > innerWidth || y > innerHeight) return false; // off the window
        const hit = document.elementFromPoint(x, y);
        return !hit || !hit.closest('#graph > svg');
      });
    })
    .map((n) => n.id);
}"""
