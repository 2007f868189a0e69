"""Budgets for tests: below the entry points every layer takes the request's budget as a
required parameter, so a test calling a layer hands it one."""

from __future__ import annotations

from dataclasses import replace

from chainrule.budget import DEFAULT_BUDGET_LIMITS, Budget


def default_budget() -> Budget:
    """Return a fresh budget at the default limits: one request's, as an entry point makes it."""
    return Budget()


def unhurried() -> Budget:
    """Return a budget at the default limits but for time: a minute for `dot` and for the
    request, so that a Renderer's own timeout governs (as it did when given no budget)."""
    return Budget(replace(DEFAULT_BUDGET_LIMITS, dot_seconds=60.0, wall_seconds=60.0))
