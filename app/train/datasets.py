"""Built-in datasets, each with a program, starting parameters and settings that suit it."""

from __future__ import annotations

import csv
import math
import random
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Columns = dict[str, list[float]]


@dataclass(frozen=True)
class Dataset:
    """Named columns plus a suggested per-example loss and training settings."""

    name: str
    description: str
    columns: Columns
    expression: str
    params: dict[str, float]
    reduce: str = "mean"
    lr: float = 0.01
    steps: int = 100

    @property
    def rows(self) -> int:
        """Number of rows."""
        return len(next(iter(self.columns.values())))


def noisy_line() -> Dataset:
    """y = 7·x + N(0, 1) for x = -5.0, -4.9, ..., 4.9 from Python's random seeded 42.

    The generator first draws the starting w from uniform(-1, 1), then one Gaussian per
    row, in that order, so the rows and the starting w are those of the Scalar notebook.
    """
    rng = random.Random()
    rng.seed(42, version=2)
    w0 = rng.uniform(-1, 1)
    xs = [i * 0.1 for i in range(-50, 50)]
    ys = [7 * x + rng.gauss(mu=0, sigma=1) for x in xs]
    return Dataset(
        "noisy-line",
        "100 points of y = 7x plus Gaussian noise (Python random, seed 42); fit y ≈ w·x",
        {"x": xs, "y": ys},
        "(w*x - y)^2",
        {"w": w0},
        reduce="mean",
        lr=0.01,
        steps=100,
    )


def sine() -> Dataset:
    """sin(x) at 2,000 evenly spaced points of [-π, π], fitted by a cubic."""
    x = np.linspace(-math.pi, math.pi, 2000)
    return Dataset(
        "sin",
        "2,000 points of y = sin(x) on [-π, π]; fit a + b·x + c·x² + d·x³",
        {"x": x.tolist(), "y": np.sin(x).tolist()},
        "(a + b*x + c*x^2 + d*x^3 - y)^2",
        {"a": 0.1, "b": -0.5, "c": 0.3, "d": 0.2},
        reduce="sum",
        lr=1e-6,
        steps=2000,
    )


DATASETS: dict[str, Callable[[], Dataset]] = {"noisy-line": noisy_line, "sin": sine}


def get_dataset(name: str) -> Dataset:
    """Return the built-in dataset called name; KeyError lists the known names."""
    if name not in DATASETS:
        raise KeyError(f"unknown dataset {name!r}; known: {', '.join(DATASETS)}")
    return DATASETS[name]()


def parse_csv(text: str, max_rows: int = 100_000) -> Columns:
    """Read CSV text with a header row of names into columns of finite numbers."""
    lines = [ln for ln in text.strip().splitlines() if ln.strip()]
    if not lines:
        raise ValueError("CSV data is empty: give a header row of names, then rows")
    names = [h.strip() for h in next(csv.reader([lines[0]]))]
    for h in names:
        if not h.isidentifier() or not h.isascii():
            raise ValueError(f"CSV header: {h!r} is not a name (letters, digits, _)")
    if len(set(names)) != len(names):
        raise ValueError("CSV header: a column name is repeated")
    if len(lines) - 1 > max_rows:
        raise ValueError(f"CSV data has {len(lines) - 1} rows; the limit is {max_rows}")
    columns: Columns = {h: [] for h in names}
    for number, row in enumerate(csv.reader(lines[1:]), start=2):
        if len(row) != len(names):
            raise ValueError(f"CSV line {number}: {len(row)} fields, expected {len(names)}")
        for h, cell in zip(names, row, strict=True):
            try:
                x = float(cell)
            except ValueError:
                raise ValueError(f"CSV line {number}: {cell.strip()!r} is not a number") from None
            if not math.isfinite(x):
                raise ValueError(f"CSV line {number}: {cell.strip()!r} is not finite")
            columns[h].append(x)
    if len(lines) < 2:
        raise ValueError("CSV data has a header but no rows")
    return columns
