"""Training within one request's budget (issue 10, item 4; item 7's CSV field).

Every tape operation is counted in the work, data-only ones too; the data's bytes are
charged before they are converted and the run's peak bytes before it binds; dead columns
are freed, so what a run holds is what the estimate says; the wall clock is checked after
every step, the last one too; and every malformed CSV number is a 422 naming the line.
"""

from __future__ import annotations

import itertools
import tracemalloc
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from chainrule.budget import BYTES, TAPE, WALL, Budget, BudgetExceeded, BudgetLimits
from chainrule.lang import parse
from chainrule.train.loop import TrainingProblem, prepare, train
from chainrule.train.optimizer import TrainConfig
from chainrule.train.tape import Tape

UNLIMITED = BudgetLimits(tape_work=10**15, bytes=10**12, wall_seconds=3600.0)


def chain(terms: int) -> str:
    """w*(x+x+…+x): one parameter op over a long chain of data-only ops."""
    return "w*(" + "+".join(["x"] * terms) + ")"


def client(**settings: Any) -> TestClient:
    return TestClient(create_app(Settings(access_log=False, **settings)))


def optimize(c: TestClient, expression: str, rows: int, **body: Any) -> dict[str, Any]:
    data = {"x": [1.0 + i % 3 for i in range(rows)]}
    response = c.post(
        "/api/optimize",
        json={"expression": expression, "params": {"w": 0.5}, "data": data, **body},
    )
    answer: dict[str, Any] = response.json()
    answer["status"] = response.status_code
    return answer


def traced_peak(fn: Callable[[], object]) -> int:
    """Return the most bytes (NumPy's arrays included) held at once while fn runs."""
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        fn()
        return tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()


def problem_for(source: str, rows: int) -> TrainingProblem:
    program = parse(source)
    rng = np.random.default_rng(7)
    data: dict[str, list[float]] = {  # lists, as the web layer's JSON columns arrive
        c: rng.uniform(0.5, 2.0, rows).tolist() for c in ("x", "y") if c in program.inputs
    }
    params = {n: 0.3 for n in program.inputs if n not in data}
    return prepare(program, params, data, Budget(UNLIMITED))


# --- work: every operation counts ------------------------------------------------------


def test_data_only_operations_count_in_the_work() -> None:
    # 1,000 rows × (99 data-only ops + 2 passes × 3 ops) = 105,000 cells > 100,000. Counting
    # only the per-step ops (1,000 × 3) let a long data-only chain run unbounded.
    with client(budget_tape_work=100_000) as c:
        over = optimize(c, chain(100), rows=1_000, steps=1)
        assert over["status"] == 422 and over["type"].endswith("/budget"), over
        assert over["budget"] == "tape_work" and over["needed"] == 105_000
        assert "99 data-only operations" in over["detail"]
        assert optimize(c, chain(90), rows=1_000, steps=1)["status"] == 200


def test_the_work_counts_every_pass_run() -> None:
    problem = problem_for("(w*x - y)^2", rows=10)
    # steps + 1 forward and backward passes run (the last one gives the final loss).
    assert problem.work(steps=4) == 10 * (len(problem.tape.static) + 5 * len(problem.tape))
    limits = BudgetLimits(tape_work=problem.work(4) - 1)
    with pytest.raises(BudgetExceeded) as exc:
        train(problem, TrainConfig(steps=4), Budget(limits))
    assert exc.value.resource is TAPE


def test_a_realistic_attack_is_refused_before_allocating(monkeypatch: pytest.MonkeyPatch) -> None:
    # Issue 10: 6,000 terms over 100,000 rows grew a server by 4.6 GB (a MemoryError and a
    # 500 on a smaller machine). With the default budget it is a 422, decided before the
    # data-only chain runs: the tape is never bound to the data.
    def never(*_: object) -> None:
        raise AssertionError("bound the data of a run over budget")

    monkeypatch.setattr(Tape, "bind", never)
    body = {"expression": chain(6_000), "params": {"w": 0.5}, "steps": 1}
    with client() as c:
        response = c.post("/api/optimize", json={**body, "data": "x\n" + "1\n" * 100_000})
    answer = response.json()
    assert response.status_code == 422 and answer["budget"] == "tape_work", answer
    assert answer["needed"] == 100_000 * (5_999 + 2 * 3)


# --- bytes: charged before allocating, dead columns freed ------------------------------


def test_data_bytes_are_charged_before_they_are_converted() -> None:
    with client(budget_bytes=10_000) as c:
        over = optimize(c, "(w*x - 1)^2", rows=2_000, steps=1)
    assert over["status"] == 422 and over["budget"] == "bytes", over
    assert over["needed"] == 2_000 * 8 and "1 data column of 2,000 rows" in over["detail"]


def test_the_runs_peak_bytes_are_charged_before_it_binds() -> None:
    problem = problem_for("sigmoid(w*x) * exp(w*y) * tanh(x*y*w)", rows=1_000)
    data_bytes = 2 * 1_000 * 8
    budget = Budget(BudgetLimits(bytes=data_bytes + problem.tape.peak_bytes(1_000) - 1))
    budget.charge(BYTES, data_bytes)  # as prepare does
    with pytest.raises(BudgetExceeded) as exc:
        train(problem, TrainConfig(steps=1), budget)
    assert exc.value.resource is BYTES and "columns of 1,000 rows" in str(exc.value)


