"""One request's work budget: estimated before the work, charged by the layer doing it.

Every entry point makes one `Budget` per request (the web's dependencies, app/deps.py;
the CLI's commands; the notebook's API) and hands it down; each layer that does work
(build, graph export, grading, tape, render) takes it as a required parameter, estimates
what it is about to do with `need()` before starting and records what it did with
`charge()`. No layer makes a budget of its own (tests/test_budget.py).
Stdlib only: every layer may import it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import NamedTuple


class Resource(NamedTuple):
    """One budgeted resource: its limit's field name, its unit and what it counts."""

    key: str
    unit: str
    what: str


NODES = Resource("nodes", "nodes", "the nodes of every build of the program")
REBUILDS = Resource("rebuilds", "builds", "builds of the program (grading's random points)")
TAPE = Resource("tape_work", "cell-steps", "rows × steps × tape length in training")
BYTES = Resource("bytes", "bytes", "the memory held by the request's arrays")
DRAW = Resource("draw_nodes", "nodes", "the nodes of one drawing")
DOT = Resource("dot_seconds", "s", "the time `dot` takes to lay out one drawing")
PIXELS = Resource("draw_pixels", "pixels", "the pixels of one bitmap (PNG) drawing")
WALL = Resource("wall_seconds", "s", "the wall-clock time of one request")


@dataclass(frozen=True)
class BudgetLimits:
    """The ceilings of one request (settings CHAINRULE_BUDGET_<FIELD>)."""

    nodes: int = 1_000_000
    rebuilds: int = 2_000
    tape_work: int = 400_000_000
    bytes: int = 160 * 1024 * 1024
    draw_nodes: int = 3_000
    dot_seconds: float = 4.0
    wall_seconds: float = 4.0
    draw_pixels: int = 16_000_000  # a PNG is drawn at a lower scale rather than larger

    def __post_init__(self) -> None:
        for f in fields(self):
            if getattr(self, f.name) <= 0:
                raise ValueError(f"budget {f.name} must be positive")


def budget_limits_from_env(environ: Mapping[str, str]) -> BudgetLimits:
    """Return the budget the CHAINRULE_BUDGET_<FIELD> variables of environ set (the
    service's settings read the same names); unset fields keep their defaults."""
    found: dict[str, float] = {}
    for f in fields(BudgetLimits):
        text = environ.get(f"CHAINRULE_BUDGET_{f.name.upper()}")
        if text is not None:
            kind = float if f.type in (float, "float") else int
            try:
                found[f.name] = kind(text)
            except ValueError:
                raise ValueError(
                    f"CHAINRULE_BUDGET_{f.name.upper()}={text!r} is not {kind.__name__}"
                ) from None
    return BudgetLimits(**found)  # type: ignore[arg-type]


DEFAULT_BUDGET_LIMITS = BudgetLimits()
# Not a request's budget but each `dot` child's: the address space it may map (RLIMIT_AS),
# so a drawing cannot take more memory than this whatever it is (setting RENDER_DOT_MEMORY).
DOT_MEMORY = 512 * 1024 * 1024


def _amount(x: float, unit: str) -> str:
    if unit == "s":
        return f"{x:.3g} s"
    return f"{x:,.0f} {unit}"


class BudgetExceeded(Exception):
    """A request needs more of one resource than its budget allows (an HTTP 422)."""

    def __init__(self, resource: Resource, needed: float, limit: float, context: str = "") -> None:
        self.resource = resource
        self.needed = needed
        self.limit = limit
        self.setting = f"CHAINRULE_BUDGET_{resource.key.upper()}"
        where = f" ({context})" if context else ""
        super().__init__(
            f"over the {resource.key} budget{where}: needs {_amount(needed, resource.unit)}; "
            f"the limit is {_amount(limit, resource.unit)}, counting {resource.what} "
            f"(setting {self.setting})"
        )


class Budget:
    """What one request may still spend; layers call need() before work and charge() after."""

    def __init__(
        self,
        limits: BudgetLimits = DEFAULT_BUDGET_LIMITS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limits = limits
        self.clock = clock
        self.used: dict[str, float] = {}  # by resource key
        self.started = clock()

    def limit(self, resource: Resource) -> float:
        """Return the ceiling of resource."""
        value: float = getattr(self.limits, resource.key)
        return value

    def left(self, resource: Resource) -> float:
        """Return how much of resource is still available."""
        return self.limit(resource) - self.used.get(resource.key, 0.0)

    def need(self, resource: Resource, amount: float, context: str = "") -> None:
        """Raise BudgetExceeded if amount more of resource would go over (charges nothing)."""
        if amount > self.left(resource):
            raise BudgetExceeded(
                resource, self.used.get(resource.key, 0.0) + amount, self.limit(resource), context
            )

    def charge(self, resource: Resource, amount: float = 1.0, context: str = "") -> None:
        """Record amount of resource as spent; raise BudgetExceeded once it is over."""
        self.need(resource, amount, context)
        self.used[resource.key] = self.used.get(resource.key, 0.0) + amount

    def elapsed(self) -> float:
        """Return the seconds since the request started."""
        return self.clock() - self.started

    def seconds_left(self) -> float:
        """Return the wall-clock seconds this request may still run."""
        return self.limits.wall_seconds - self.elapsed()

    def check_time(self, context: str = "") -> None:
        """Raise BudgetExceeded if the request has run past its wall-clock budget."""
        if self.seconds_left() < 0:
            raise BudgetExceeded(WALL, self.elapsed(), self.limits.wall_seconds, context)

    def dot_timeout(self) -> float:
        """Return how long `dot` may run now: its own budget, within the wall-clock left."""
        return max(0.05, min(self.limits.dot_seconds, self.seconds_left()))
