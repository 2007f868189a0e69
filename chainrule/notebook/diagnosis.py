"""Say why a learner's gradients are wrong, from the numbers and the graph.

Where the error enters is a node whose own gradient is right while an operand's is wrong
(its backward passed the wrong amount down). For a wrong node whose users are all right,
the learner's gradient is compared with the contributions it should have summed, each the
user's (right) gradient times the true local derivative:

- backward never called: every gradient is 0 (said first, and alone);
- `=` for `+=`: a node used several times keeps only one contribution;
- ran twice: the excess is a whole number of one user's contributions (the seeds' bug: a
  node used twice by one op, `m * m`, whose recursive backward ran twice);
- a wrong local derivative: at every use of an op the operand gets the wrong share (the
  same ratio at every use is said as a factor).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from chainrule.engine import Value
from chainrule.graph import OP_LABELS, fmt
from chainrule.notebook.order import Node

Describe = Callable[[int], str]
MAX_RUNS = 4  # a backward that ran more often than this is not the likely cause


@dataclass
class Diagnosis:
    """Why the gradients are wrong: reasons (most telling first) and where errors enter."""

    reasons: list[str] = field(default_factory=list)
    entries: list[int] = field(default_factory=list)  # nodes where an error enters
    no_backward: bool = False


def _near(a: float, b: float, rtol: float, atol: float) -> bool:
    return math.isclose(a, b, rel_tol=rtol, abs_tol=atol)


def no_backward(nodes: list[Node]) -> bool:
    """True when no gradient was ever computed: every one is 0 or missing (None)."""
    grads = [n.grad for n in nodes if not n.is_constant]
    return all(g == 0.0 or g != g for g in grads)


def _uses(nodes: list[Node]) -> list[list[tuple[int, int]]]:
    """Each node's uses: (user, operand slot)."""
    uses: list[list[tuple[int, int]]] = [[] for _ in nodes]
    for u, n in enumerate(nodes):
        for k, j in enumerate(n.inputs):
            uses[j].append((u, k))
    return uses


def diagnose(
    nodes: list[Node],
    built: list[Value],
    wrong: set[int],
    describe: Describe,
    tol: tuple[float, float],
) -> Diagnosis:
    """Return why the gradients of the `wrong` nodes are wrong, where it can be told."""
    if no_backward(nodes):
        return Diagnosis(
            ["backward() was never called: every gradient is 0 (call backward() on the output)"],
            no_backward=True,
        )
    rtol, atol = tol
    out = Diagnosis()
    root = len(nodes) - 1
    if root in wrong:
        out.entries.append(root)
        out.reasons.append(
            f"the output's grad is {fmt(nodes[root].grad)}, not 1: backward starts from 1"
        )
    uses = _uses(nodes)
    for u, n in enumerate(nodes):
        if u not in wrong and any(j in wrong for j in n.inputs):
            out.entries.append(u)

    def share(u: int, k: int) -> float:
        return nodes[u].grad * built[u].local_grads[k]

    explained: set[int] = set()  # users whose wrong shares a reason accounts for
    for j in sorted(wrong):
        users = uses[j]
        if not users or any(u in wrong for u, _ in users) or nodes[j].is_constant:
            continue
        parts = [share(u, k) for u, k in users]
        if not _near(sum(parts), built[j].grad, rtol, atol):
            continue  # the true sum is not what it should be: some other cause
        reason = _assigned(j, users, parts, nodes[j].grad, describe, tol)
        if reason:
            explained.update(u for u, _ in users)
            out.reasons.append(reason)
    paths = _paths(nodes)
    for u in out.entries:
        if u in explained:
            continue
        reason = _repeated(u, nodes, built, wrong, uses, share, describe, tol, paths[u])
        if reason:
            explained.add(u)
            out.reasons.append(reason)
    held = _stored_locals(nodes, built, describe, tol)
    out.reasons += [reason for _, reason in sorted(held.items())]
    told = _local_derivatives(nodes, wrong | explained, uses, share, describe, tol, set(held))
    out.reasons += told
    return out


def _paths(nodes: list[Node]) -> list[int]:
    """The number of paths from the output to each node (m * m counts two), capped."""
    paths = [0] * len(nodes)
    paths[-1] = 1
    for u in range(len(nodes) - 1, -1, -1):
        for j in nodes[u].inputs:
            paths[j] = min(paths[j] + paths[u], MAX_RUNS)
    return paths


def _assigned(
    j: int,
    users: list[tuple[int, int]],
    parts: list[float],
    mine: float,
    describe: Describe,
    tol: tuple[float, float],
) -> str:
    """`=` for `+=`: a node used several times whose grad is one contribution only."""
    if len(users) < 2:
        return ""
    for (u, _), part in zip(users, parts, strict=True):
        if _near(mine, part, *tol):
            return (
                f"`=` instead of `+=`? {describe(j)} is used {len(users)} times but its grad "
                f"{fmt(mine)} is only the share from {describe(u)} ({fmt(part)}); the sum of "
                f"its shares is {fmt(sum(parts))}: gradients must accumulate (+=)"
            )
    return ""


