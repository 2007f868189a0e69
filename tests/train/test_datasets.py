"""Built-in datasets and CSV data."""

from __future__ import annotations

import math

import pytest

from chainrule.lang import parse
from chainrule.train.datasets import DATASETS, get_dataset, parse_csv


def test_sin_is_2000_points_on_minus_pi_to_pi() -> None:
    ds = get_dataset("sin")
    x, y = ds.columns["x"], ds.columns["y"]
    assert len(x) == len(y) == 2000 == ds.rows
    assert (x[0], x[-1]) == (-math.pi, math.pi)
    assert y[500] == math.sin(x[500])
    assert (ds.reduce, ds.lr, ds.steps) == ("sum", 1e-6, 2000)


def test_noisy_line_has_100_rows_from_minus_5_to_4_9() -> None:
    ds = get_dataset("noisy-line")
    assert ds.rows == 100 and ds.columns["x"][0] == -5.0 and ds.columns["x"][-1] == 4.9
    assert (ds.reduce, ds.lr, ds.steps) == ("mean", 0.01, 100)


@pytest.mark.parametrize("name", list(DATASETS))
def test_each_dataset_program_uses_exactly_its_params_and_columns(name: str) -> None:
    ds = get_dataset(name)
    assert set(parse(ds.expression).inputs) == set(ds.params) | set(ds.columns)


def test_unknown_dataset_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match="noisy-line, sin"):
        get_dataset("iris")


def columns(text: str) -> dict[str, list[float]]:
    return {name: list(col) for name, col in parse_csv(text).items()}


def test_csv_with_header_row() -> None:
    assert columns("x, y\n1,2\n 3 ,4.5\n\n") == {"x": [1.0, 3.0], "y": [2.0, 4.5]}


def test_csv_numbers_are_plain_decimals() -> None:
    assert columns("\ufeffx\n-1.5e3\n+.5\n7.\n") == {"x": [-1500.0, 0.5, 7.0]}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("x,y\n", "no rows"),
        ("x,1y\n1,2\n", "not a name"),
        ("x,x\n1,2\n", "repeated"),
        ("x,y\n1,2\n3\n", "line 3: 1 fields, expected 2"),
        ("x,y\n1,two\n", "line 2, column 'y': 'two' is not a number"),
        ("x\n\n1\ninf\n", "line 4, column 'x': 'inf' is not a number"),
        ("x\n1e400\n", "line 2, column 'x': '1e400' is not finite"),
        ("x\n1_000\n", "line 2, column 'x': '1_000' is not a number"),
        ("x\n\u0661\n", "not a number"),  # an Arabic-Indic digit one: float() takes it
        ("x\nnan\n", "not a number"),
        ('x\n"1\n2"\n', "line 3, column 'x'.*not a number"),
        ("x\n1\x00\n", "line 2"),
        ("x,y\n1," + "9" * 200_000 + "\n", "line 2: field larger than field limit"),
        ("x\n" + "9" * 100_000 + "\n", r"'9999.*… \(100,000 characters\) is not finite"),
    ],
)
def test_bad_csv_says_where(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_csv(text)


def test_csv_row_limit() -> None:
    with pytest.raises(ValueError, match="limit is 2"):
        parse_csv("x\n1\n2\n3\n", max_rows=2)
