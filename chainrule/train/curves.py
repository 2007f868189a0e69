"""The seeds' curve fits as readable programs: a line through 0 (y ≈ w·x) and a cubic.

The live page offers them beside the network builder for 1-D regression: the program is
the model line `pred = ...` and the squared error of one example; the starting
coefficients are seeded (uniform on [-1, 1], 4 digits), as the seeds draw theirs.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Curve:
    """A named 1-D model: its comment, its prediction and its coefficients in order."""

    title: str
    pred: str
    coefficients: tuple[str, ...]


CURVES: dict[str, Curve] = {
    "line": Curve("A line through 0 (no bias)", "w*x", ("w",)),
    "cubic": Curve("A cubic polynomial", "a + b*x + c*x^2 + d*x^3", ("a", "b", "c", "d")),
}
CURVE_COLUMNS = ["x", "y"]
CURVE_OUTPUTS = ["pred"]


def write_curve(name: str) -> str:
    """Return the program of the curve model called name (KeyError if there is none)."""
    curve = CURVES[name]
    return (
        "\n".join(
            [
                f"# {curve.title}; squared error (regression).",
                f"pred = {curve.pred}",
                "# loss of one example",
                "loss = (pred - y)^2",
            ]
        )
        + "\n"
    )


def curve_params(name: str, seed: int = 0) -> dict[str, float]:
    """Return seeded starting coefficients: uniform on [-1, 1], rounded to 4 digits."""
    names = CURVES[name].coefficients
    import numpy as np  # (here: a process that never trains does not load it)

    values = np.random.default_rng(seed).uniform(-1, 1, len(names))
    return {n: round(float(v), 4) for n, v in zip(names, values, strict=True)}
