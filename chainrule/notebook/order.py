"""The order of a walked graph's nodes: a depth-first post-order from the root in which a
set's operands (micrograd's `_prev`) are ordered by what they hold, never by `id()`.

Each node gets a content signature (bottom-up: its op, numbers and operands) and a context
signature (top-down: the users it feeds and where); operands of a set are sorted by both,
so the same graph built twice is numbered, and drawn, the same.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

from chainrule.ops import is_constant

Found = dict[int, tuple[object, "Node", list[object]]]


class NotANode(TypeError):
    """The object is not a node of an autograd engine chainrule can read."""


@dataclass
class Node:
    """One node of a walked graph: its numbers, its operation and its operand indices."""

    value: float
    grad: float
    op: str  # chainrule's op name ("+", "^", "exp", ...), "" a leaf, "const", or as written
    written: str  # how the engine itself names the operation ("__mul__", "ReLU", "**2")
    inputs: list[int] = field(default_factory=list)
    name: str | None = None
    local_grads: tuple[float, ...] | None = None  # known for chainrule's own Values
    from_set: int = 0  # how many of the operands came from a set (micrograd's _prev)
    learner_locals: tuple[float, ...] | None = None  # the engine's own (node, local) pairs

    @property
    def unordered(self) -> bool:
        """True when the engine kept the operands in a set (their order is unknown)."""
        return self.from_set > 1

    @property
    def is_leaf(self) -> bool:
        """True for a node made from no other node."""
        return not self.inputs

    @property
    def is_constant(self) -> bool:
        """True for a number written in the learner's program (chainrule's CONSTANT op)."""
        return is_constant(self.op)


def _key(x: float) -> tuple[bool, float]:
    """A float as a hashable key the same in every process (hash(nan) is per object)."""
    return (True, x) if x == x else (False, 0.0)


def _signature(node: Node, child_sigs: list[int]) -> int:
    sigs = sorted(child_sigs) if node.unordered else child_sigs
    written = zlib.crc32(node.written.encode())  # str hashes differ between processes
    return hash((written, _key(node.value), _key(node.grad), tuple(sigs)))


def _signatures(post: list[int], found: Found) -> dict[int, int]:
    """Return each node's content signature, bottom-up: its op, numbers and operands'."""
    sig: dict[int, int] = {}
    for key in post:  # operands before their users
        _, node, operands = found[key]
        sig[key] = _signature(node, [sig[id(o)] for o in operands])
    return sig


def _contexts(post: list[int], sig: dict[int, int], found: Found) -> dict[int, int]:
    """Return each node's context signature, top-down: the users it feeds, and where."""
    uses: dict[int, list[int]] = {}
    ctx: dict[int, int] = {}
    for key in reversed(post):  # every user comes before the nodes it uses
        ctx[key] = hash(tuple(sorted(uses.get(key, ()))))
        _, node, operands = found[key]
        for slot, o in enumerate(operands):
            where = -1 if node.unordered and slot < node.from_set else slot
            uses.setdefault(id(o), []).append(hash((ctx[key], sig[key], where)))
    return ctx


def _post_order(root: object, found: Found) -> list[int]:
    """Return the keys in a depth-first post-order from root; raise NotANode on a cycle."""
    post: list[int] = []
    done: set[int] = set()
    open_: set[int] = set()
    stack: list[tuple[int, bool]] = [(id(root), False)]
    while stack:
        key, ready = stack.pop()
        if key in done:
            continue
        if ready:
            done.add(key)
            open_.discard(key)
            post.append(key)
            continue
        if key in open_:
            raise NotANode("the graph has a cycle: a node is among its own operands")
        open_.add(key)
        stack.append((key, True))
        stack.extend((id(o), False) for o in reversed(found[key][2]) if id(o) not in done)
    return post


def ordered(root: object, found: Found) -> list[Node]:
    """Number the nodes in a depth-first post-order from root; a set's operands ordered by
    content, then (if still tied) by where they are used, then by number: never by id()."""
    post = _post_order(root, found)  # in operand order; a set's operands as Python gave them
    sets = [found[k] for k in post if found[k][1].unordered]
    if sets:
        sig = _signatures(post, found)
        ctx: dict[int, int] = {}
        index: dict[int, int] = {}

        def rank(o: object) -> tuple[int, int, int]:
            return sig[id(o)], ctx.get(id(o), 0), index.get(id(o), -1)

        def settle(key: Callable[[object], object]) -> bool:
            """Sort every set's operands by rank; return whether any are tied by key."""
            tied = False
            for _, node, operands in sets:
                head = operands[: node.from_set] = sorted(operands[: node.from_set], key=rank)
                tied = tied or len({key(o) for o in head}) < len(head)
            return tied

        if settle(lambda o: sig[id(o)]):  # equal content: tell them apart by their uses
            ctx.update(_contexts(post, sig, found))
            if settle(lambda o: (sig[id(o)], ctx[id(o)])):  # and still: by their numbers
                index.update((k, i) for i, k in enumerate(_post_order(root, found)))
                settle(lambda o: None)
        post = _post_order(root, found)
    number = {k: i for i, k in enumerate(post)}
    out = []
    for key in post:
        node, operands = found[key][1], found[key][2]
        node.inputs = [number[id(o)] for o in operands]
        out.append(node)
    return out
