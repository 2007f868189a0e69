"""How to train: the settings of a run (TrainConfig) and the optimizers gd, momentum, adam."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

OPTIMIZERS = ("gd", "momentum", "adam")
MOMENTS = {"gd": (), "momentum": ("m",), "adam": ("m", "v")}  # the state each one carries
REDUCTIONS = ("mean", "sum")


class TrainingError(ValueError):
    """A training request that cannot run (bad columns, bad settings)."""


@dataclass(frozen=True)
class TrainConfig:
    """How to train: reduction, optimizer and its settings, steps, what to record."""

    reduce: str = "mean"
    optimizer: str = "gd"
    lr: float = 0.01
    steps: int = 100
    record_every: int = 1
    momentum: float = 0.9
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8

    def __post_init__(self) -> None:
        if self.reduce not in REDUCTIONS:
            raise TrainingError(f"reduce must be one of {', '.join(REDUCTIONS)}")
        if self.optimizer not in OPTIMIZERS:
            raise TrainingError(f"optimizer must be one of {', '.join(OPTIMIZERS)}")
        if not (math.isfinite(self.lr) and self.lr > 0):
            raise TrainingError("lr must be a positive finite number")
        if self.steps < 0 or self.record_every < 1:
            raise TrainingError("steps must be >= 0 and record_every >= 1")


class Optimizer:
    """The state of one run's optimizer (momentum and Adam's moments); step() updates theta.

    state() is what a client sends back to resume a run exactly where it was (stateless:
    any replica can continue it); a state of another optimizer is ignored (fresh start),
    and a parameter it does not name (added to the program meanwhile) starts from 0.
    """

    def __init__(
        self, config: TrainConfig, names: Sequence[str], state: Mapping[str, Any] | None = None
    ) -> None:
        self.c = config
        self.t = 0
        self.m = dict.fromkeys(names, 0.0)
        self.v = dict.fromkeys(names, 0.0)
        if state is not None and state.get("optimizer") == config.optimizer:
            self._load(state, names)

    def _load(self, state: Mapping[str, Any], names: Sequence[str]) -> None:
        t = state.get("t", 0)
        if not isinstance(t, int) or isinstance(t, bool) or t < 0:
            raise TrainingError("state.t must be a whole number >= 0")
        self.t = t
        for key in MOMENTS[self.c.optimizer]:
            given = state.get(key) or {}
            if not isinstance(given, Mapping):
                raise TrainingError(f"state.{key} must map parameters to numbers")
            for k in names:  # a parameter the state does not name (a new one) starts at 0
                x = given.get(k, 0.0)
                if not isinstance(x, int | float) or not math.isfinite(x):
                    raise TrainingError(f"state.{key}.{k} must be a finite number")
                getattr(self, key)[k] = float(x)

    def state(self) -> dict[str, Any]:
        """Return the optimizer's state as JSON-ready data (what resume() needs)."""
        out: dict[str, Any] = {"optimizer": self.c.optimizer, "t": self.t}
        for key in MOMENTS[self.c.optimizer]:
            out[key] = dict(getattr(self, key))
        return out

    def step(self, theta: dict[str, float], grads: Mapping[str, float]) -> None:
        """Move theta one step against grads."""
        c = self.c
        self.t += 1
        for k, g in grads.items():
            if c.optimizer == "gd":
                theta[k] -= c.lr * g
            elif c.optimizer == "momentum":
                self.m[k] = c.momentum * self.m[k] + g
                theta[k] -= c.lr * self.m[k]
            else:
                self.m[k] = c.beta1 * self.m[k] + (1 - c.beta1) * g
                self.v[k] = c.beta2 * self.v[k] + (1 - c.beta2) * g * g
                m_hat = self.m[k] / (1 - c.beta1**self.t)
                v_hat = self.v[k] / (1 - c.beta2**self.t)
                theta[k] -= c.lr * m_hat / (math.sqrt(v_hat) + c.eps)
