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
