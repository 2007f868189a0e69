"""Liveness for the tape: which columns each instruction leaves dead, and the peak held.

A column (one value per row) is dropped after its last read in forward unless backward
reads it; a data-only column read by per-step code stays for the whole run. The same free
lists drive both the run (tape.py) and the estimate of its peak memory, so the budget is
checked against what the run will really hold.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from chainrule.train.tape import Instr

# Columns one rule may hold while it runs (np.where's mask and branches, a product of
# products, the old and the new gradient while they are added), beyond those it reads.
TEMPORARIES = 4
ROW_BYTES = 8  # float64


def dead_after(code: Sequence[Instr], hold: Collection[int]) -> list[tuple[int, ...]]:
    """Return, per instruction of code, the slots it produced that are read for the last time."""
    made = {ins.out for ins in code}
    last: dict[int, int] = {}
    for i, ins in enumerate(code):
        for s in ins.uses:
            last[s] = i
    free: list[list[int]] = [[] for _ in code]
    for s, i in last.items():
        if s in made and s not in hold:
            free[i].append(s)
    return [tuple(sorted(f)) for f in free]


def peak_columns(
    static: Sequence[Instr],
    varying: Sequence[Instr],
    backward: Sequence[Instr],
    rowish: Sequence[bool],
    output: int,
) -> int:
    """Return the most per-row columns held at once (data columns not counted).

    Follows the free lists: bind runs static once; a step runs varying (values backward reads
    and the output are overwritten in place from step to step), then backward, whose
    gradient of an instruction's output is dropped once that instruction is done.
    """
    held = peak = 0
    for ins in static:
        held += rowish[ins.out]
        peak = max(peak, held)
        held -= sum(rowish[s] for s in ins.free)
    freed = {s for ins in varying for s in ins.free}
    held += sum(rowish[ins.out] for ins in varying if ins.out not in freed)
    for ins in varying:
        if ins.out in freed:
            held += rowish[ins.out]
        peak = max(peak, held)
        held -= sum(rowish[s] for s in ins.free)
    grads = {output} if rowish[output] else set()
    for ins in backward:
        grads.update(s for s, _ in ins.grads if rowish[s])
        peak = max(peak, held + len(grads))
        grads.discard(ins.out)
    return peak + TEMPORARIES
