"""The op level's wide trees: the spine drawn straight, a rank of many leaves staggered.

- The spine is the longest way from an input to the output (at each node, its deepest
  input, the first of equals), in an expression that is a tree (each value used once: a
  value used by several branches pulls them together, off a straight spine). `dot` draws
  the nodes of one `group` on a straight line, so what hangs off the spine goes above and
  below it instead of climbing away from it as a staircase: a 10-term dot product drawn
  left to right is half as tall.
- A rank holding STAGGER_MIN or more leaves used once (a balanced tree's inputs, all one
  rank before their uses) has every other one of them moved one rank further back (its
  edge `minlen=2`): two ranks of half the length, so a 16-leaf tree is half as wide.

- A running sum or product (`w1*x1 + w2*x2 + w3*x3 + w4*x4 + b`: each sum the first
  operand of the next and used by it alone) of STACK_MIN or more operations is drawn in
  one rank, one under the other (`rank=same`), instead of a staircase a rank per term: the
  drawing is as many ranks shorter (a 17-op neuron with a log-loss, 982 -> 736 points wide).

All three are read by the estimate (chainrule/render/op_layout.py) and written by the DOT
(chainrule/render/dot.py), so the first view is chosen for the drawing `dot` makes.
"""

from __future__ import annotations

from chainrule.graph import Graph, GraphNode
from chainrule.ops import OPS

STAGGER_MIN = 4  # leaves used once in one rank from which every other one moves back
STACK_MIN = 3  # operations of a running sum or product drawn one under the other
STAGGER_SHARE = 0.45  # of a moved leaf's length still taken in its first rank: dot keeps
# it near its sibling (measured: a 16-leaf tree 877-1,006 points wide, estimated 931-995)


def tree_inputs(graph: Graph, shown: list[GraphNode]) -> dict[str, list[str]] | None:
    """Return each shown node's shown inputs (in operand order) if the drawing is a tree
    (each value used once at most), else None."""
    ids = {n.id for n in shown}
    inputs: dict[str, list[str]] = {}
    used: set[str] = set()
    for e in graph.edges:
        if e.kind == "input" and e.source in ids and e.target in ids:
            if e.source in used:
                return None
            used.add(e.source)
            inputs.setdefault(e.target, []).append(e.source)
    return inputs


def spine(shown: list[GraphNode], inputs: dict[str, list[str]], output: str) -> list[str]:
    """Return the ids of the spine's value nodes, from the output back to an input."""
    height: dict[str, int] = {}
    for n in shown:  # ids are topological: inputs first
        height[n.id] = 1 + max((height[a] for a in inputs.get(n.id, []) if a in height), default=-1)
    out: list[str] = []
    at = output if output in height else None
    while at is not None:
        out.append(at)
        args = [a for a in inputs.get(at, []) if a in height and a not in out]
        at = max(args, key=lambda a: height[a]) if args else None  # the first deepest
    return out


def hanging_leaves(line: list[str], inputs: dict[str, list[str]], leaves: set[str]) -> int:
    """Return the most leaves below one input of a spine node off the spine (what a
    straight spine leaves to spread across beside it), counted with repeats."""
    on = set(line)
    below: dict[str, int] = {}

    def count(k: str) -> int:
        if k not in below:
            below[k] = 1 if k in leaves else 0
            stack = [(k, iter(inputs.get(k, [])))]
            while stack:  # iterative: a deep branch must not exhaust Python's stack
                node, it = stack[-1]
                nxt = next(it, None)
                if nxt is None:
                    stack.pop()
                    if stack and node != k:
                        below[stack[-1][0]] += below[node]
                    continue
                if nxt in below:
                    below[node] += below[nxt]
                else:
                    below[nxt] = 1 if nxt in leaves else 0
                    stack.append((nxt, iter(inputs.get(nxt, []))))
        return below[k]

    return max((count(a) for s in line for a in inputs.get(s, []) if a not in on), default=0)


def staggered(
    shown: list[GraphNode], rank: dict[str, int], users: dict[str, list[str]]
) -> frozenset[str]:
    """Return the leaves to move one rank back: every other leaf used once, in program
    order, of each rank holding STAGGER_MIN or more of them."""
    by_rank: dict[int, list[str]] = {}
    for n in shown:
        if n.is_leaf and len(users.get(n.id, [])) == 1:
            by_rank.setdefault(rank[n.id], []).append(n.id)
    return frozenset(k for ks in by_rank.values() if len(ks) >= STAGGER_MIN for k in ks[1::2])


def stacks(graph: Graph, shown: list[GraphNode]) -> tuple[tuple[str, ...], ...]:
    """Return the running sums and products to draw in one rank: runs of STACK_MIN or more
    operations of one commutative op, each the first operand of the next, used by it alone."""
    by_id = {n.id: n for n in shown}
    first: dict[str, str] = {}
    uses: dict[str, int] = {}
    for e in graph.edges:
        if e.kind == "input" and e.source in by_id and e.target in by_id:
            first.setdefault(e.target, e.source)
            uses[e.source] = uses.get(e.source, 0) + 1
    after: dict[str, str] = {}
    for n in shown:
        a = first.get(n.id, "")
        op = OPS.get(n.op)
        if a and uses[a] == 1 and op is not None and op.commutative and by_id[a].op == n.op:
            after[a] = n.id
    out = []
    for head in (k for k in after if k not in after.values()):
        run = [head]
        while run[-1] in after:
            run.append(after[run[-1]])
        if len(run) >= STACK_MIN:
            out.append(tuple(run))
    return tuple(out)


def stack_lines(runs: tuple[tuple[str, ...], ...]) -> list[str]:
    """Return the DOT drawing each run in one rank, each operation's operands in the
    program's order (`ordering=in`: else a sum's second term may come first)."""
    lines = []
    for run in runs:
        lines.append("{rank=same; " + " ".join(f'"{k}";' for k in run) + "}")
        lines += [f'"{k}" [ordering=in]' for k in run]
    return lines
