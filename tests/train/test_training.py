"""Training reproduces the seeds' runs, and gd / momentum / adam do what they say."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from chainrule.budget import Budget, BudgetExceeded, BudgetLimits
from chainrule.build import MissingValuesError
from chainrule.lang import parse
from chainrule.train.datasets import noisy_line, sine
from chainrule.train.loop import TrainingProblem, prepare, train
from chainrule.train.optimizer import TrainConfig, TrainingError
from tests.support.budget import default_budget

SEED_PRINTED_W = 6.984187710500422  # the Scalar notebook's w after 100 epochs


def seed_data() -> tuple[float, list[float], list[float]]:
    """The Scalar notebook's draws, in its order: w from uniform(-1, 1), then one gauss per x."""
    random.seed(a=42, version=2)
    w = random.uniform(-1, 1)
    xs = [i * 0.1 for i in range(-50, 50)]
    ys = [7 * x + random.gauss(mu=0, sigma=1) for x in xs]
    return w, xs, ys


def plain_float_gd(w: float, xs: list[float], ys: list[float], lr: float, epochs: int) -> float:
    """Full-batch gradient descent on the mean squared error, one update per epoch."""
    n = len(xs)
    for _ in range(epochs):
        w -= lr * sum(2 * (w * x - y) * x for x, y in zip(xs, ys, strict=True)) / n
    return w


def noisy_line_problem() -> TrainingProblem:
    ds = noisy_line()
    return prepare(parse("(w*x - y)^2"), ds.params, ds.columns, budget=default_budget())


def test_noisy_line_dataset_is_the_seed_data() -> None:
    w, xs, ys = seed_data()
    ds = noisy_line()
    assert ds.params == {"w": w} and w == 0.2788535969157675
    assert ds.columns == {"x": xs, "y": ys}
    assert ys[0] == -34.207855259050206  # the notebook shows this first y


def test_scalar_regression_at_lr_001_matches_a_correct_full_batch_loop() -> None:
    w0, xs, ys = seed_data()
    result = train(
        noisy_line_problem(),
        TrainConfig(reduce="mean", lr=0.01, steps=100),
        budget=default_budget(),
    )
    want = plain_float_gd(w0, xs, ys, 0.01, 100)
    assert result.params["w"] == pytest.approx(want, rel=1e-12)
    # Not the notebook's printed number: its backward counts error*error's gradient twice.
    assert abs(result.params["w"] - SEED_PRINTED_W) > 1e-8


def test_the_notebooks_printed_w_is_a_correct_engine_at_twice_the_lr() -> None:
    _, xs, ys = seed_data()
    least_squares = sum(x * y for x, y in zip(xs, ys, strict=True)) / sum(x * x for x in xs)
    result = train(
        noisy_line_problem(),
        TrainConfig(reduce="mean", lr=0.02, steps=100),
        budget=default_budget(),
    )
    assert result.params["w"] == pytest.approx(SEED_PRINTED_W, rel=1e-12)
    assert result.params["w"] == pytest.approx(least_squares, rel=1e-12)


def numpy_cubic_fit(p: dict[str, float], steps: int, lr: float) -> dict[str, float]:
    """The sin(x) seed's loop: hand-written gradients of the summed squared error."""
    x = np.linspace(-math.pi, math.pi, 2000)
    y = np.sin(x)
    a, b, c, d = p["a"], p["b"], p["c"], p["d"]
    for _ in range(steps):
        y_pred = a + b * x + c * x**2 + d * x**3
        grad_y_pred = 2.0 * (y_pred - y)
        a -= lr * grad_y_pred.sum()
        b -= lr * (grad_y_pred * x).sum()
        c -= lr * (grad_y_pred * x**2).sum()
        d -= lr * (grad_y_pred * x**3).sum()
    return {"a": a, "b": b, "c": c, "d": d}


def test_cubic_fit_of_sin_matches_the_numpy_seed_loop() -> None:
    ds = sine()
    init = {"a": -0.4, "b": 0.9, "c": 1.2, "d": -0.7}
    problem = prepare(parse(ds.expression), init, ds.columns, budget=default_budget())
    result = train(
        problem,
        TrainConfig(reduce="sum", lr=1e-6, steps=2000, record_every=100),
        budget=default_budget(),
    )
    want = numpy_cubic_fit(init, 2000, 1e-6)
    for k in "abcd":
        assert result.params[k] == pytest.approx(want[k], rel=1e-9), k
    assert result.history["step"][:3] == [0, 100, 200] and result.history["step"][-1] == 2000
    assert result.history["loss"][-1] < result.history["loss"][0] / 10


