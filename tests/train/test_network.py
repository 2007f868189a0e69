"""The network builder and the 2-D datasets: readable programs, seeded, one-hot classes."""

from __future__ import annotations

import numpy as np
import pytest

from chainrule.build import evaluate
from chainrule.lang import parse
from chainrule.train.curves import curve_params, write_curve
from chainrule.train.datasets import DATASETS, get_dataset
from chainrule.train.network import (
    NetworkError,
    NetworkSpec,
    init_names,
    init_params,
    write_program,
)
from tests.support.budget import default_budget

PLANE = ["moons", "circles", "xor", "spirals", "blobs"]


@pytest.mark.parametrize(
    "spec",
    [
        NetworkSpec(),
        NetworkSpec(hidden=(), loss="hinge"),
        NetworkSpec(hidden=(4, 3, 2), activation="relu", classes=3, loss="softmax", l2=0.01),
        NetworkSpec(hidden=(5,), activation="sigmoid", classes=3, loss="logistic"),
        NetworkSpec(hidden=(2,), classes=2, loss="softmax"),
        NetworkSpec(inputs=1, hidden=(6,), classes=0, loss="squared"),
    ],
)
def test_the_program_reads_its_columns_and_exactly_its_parameters(spec: NetworkSpec) -> None:
    program = parse(write_program(spec))
    params = init_params(spec, seed=3)
    assert list(params) == init_names(spec)
    assert set(program.inputs) == set(params) | set(spec.columns)
    assert all(name in write_program(spec) for name in spec.outputs)
    values = {**params, **dict.fromkeys(spec.columns, 0.0)}
    values[spec.columns[-1]] = 1.0
    assert np.isfinite(evaluate(program, values, budget=default_budget()).output.data)


def test_a_neuron_is_a_user_function_per_fan_in() -> None:
    text = write_program(NetworkSpec(hidden=(8, 8)))
    assert "def neuron2(x1, x2, w1, w2, b) = tanh(w1*x1 + w2*x2 + b)" in text
    assert text.count("def neuron8(") == 1
    assert "h2_3 = neuron8(h1_1, h1_2," in text
    assert "loss = log(1 + exp(-s*out))" in text


def test_the_logistic_loss_is_log_one_plus_exp_of_minus_the_margin() -> None:
    spec = NetworkSpec(hidden=())
    params = {"wo_1": 0.5, "wo_2": -1.0, "bo": 0.25}
    built = evaluate(
        write_program(spec), {**params, "x1": 2, "x2": 1, "c0": 0, "c1": 1}, budget=default_budget()
    )
    assert built.output.data == pytest.approx(np.log1p(np.exp(-0.25)))


def test_starting_weights_are_seeded_glorot_and_biases_zero() -> None:
    spec = NetworkSpec()
    a, b, c = init_params(spec, 1), init_params(spec, 1), init_params(spec, 2)
    assert a == b and a != c
    assert all(v == 0.0 for k, v in a.items() if k.startswith("b"))
    limit = np.sqrt(6 / (2 + 8))
    assert all(abs(a[f"w1_{j}_{i}"]) <= limit for j in range(1, 9) for i in (1, 2))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"hidden": (17,)}, "1 to 16"),
        ({"hidden": (2, 2, 2, 2)}, "at most 3"),
        ({"classes": 0}, "squared"),
        ({"loss": "squared"}, "squared"),
        ({"activation": "gelu"}, "activation"),
        ({"inputs": 3}, "1 input"),
        ({"l2": -1.0}, "l2"),
    ],
)
def test_specs_that_cannot_be_written_are_refused(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(NetworkError, match=message):
        NetworkSpec(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", PLANE)
def test_plane_datasets_are_seeded_with_one_hot_classes(name: str) -> None:
    ds, again = get_dataset(name), DATASETS[name]()
    assert ds.columns == again.columns and ds.rows == 200
    hot = np.array([ds.columns[f"c{k}"] for k in range(ds.classes)])
    assert np.all(hot.sum(axis=0) == 1) and np.all(hot.sum(axis=1) >= 60)
    xy = np.array([ds.columns["x1"], ds.columns["x2"]])
    assert np.all(np.abs(xy) < 2)  # inside the live page's plane
    assert set(parse(ds.expression).inputs) == set(ds.params) | set(ds.columns)


def test_xor_labels_are_the_sign_of_the_product() -> None:
    ds = get_dataset("xor")
    x1, x2, c1 = (np.array(ds.columns[k]) for k in ("x1", "x2", "c1"))
    assert np.array_equal(c1 == 1, x1 * x2 < 0)


@pytest.mark.parametrize(("name", "coefficients"), [("line", ["w"]), ("cubic", list("abcd"))])
def test_the_seeds_curves_read_x_and_y_and_exactly_their_coefficients(
    name: str, coefficients: list[str]
) -> None:
    program = parse(write_curve(name))
    params = curve_params(name, seed=5)
    assert list(params) == coefficients
    assert all(-1 <= v <= 1 for v in params.values())
    assert curve_params(name, seed=5) == params != curve_params(name, seed=6)
    assert set(program.inputs) == {*coefficients, "x", "y"}
    x, y = 0.5, 2.0
    values = {**params, "x": x, "y": y}
    pred = sum(params[c] * x**k for k, c in enumerate(coefficients, start=name == "line"))
    assert evaluate(program, values, budget=default_budget()).output.data == pytest.approx(
        (pred - y) ** 2
    )


def test_the_line_has_no_bias_as_in_the_seed() -> None:
    assert "pred = w*x\n" in write_curve("line")
    assert "pred = a + b*x + c*x^2 + d*x^3\n" in write_curve("cubic")
