"""Property-based fuzzing over the grammar: valid programs evaluate through the API to
what the engine computes; mutated programs never cause a 5xx."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.config import Settings
from app.main import create_app
from chainrule.budget import Budget, BudgetExceeded
from chainrule.build import Built, EvalError, MissingValuesError, evaluate
from chainrule.lang import SourceError
from chainrule.ops import CALLS, OPS

NAMES = ("a", "b", "w1", "x_2")
ATOMS = st.sampled_from(NAMES) | st.sampled_from(["0", "1", "2.5", "1e-3", ".5", "3"])
FUNCS = [name for name, op in CALLS.items() if op.arity == 1]
FUNCS2 = [name for name, op in CALLS.items() if op.arity == 2]
INFIX = [op.name for op in OPS.values() if op.infix] + ["**"]


def grow(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    ops = st.sampled_from(INFIX)
    binary = st.tuples(inner, ops, inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})")
    call = st.tuples(st.sampled_from(FUNCS), inner).map(lambda t: f"{t[0]}({t[1]})")
    call2 = st.tuples(st.sampled_from(FUNCS2), inner, inner).map(
        lambda t: f"{t[0]}({t[1]}, {t[2]})"
    )
    neg = inner.map(lambda s: f"-{s}")
    return binary | call | call2 | neg


EXPRESSIONS = st.recursive(ATOMS, grow, max_leaves=10)


@st.composite
def programs(draw: st.DrawFn) -> str:
    lines = []
    for i in range(draw(st.integers(0, 3))):
        lines.append(f"t{i} = {draw(EXPRESSIONS)}")
    lines.append(draw(EXPRESSIONS))
    return draw(st.sampled_from(["\n", "; "])).join(lines)


@st.composite
def mutated(draw: st.DrawFn) -> str:
    text = draw(programs())
    alphabet = st.sampled_from([*"()+-*/^,;=\n .eE0129abxdefgrad_", "\x00", "é", "'"])
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["insert", "delete", "replace", "duplicate"]))
        if kind == "insert":
            text = text[:i] + draw(alphabet) + text[i:]
        elif kind == "delete":
            text = text[:i] + text[i + 1 :]
        elif kind == "replace":
            text = text[:i] + draw(alphabet) + text[i + 1 :]
        else:
            text = text[:i] + text[i : i + 5] + text[i:]
    return text


VALUES = st.fixed_dictionaries({n: st.floats(-3, 3, allow_nan=False) for n in NAMES})


SETTINGS = Settings()


def computed(source: str, values: dict[str, float]) -> Built | Exception:
    """What the engine makes of the program under the service's limits and budget: the
    graph, or the user error the API must answer with a 422."""
    try:
        return evaluate(source, values, SETTINGS.limits(), budget=Budget(SETTINGS.budget_limits()))
    except (SourceError, MissingValuesError, BudgetExceeded) as error:
        return error


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(), raise_server_exceptions=False) as c:
        yield c


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(source=programs(), values=VALUES)
def test_valid_programs_agree_with_the_engine(
    client: TestClient, source: str, values: dict[str, float]
) -> None:
    built = computed(source, values)
    response = client.post("/api/evaluate", json={"expression": source, "values": values})
    if not isinstance(built, Built):
        assert isinstance(built, EvalError), built  # only arithmetic may fail
        assert response.status_code == 422, response.text
        assert response.json()["type"].endswith("/domain")
        return
    assert response.status_code == 200, response.text
    body = response.json()
    assert float(body["value"]) == built.output.data  # "inf" and "nan" arrive as strings
    for name, leaf in built.inputs.items():
        got = float(body["gradients"][name])
        assert got == leaf.grad or (got != got and leaf.grad != leaf.grad), name


@pytest.mark.slow
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(source=mutated(), values=VALUES)
def test_mutated_programs_never_cause_a_server_error(
    client: TestClient, source: str, values: dict[str, float]
) -> None:
    expected = 200 if isinstance(computed(source, values), Built) else 422
    response = client.post("/api/evaluate", json={"expression": source, "values": values})
    assert response.status_code == expected, response.text
    if expected == 422:
        problem = response.json()
        assert problem["detail"]
        if "line" in problem:
            assert problem["line"] >= 1 and problem["column"] >= 1
