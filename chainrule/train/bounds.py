"""The ceilings on one training run's shape, beyond the work budget (stdlib only, so the
settings read their defaults without loading NumPy)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Bounds:
    """Ceilings on one run's shape: rows, steps and history entries (work is the budget's)
    (settings CHAINRULE_OPTIMIZE_<FIELD>)."""

    max_rows: int = 100_000
    max_steps: int = 100_000
    max_history: int = 10_000  # recorded history points
    max_params: int = 1_000  # parameters of one run (the work budget bounds the rest)
    max_columns: int = 1_000  # data columns given, used or not (each is objects to hold)


@dataclass(frozen=True)
class LiveBounds:
    """Ceilings of one streamed request beyond the run's: snapshots and grid points
    (settings CHAINRULE_LIVE_<FIELD>)."""

    max_snapshots: int = 2_000
    max_grid: int = 4_096


DEFAULT_BOUNDS = Bounds()
DEFAULT_LIVE_BOUNDS = LiveBounds()