def test_history_records_params_before_each_recorded_update() -> None:
    problem = prepare(parse("(w - 3)^2"), {"w": 0.0}, {}, budget=default_budget())
    result = train(problem, TrainConfig(lr=0.25, steps=3), budget=default_budget())
    # w ← w − 0.25·2(w − 3) halves the distance to 3 each step.
    assert result.history == {
        "step": [0, 1, 2, 3],
        "loss": [9.0, 2.25, 0.5625, 0.140625],
        "w": [0.0, 1.5, 2.25, 2.625],
    }
    assert result.params == {"w": 2.625} and result.loss == 0.140625


@pytest.mark.parametrize("optimizer", ["momentum", "adam"])
def test_momentum_and_adam_reach_the_minimum(optimizer: str) -> None:
    problem = prepare(
        parse("(w*x + b - y)^2"),
        {"w": 0.0, "b": 0.0},
        {"x": [0.0, 1.0, 2.0, 3.0], "y": [1.0, 3.0, 5.0, 7.0]},
        budget=default_budget(),
    )
    lr = 0.05 if optimizer == "momentum" else 0.1
    result = train(
        problem, TrainConfig(optimizer=optimizer, lr=lr, steps=2000), budget=default_budget()
    )
    assert result.params["w"] == pytest.approx(2.0, abs=1e-6)
    assert result.params["b"] == pytest.approx(1.0, abs=1e-6)


def test_adam_first_step_moves_each_param_by_lr() -> None:
    problem = prepare(parse("100*u + 0.001*v"), {"u": 0.0, "v": 0.0}, {}, budget=default_budget())
    result = train(problem, TrainConfig(optimizer="adam", lr=0.1, steps=1), budget=default_budget())
    assert result.history["u"] == [0.0, pytest.approx(-0.1)]
    assert result.history["v"] == [0.0, pytest.approx(-0.1, rel=1e-4)]


def test_divergence_stops_early_with_the_last_finite_state() -> None:
    problem = prepare(
        parse("(w*x - y)^2"),
        {"w": 0.0},
        {"x": [1.0, 2.0], "y": [1.0, 2.0]},
        budget=default_budget(),
    )
    result = train(problem, TrainConfig(lr=10.0, steps=10_000), budget=default_budget())
    assert result.diverged and result.message is not None
    assert "became inf" in result.message and "smaller lr" in result.message
    assert result.steps_run < 200
    assert all(math.isfinite(v) for v in result.history["loss"])
    assert result.history["step"][-1] == result.steps_run - 1
    assert math.isfinite(result.loss) and result.params["w"] == result.history["w"][-1]


def test_a_domain_error_mid_run_counts_as_divergence() -> None:
    problem = prepare(parse("log(w)"), {"w": 1.0}, {}, budget=default_budget())
    result = train(
        problem, TrainConfig(lr=2.0, steps=5), budget=default_budget()
    )  # w: 1 → −1, log undefined
    assert result.diverged and "nan" in (result.message or "")


def test_every_input_must_be_a_param_or_a_column() -> None:
    with pytest.raises(MissingValuesError) as info:
        prepare(parse("(w*x + b - y)^2"), {"w": 0.0}, {"x": [1.0]}, budget=default_budget())
    assert info.value.missing == ["b", "y"]


def test_unused_columns_and_params_are_warnings() -> None:
    problem = prepare(
        parse("(w*x)^2"), {"w": 1.0, "v": 2.0}, {"x": [1.0], "z": [0.0]}, budget=default_budget()
    )
    assert problem.warnings == [
        "column 'z' is not used by the program",
        "parameter 'v' is not used by the program",
    ]


@pytest.mark.parametrize(
    ("params", "data", "message"),
    [
        ({"w": 0.0}, {"x": [1.0, 2.0], "w": [1.0, 2.0]}, "both as parameters and as columns"),
        ({"w": 0.0}, {"x": [1.0, 2.0], "y": [1.0]}, "same length"),
        ({"w": 0.0}, {"x": [1.0, math.nan], "y": [1.0, 2.0]}, "finite"),
    ],
)
def test_bad_data_is_refused(
    params: dict[str, float], data: dict[str, list[float]], message: str
) -> None:
    with pytest.raises(TrainingError, match=message):
        prepare(parse("(w*x - y)^2"), params, data, budget=default_budget())


def test_the_wall_clock_budget_stops_a_long_run() -> None:
    problem = prepare(
        parse("(w*x - y)^2"),
        {"w": 0.0},
        {"x": [1.0] * 10, "y": [2.0] * 10},
        budget=default_budget(),
    )
    budget = Budget(BudgetLimits(wall_seconds=0.05, tape_work=10**12))
    with pytest.raises(BudgetExceeded, match="wall_seconds budget"):
        train(problem, TrainConfig(lr=1e-9, steps=10_000_000), budget)
