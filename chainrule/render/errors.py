"""Why a drawing failed; values and gradients are never affected by any of these."""

from __future__ import annotations

from chainrule.budget import DRAW, BudgetExceeded


class RenderError(Exception):
    """Drawing failed (dot missing or failing); values and gradients are unaffected."""


class GraphTooLarge(RenderError, BudgetExceeded):
    """The drawing has more nodes than the DRAW budget allows (checked before any work)."""

    def __init__(self, needed: float, limit: float) -> None:
        BudgetExceeded.__init__(self, DRAW, needed, limit, "drawing")
        self.args = (
            f"the graph has {needed:.0f} nodes; drawing is limited to {limit:.0f} "
            f"(values and gradients are still computed; setting {self.setting})",
        )


class RenderTimeout(RenderError):
    """dot took longer than the time limit and was stopped."""


class RenderBusy(RenderError):
    """Every drawing worker is busy and the wait queue is full: try again later (503)."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            f"the server is busy drawing other graphs; try again in {retry_after} s "
            "(values and gradients are still computed)"
        )
        self.retry_after = retry_after