def _repeated(
    u: int,
    nodes: list[Node],
    built: list[Value],
    wrong: set[int],
    uses: list[list[tuple[int, int]]],
    share: Callable[[int, int], float],
    describe: Describe,
    tol: tuple[float, float],
    paths: int,
) -> str:
    """u's backward ran more than once: each wrong operand's excess is whole shares of u
    (and u is reached by that many paths: a backward runs once per path at most)."""
    extra: list[float] = []  # how much more of u's gradient each wrong operand was passed
    for k, j in enumerate(nodes[u].inputs):
        local = built[u].local_grads[k]
        if j in wrong and local != 0.0 and not any(w in wrong for w, _ in uses[j]):
            extra.append((nodes[j].grad - built[j].grad) / local)
        elif j in wrong:
            return ""
    grad = nodes[u].grad
    if not extra or grad == 0.0 or paths < 2:
        return ""
    got = ", ".join(describe(j) for j in dict.fromkeys(j for j in nodes[u].inputs if j in wrong))
    fix = "run each node's backward once, in reverse topological order"
    times = extra[0] / grad
    if all(_near(e / grad, round(times), *tol) for e in extra) and 1 <= round(times) < paths:
        count = round(times) + 1
        twice = [w for w, n in enumerate(nodes) if n.inputs.count(u) > 1]  # ops using u twice
        if twice:
            return (
                f"{describe(u)} is used twice by one op ({describe(twice[0])}) and its backward "
                f"ran {count} times, passing its gradient to {got} {count} times (a recursive "
                f"backward? {fix})"
            )
        return (
            f"the backward of {describe(u)} ran {count} times: {got} got its share {count} "
            f"times ({fix})"
        )
    shares = [nodes[w].grad * built[w].local_grads[kk] for w, kk in uses[u]]
    early = _subset_sum(shares, extra[0], tol)
    if early is not None and all(_near(e, extra[0], *tol) for e in extra):
        return (
            f"the backward of {describe(u)} ran more than once: once early, when only "
            f"{early} of its {len(shares)} shares had reached it, passing {got} that part of "
            f"its gradient again (a recursive backward? {fix})"
        )
    return ""


def _subset_sum(shares: list[float], target: float, tol: tuple[float, float]) -> int | None:
    """Return how many of shares a proper, non-empty subset summing to target holds."""
    if len(shares) > 12:
        return None
    for mask in range(1, 2 ** len(shares) - 1):
        picked = [x for b, x in enumerate(shares) if mask >> b & 1]
        if _near(sum(picked), target, *tol):
            return len(picked)
    return None


def _where(nodes: list[Node], u: int, k: int) -> str:
    symbol = OP_LABELS.get(nodes[u].op, nodes[u].op)
    return f"operand {k + 1} of {symbol}" if len(nodes[u].inputs) > 1 else symbol


def _stored_locals(
    nodes: list[Node], built: list[Value], describe: Describe, tol: tuple[float, float]
) -> dict[tuple[str, int], str]:
    """Wrong local derivatives the engine keeps itself (its `(node, local_grad)` pairs)."""
    found: dict[tuple[str, int], str] = {}
    for u, n in enumerate(nodes):
        for k, mine in enumerate(n.learner_locals or ()):
            want = built[u].local_grads[k]
            if mine == mine and not _near(mine, want, *tol) and (n.op, k) not in found:
                found[(n.op, k)] = (
                    f"wrong local derivative of {_where(nodes, u, k)}: your (node, local) pairs "
                    f"hold {fmt(mine)} where it is {fmt(want)} (at {describe(u)})"
                )
    return found


def _simple(r: float, tol: tuple[float, float]) -> bool:
    """True for a factor a slip gives (a sign, a doubling, a half, a zero): -1, 2, 0.5, ..."""
    return abs(r) <= 4.0 and _near(2.0 * r, round(2.0 * r), *tol)


def _local_derivatives(
    nodes: list[Node],
    wrong: set[int],
    uses: list[list[tuple[int, int]]],
    share: Callable[[int, int], float],
    describe: Describe,
    tol: tuple[float, float],
    known: set[tuple[str, int]],
) -> list[str]:
    """A wrong local derivative: the op passes its operand the wrong share at every use
    (not for an op and operand `known` already, from the engine's own local derivatives)."""
    ratios: dict[tuple[str, int], list[tuple[int, float]]] = {}
    for u, n in enumerate(nodes):
        if u in wrong or n.is_leaf:
            continue  # wrong (or explained): this op's share cannot be told here
        for k, j in enumerate(n.inputs):
            if nodes[j].is_constant or len(uses[j]) != 1 or n.inputs.count(j) != 1:
                continue  # only a node used once tells this op's share apart
            part = share(u, k)
            if part == 0.0 or not math.isfinite(part):
                continue
            ratios.setdefault((n.op, k), []).append((u, nodes[j].grad / part))
    found = []
    for (op, k), seen in sorted(ratios.items()):
        if (op, k) in known:
            continue
        bad = [(u, r) for u, r in seen if not _near(r, 1.0, *tol)]
        if not bad or len(bad) != len(seen):
            continue
        symbol = OP_LABELS.get(op, op)
        where = f"operand {k + 1} of {symbol}" if nodes[bad[0][0]].inputs[1:] else symbol
        first = bad[0][1]
        at = f"at {describe(bad[0][0])}"
        if len(bad) == 1 and not _simple(first, tol):
            continue  # one use, an odd factor: as likely some other cause
        if len(bad) == 1:
            said = f"it passes {fmt(first)} × the right amount ({at}, the one use that tells)"
        elif all(_near(r, first, *tol) for _, r in bad):
            said = f"it passes {fmt(first)} × the right amount at all {len(bad)} uses"
        else:
            said = f"wrong at all {len(bad)} uses ({at}: {fmt(first)} × the right amount)"
        found.append(f"wrong local derivative of {where}: {said}")
    return found
