"""Built-in datasets, each with a program, starting parameters and settings that suit it.

The seeds' 1-D fits (a noisy line, sin(x)) and seeded 2-D classification sets for the
live page (moons, circles, XOR, spirals, blobs), each with the builder's default network.
"""

from __future__ import annotations

import csv
import io
import math
import random
import re
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from chainrule.lang.numbers import NUMBER, underflows
from chainrule.train.bounds import DEFAULT_BOUNDS
from chainrule.train.network import NetworkSpec, init_params, write_program

if TYPE_CHECKING:  # (imported where used: NumPy loads with a built-in dataset)
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
    classes: int = 0  # 0: regression; else one-hot columns c0, c1, ... beside x1, x2

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
    import numpy as np

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


PLANE_ROWS = 200
PLANE_SEED = 7


def _plane(name: str, description: str, x: np.ndarray, labels: np.ndarray) -> Dataset:
    """A 2-D classification set: columns x1, x2 and one-hot c0..c{k-1}; the default network."""
    import numpy as np

    k = int(labels.max()) + 1
    spec = NetworkSpec(classes=k, loss="logistic" if k == 2 else "softmax")
    columns: Columns = {"x1": np.round(x[:, 0], 4).tolist(), "x2": np.round(x[:, 1], 4).tolist()}
    for c in range(k):
        columns[f"c{c}"] = (labels == c).astype(float).tolist()
    return Dataset(
        name, description, columns, write_program(spec), init_params(spec), "mean", 0.1, 500, k
    )


def moons(n: int = PLANE_ROWS, seed: int = PLANE_SEED) -> Dataset:
    """Two interleaved half circles with Gaussian noise (0.1), shifted to centre 0."""
    import numpy as np

    rng = np.random.default_rng(seed)
    half = n // 2
    t = rng.uniform(0, math.pi, n)
    upper = np.arange(n) < half
    x = np.where(upper, np.cos(t), 1 - np.cos(t)) - 0.5
    y = np.where(upper, np.sin(t), 0.5 - np.sin(t)) - 0.25
    pts = np.stack([x, y], axis=1) * 1.2 + rng.normal(0, 0.1, (n, 2))
    return _plane("moons", f"{n} points of two interleaved half moons", pts, (~upper).astype(int))