def test_a_long_data_only_chain_holds_a_few_columns() -> None:
    # 2,000 terms over 10,000 rows: 160 MB when every intermediate column was kept.
    problem = problem_for(chain(2_000), rows=10_000)
    assert problem.tape.peak <= 8
    peak = traced_peak(lambda: train(problem, TrainConfig(steps=1), Budget(UNLIMITED)))
    assert peak < 2 * 1024 * 1024, peak


def test_a_long_per_step_chain_frees_its_columns_and_gradients() -> None:
    # 300 terms of w*x: 600 forward columns and 600 gradients were held (96 MB).
    problem = problem_for("+".join(["w*x"] * 300), rows=10_000)
    peak = traced_peak(lambda: train(problem, TrainConfig(steps=2), Budget(UNLIMITED)))
    assert peak < 2 * 1024 * 1024, peak


@pytest.mark.parametrize(
    "source",
    [
        chain(300),
        "+".join(["w*x"] * 100),
        "(a + b*x + c*x^2 + d*x^3 - y)^2",
        "sigmoid(w*x + b) * log(1 + exp(w*y)) / sqrt(b*b + x*x)",
        "max(w*x, y) - min(b, y*x) + abs(w - x) * relu(b*y) + tanh(w)^2.5 + x^w - y^0.5",
        "def f(t) = t^3 grad 5*t\nf(w*x) + f(b*y) * exp(x) + sin(w)*cos(x)",
    ],
)
def test_the_peak_estimate_bounds_what_a_run_holds(source: str) -> None:
    rows = 20_000
    problem = problem_for(source, rows)
    budget = Budget(UNLIMITED)
    peak = traced_peak(lambda: train(problem, TrainConfig(steps=3, lr=1e-6), budget))
    assert peak <= problem.tape.peak_bytes(rows), (peak, problem.tape.peak)


# --- wall clock: every step, and after the last ----------------------------------------


def ticking_budget(wall_seconds: float) -> Budget:
    """A budget whose clock advances one second each time it is read."""
    ticks = itertools.count()
    limits = BudgetLimits(tape_work=10**15, wall_seconds=wall_seconds)
    return Budget(limits, clock=lambda: float(next(ticks)))


def test_the_wall_clock_is_checked_after_every_step() -> None:
    problem = problem_for("(w*x - y)^2", rows=10)
    with pytest.raises(BudgetExceeded, match="after step 5 of 100") as exc:
        train(problem, TrainConfig(steps=100), ticking_budget(5.5))
    assert exc.value.resource is WALL


def test_the_wall_clock_is_checked_after_the_last_step() -> None:
    # A 16-step run answered after 16.5 s: the deadline was read every 16 steps, not at the end.
    problem = problem_for("(w*x - y)^2", rows=10)
    with pytest.raises(BudgetExceeded, match="after step 3 of 3"):
        train(problem, TrainConfig(steps=3), ticking_budget(3.5))
    assert train(problem, TrainConfig(steps=3), ticking_budget(4.5)).steps_run == 3


def test_a_long_step_reads_the_clock_after_each_operation() -> None:
    # 100,000 rows × 15 operations per step: one step may be long, so it is checked within.
    problem = problem_for("(w*x - y)^2 + (w*y - x)^2", rows=100_000)
    assert problem.rows * len(problem.tape) == 1_500_000
    with pytest.raises(BudgetExceeded, match="within one step"):
        train(problem, TrainConfig(steps=0), ticking_budget(2.5))


def test_a_run_past_the_wall_clock_is_a_422_naming_it() -> None:
    with client(budget_wall_seconds=0.05, budget_tape_work=10**12) as c:
        over = optimize(c, "(w*x - 2)^2", rows=2, steps=100_000, lr=1e-9)
    assert over["status"] == 422 and over["budget"] == "wall_seconds", over


# --- CSV numbers: every malformed one is a 422 with its line -----------------------------


@pytest.fixture(scope="module")
def api() -> Iterator[TestClient]:
    with client() as c:
        yield c


@pytest.mark.parametrize(
    ("csv", "where"),
    [
        ("x\n1\n" + "9" * 140_000 + "\n", "CSV line 3: field larger than field limit"),
        ('x\n"' + "1" * 140_000 + '"\n', "CSV line 2: field larger than field limit"),
        ("x\n1\n" + "9" * 5_000 + "\n", "CSV line 3, column 'x': '9999"),
        ("x\n1_000\n", "CSV line 2, column 'x': '1_000' is not a number"),
        ("x\n\u0661\n", "CSV line 2, column 'x'"),
        ("x\nnan\n", "CSV line 2, column 'x': 'nan' is not a number"),
        ("x\n-Infinity\n", "CSV line 2, column 'x'"),
        ("x\n1e400\n", "CSV line 2, column 'x': '1e400' is not finite"),
        ("x\n1\x00\n", "CSV line 2"),
    ],
)
def test_every_bad_csv_number_is_a_422_with_its_line(api: TestClient, csv: str, where: str) -> None:
    detail = refused_csv(api, csv)
    assert detail.startswith(where), detail
    assert len(detail) < 200  # a long cell is shown shortened


def test_csv_rows_over_the_limit_are_refused_where_the_limit_is_passed() -> None:
    with client(optimize_max_rows=2) as c:
        assert refused_csv(c, "x\n1\n\n2\n3\n4\n").startswith("CSV line 5: more than 2 rows")


def refused_csv(c: TestClient, csv: str) -> str:
    body = {"expression": "(w*x - 1)^2", "params": {"w": 0}, "data": csv, "steps": 1}
    response = c.post("/api/optimize", json=body)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["type"].endswith("/invalid-training")
    detail: str = problem["detail"]
    return detail
