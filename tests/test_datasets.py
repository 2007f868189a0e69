"""Built-in datasets and CSV data."""

from __future__ import annotations

import math

import pytest

from app.lang import parse
from app.train.datasets import DATASETS, get_dataset, parse_csv


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


def test_csv_with_header_row() -> None:
    assert parse_csv("x, y\n1,2\n 3 ,4.5\n\n") == {"x": [1.0, 3.0], "y": [2.0, 4.5]}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("x,y\n", "no rows"),
        ("x,1y\n1,2\n", "not a name"),
        ("x,x\n1,2\n", "repeated"),
        ("x,y\n1,2\n3\n", "line 3: 1 fields, expected 2"),
        ("x,y\n1,two\n", "line 2: 'two' is not a number"),
        ("x\ninf\n", "not finite"),
    ],
)
def test_bad_csv_says_where(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_csv(text)


def test_csv_row_limit() -> None:
    with pytest.raises(ValueError, match="limit is 2"):
        parse_csv("x\n1\n2\n3\n", max_rows=2)