def circles(n: int = PLANE_ROWS, seed: int = PLANE_SEED) -> Dataset:
    """A disc of one class inside a ring of the other."""
    import numpy as np

    rng = np.random.default_rng(seed)
    labels = (np.arange(n) >= n // 2).astype(int)
    r = np.where(labels == 0, rng.uniform(0, 0.6, n), rng.uniform(1.0, 1.5, n))
    t = rng.uniform(0, 2 * math.pi, n)
    pts = np.stack([r * np.cos(t), r * np.sin(t)], axis=1)
    return _plane("circles", f"{n} points: a disc inside a ring", pts, labels)


def xor(n: int = PLANE_ROWS, seed: int = PLANE_SEED) -> Dataset:
    """Points in the four quadrants; the class is whether x1 and x2 have the same sign."""
    import numpy as np

    rng = np.random.default_rng(seed)
    pts = rng.uniform(-1.5, 1.5, (n, 2))
    pts += np.sign(pts) * 0.1  # a gap along the axes
    labels = (pts[:, 0] * pts[:, 1] < 0).astype(int)
    return _plane("xor", f"{n} points of the XOR pattern (the sign of x1·x2)", pts, labels)


def spirals(n: int = PLANE_ROWS, seed: int = PLANE_SEED, k: int = 3) -> Dataset:
    """Three interleaved spiral arms, one class each."""
    import numpy as np

    rng = np.random.default_rng(seed)
    labels = np.arange(n) % k
    r = rng.uniform(0.1, 1.5, n)
    t = labels * 2 * math.pi / k + r * 2.6 + rng.normal(0, 0.12, n)
    pts = np.stack([r * np.cos(t), r * np.sin(t)], axis=1)
    return _plane("spirals", f"{n} points on three spiral arms (3 classes)", pts, labels)


def blobs(n: int = PLANE_ROWS, seed: int = PLANE_SEED, k: int = 3) -> Dataset:
    """Three Gaussian clusters, one class each."""
    import numpy as np

    rng = np.random.default_rng(seed)
    labels = np.arange(n) % k
    angle = labels * 2 * math.pi / k + math.pi / 2
    centres = np.stack([np.cos(angle), np.sin(angle)], axis=1) * 0.9
    pts = centres + rng.normal(0, 0.35, (n, 2))
    return _plane("blobs", f"{n} points in three Gaussian blobs (3 classes)", pts, labels)


DATASETS: dict[str, Callable[[], Dataset]] = {
    "noisy-line": noisy_line,
    "sin": sine,
    "moons": moons,
    "circles": circles,
    "xor": xor,
    "spirals": spirals,
    "blobs": blobs,
}


def get_dataset(name: str) -> Dataset:
    """Return the built-in dataset called name; KeyError lists the known names."""
    if name not in DATASETS:
        raise KeyError(f"unknown dataset {name!r}; known: {', '.join(DATASETS)}")
    return DATASETS[name]()


class CsvError(ValueError):
    """CSV text that is not a table of numbers: the message, and the line and column at fault."""

    def __init__(self, message: str, line: int | None = None, column: str | None = None) -> None:
        super().__init__(message)
        self.line = line
        self.column = column


def parse_csv(
    text: str,
    max_rows: int = DEFAULT_BOUNDS.max_rows,
    max_columns: int = DEFAULT_BOUNDS.max_columns,
) -> dict[str, Sequence[float]]:
    """Read CSV text with a header row of names into columns of finite numbers (at most
    max_columns, counted on the header's text before anything is split).

    Every refusal is a CsvError naming the line (and the column) where it is. Numbers
    are plain decimals (digits, one point, an exponent): no '_', 'inf', 'nan' or other
    scripts' digits. Rows are read a chunk at a time into 8-byte floats.
    """
    start = len(text) - len(text.lstrip())
    end = text.find("\n", start)
    fields = text.count(",", start, len(text) if end < 0 else end) + 1  # names have no commas
    if fields > max_columns:
        raise CsvError(f"CSV header: {fields:,} columns; the limit is {max_columns:,}", 1)
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff")))
    names: list[str] | None = None
    columns: list[array[float]] = []
    chunk: list[list[str]] = []
    lines: list[int] = []
    count = 0
    try:
        for row in reader:
            if len(row) <= 1 and not "".join(row).strip():
                continue  # a blank line
            if names is None:
                names = _header(row, reader.line_num)
                columns = [array("d") for _ in names]
                continue
            count += 1
            if count > max_rows:
                raise CsvError(
                    f"CSV line {reader.line_num}: more than {max_rows:,} rows;"
                    f" the limit is {max_rows}",
                    reader.line_num,
                )
            if len(row) != len(names):
                raise CsvError(
                    f"CSV line {reader.line_num}: {len(row)} fields, expected {len(names)}",
                    reader.line_num,
                )
            chunk.append(row)
            lines.append(reader.line_num)
            if len(chunk) == _CHUNK:
                _append(names, columns, chunk, lines)
    except csv.Error as exc:
        raise CsvError(f"CSV line {reader.line_num}: {exc}", reader.line_num) from None
    if names is None:
        raise CsvError("CSV data is empty: give a header row of names, then rows")
    _append(names, columns, chunk, lines)
    if not columns[0]:
        raise CsvError("CSV data has a header but no rows")
    return dict(zip(names, columns, strict=True))


_CHUNK = 4096  # rows held as text at a time
_NUMBER = re.compile(rf"\s*{NUMBER}\s*", re.ASCII)  # the language's one number syntax


def _append(
    names: list[str], columns: list[array[float]], chunk: list[list[str]], lines: list[int]
) -> None:
    """Check and convert a chunk of rows onto the columns; empty the chunk."""
    for j, (name, col) in enumerate(zip(names, columns, strict=True)):
        cells = [row[j] for row in chunk]
        if not all(map(_NUMBER.fullmatch, cells)):
            i = next(i for i, c in enumerate(cells) if not _NUMBER.fullmatch(c))
            where = f"CSV line {lines[i]}, column {name!r}"
            raise CsvError(f"{where}: {_quote(cells[i].strip())} is not a number", lines[i], name)
        values = array("d", map(float, cells))
        if not all(map(math.isfinite, values)):
            i = next(i for i, x in enumerate(values) if not math.isfinite(x))
            where = f"CSV line {lines[i]}, column {name!r}"
            raise CsvError(f"{where}: {_quote(cells[i].strip())} is not finite", lines[i], name)
        if 0.0 in values:  # rare: only then look for a tiny number read as 0 (1e-400)
            tiny = [i for i, x in enumerate(values) if underflows(cells[i], x)]
            if tiny:
                where = f"CSV line {lines[tiny[0]]}, column {name!r}"
                cell = _quote(cells[tiny[0]].strip())
                message = f"{where}: {cell} is too small for a float: it would be 0"
                raise CsvError(message, lines[tiny[0]], name)
        col.extend(values)
    chunk.clear()
    lines.clear()


def _header(row: list[str], line: int) -> list[str]:
    names = [h.strip() for h in row]
    for h in names:
        if not h.isidentifier() or not h.isascii():
            raise CsvError(f"CSV header: {_quote(h)} is not a name (letters, digits, _)", line, h)
    if len(set(names)) != len(names):
        raise CsvError("CSV header: a column name is repeated", line)
    return names


def _quote(text: str, most: int = 40) -> str:
    """Return text quoted for a message, shortened if long."""
    if len(text) <= most:
        return repr(text)
    return f"{text[:most]!r}… ({len(text):,} characters)"
