"""Limits on what a program may ask for, checked before any computing."""

from __future__ import annotations

from dataclasses import dataclass

# The parser recurses once or twice per nesting level; keep the ceiling well below
# Python's default recursion limit of 1,000 frames.
MAX_CONFIGURABLE_DEPTH = 300


@dataclass(frozen=True)
class Limits:
    """Ceilings on source length, nesting depth, node count and constant exponents."""

    max_length: int = 20_000
    max_depth: int = 200
    max_nodes: int = 50_000
    max_exponent: float = 1_000.0
    max_call_depth: int = 32
    max_name_length: int = 64

    def __post_init__(self) -> None:
        if not 1 <= self.max_depth <= MAX_CONFIGURABLE_DEPTH:
            raise ValueError(f"max_depth must be between 1 and {MAX_CONFIGURABLE_DEPTH}")
        counts = (self.max_length, self.max_nodes, self.max_call_depth, self.max_name_length)
        if min(counts) < 1 or self.max_exponent <= 0:
            raise ValueError("limits must be positive")


DEFAULT_LIMITS = Limits()
