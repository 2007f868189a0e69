"""A corpus of hostile inputs: each gets a 4xx with a useful message, quickly; never a 5xx;
and a normal request still works afterwards."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app

NORMAL = {"expression": "(a+b)*(b+1)", "values": {"a": 2, "b": 1}}
SECONDS = 10.0  # generous: a case that takes this long is a hang, not a slow answer


@dataclass(frozen=True)
class Case:
    """One hostile request and what its answer must say."""

    id: str
    body: Any = None
    raw: bytes | None = None
    path: str = "/api/evaluate"
    method: str = "POST"
    headers: dict[str, str] = field(default_factory=dict)
    params: dict[str, str] | None = None
    status: int = 422
    says: str = ""
    where: tuple[int, int] | None = None


def ev(expression: str, **values: float) -> dict[str, Any]:
    return {"expression": expression, "values": values}


CASES = [
    # --- size and nesting -----------------------------------------------------------
    Case(
        "100k nested parens",
        ev("(" * 100_000 + "x" + ")" * 100_000, x=1),
        says="200,001 characters long",
    ),
    Case("9k nested parens", ev("(" * 9_000 + "x" + ")" * 9_000, x=1), says="nested"),
    Case("20001 chars", ev("x" + "+x" * 10_000, x=1), says="20,000"),
    Case("1 MB of +1", ev("1" + "+1" * 500_000), status=413, says="body"),
    Case("100 kB of +1", ev("1" + "+1" * 50_000), says="characters long"),
    Case("megabyte-long name", ev("x" * 1_000_000), status=413),
    Case("10k-char name", ev("y" * 10_000, y=1), says="name is 10,000 characters"),
    Case("300 unary minus", ev("-" * 300 + "x", x=1), says="nested"),
    Case("power tower 300", ev("x" + "^x" * 300, x=1), says="nested"),
    Case("calls 250 deep", ev("sin(" * 250 + "x" + ")" * 250, x=1), says="nested"),
    Case(
        "function blow-up",
        ev(
            "def f0(x) = x*x\n"
            + "".join(f"def f{i}(x) = f{i - 1}(x) + f{i - 1}(x)\n" for i in range(1, 30))
            + "f29(a)",
            a=1,
        ),
        says="limit",
    ),
    # --- numbers --------------------------------------------------------------------
    Case("9^9^9^9", ev("9^9^9^9"), says="exponent", where=(1, 5)),
    Case("9^9^9", ev("9^9^9"), says="exponent", where=(1, 3)),
    Case("x^1e6", ev("x^1e6", x=2), says="exponent"),
    Case("exp(exp(exp(100)))", ev("exp(exp(exp(100)))"), says="exp("),
    Case("exp(1000)", ev("exp(x)", x=1000), says="overflow"),
    Case("1/0", ev("1/0"), says="division by zero", where=(1, 1)),
    Case("log(0)", ev("log(x)", x=0), says="log("),
    Case("log(-1)", ev("log(-1)"), says="log(-1.0)"),
    Case("sqrt(-1)", ev("sqrt(x)", x=-1), says="sqrt("),
    Case("0^-1", ev("x^-1", x=0), says="zero"),
    Case("(-8)^(1/3)", ev("x^(1/3)", x=-8), says="negative base"),
    Case("1e308*10", ev("x*10", x=1e308), says="finite"),
    Case("1e309 literal", ev("1e309 + x", x=1), says="too large"),
    Case("9e999 literal", ev("9e999"), says="too large"),
    # --- characters -----------------------------------------------------------------
    Case("NUL", ev("a\x00b", a=1, b=1), says="NUL", where=(1, 2)),
    Case("control char", ev("a\x01+b", a=1, b=1), says="U+0001"),
    Case("escape char", ev("a\x1b[31m", a=1), says="U+001B"),
    Case("right-to-left mark", ev("x\u200f+1", x=1), says="U+200F"),
    Case("right-to-left override", ev("\u202ex+1", x=1), says="U+202E"),
    Case("zero-width space", ev("x\u200b+1", x=1), says="U+200B"),
    Case("byte order mark", ev("\ufeffx", x=1), says="U+FEFF"),
    Case("fullwidth digit", ev("x+\uff11", x=1), says="U+FF11"),
    Case("greek letter", ev("\u03c0*2"), says="U+03C0"),
    Case("__import__('os')", ev("__import__('os')"), says="unexpected character"),
    Case("__import__ call", ev("__import__(os)", os=1), says="unknown function"),
    Case("dunder attribute", ev("x.__class__", x=1), says="unexpected character '.'"),
    Case("script tag", ev("<script>alert(1)</script>"), says="'<'"),
    Case("DOT injection", ev('"]; node [label="pwn'), says="'\"'"),
    Case("DOT injection in name", ev('x"]; node [', x=1), says="'\"'"),
    Case("lambda", ev("lambda: 1"), says="unexpected character ':'"),
    Case("string literal", ev("'abc'"), says="unexpected character"),
    Case("backslash", ev("x\\y", x=1, y=1), says="'\\'"),
    # --- grammar --------------------------------------------------------------------
    Case("empty", ev(""), says="empty"),
    Case("only comments", ev("# nothing\n\n"), says="empty"),
    Case("unbalanced (", ev("((a+b)", a=1, b=1), says="never closed"),
    Case("unbalanced )", ev("a+b))", a=1, b=1), says="expected an operator"),
    Case("dangling operator", ev("a *", a=1), says="expected an expression"),
    Case("double operator", ev("a ** ** b", a=1, b=1), says="expected an expression"),
    Case("assign nothing", ev("a =", a=1), says="expected an expression"),
    Case("assign to expr", ev("a + 1 = 2", a=1), says="plain name"),
    Case("keyword alone", ev("def"), says="function name"),
    Case("grad alone", ev("grad"), says="grad"),
    Case("unknown function", ev("expp(x)", x=1), says="did you mean 'exp'"),
    Case("wrong arity", ev("max(1, 2, 3)"), says="takes 2 arguments"),
    Case("recursion", ev("def f(x) = f(x)\nf(1)"), says="recursion"),
    Case("reassign", ev("c = 1\nc = 2\nc"), says="already assigned"),
    Case("use before def", ev("c = d\nd = 1\nc"), says="before it is assigned"),
    # --- values and JSON -------------------------------------------------------------
    Case("missing values", ev("a*b+c", b=1), says="missing"),
    Case("NaN value", raw=b'{"expression": "a", "values": {"a": NaN}}'),
    Case("Infinity value", raw=b'{"expression": "a", "values": {"a": Infinity}}'),
    Case("-Infinity value", raw=b'{"expression": "a", "values": {"a": -Infinity}}'),
    Case("1e309 value", raw=b'{"expression": "a", "values": {"a": 1e309}}'),
    Case("string value", {"expression": "a", "values": {"a": "two"}}),
    Case("list value", {"expression": "a", "values": {"a": [1]}}),
    Case("object value", {"expression": "a", "values": {"a": {"b": 1}}}),
    Case("null value", {"expression": "a", "values": {"a": None}}),
    Case("values is a list", {"expression": "a", "values": [1, 2]}),
    Case("expression is a number", {"expression": 12, "values": {}}),
    Case("expression is null", {"expression": None}),
    Case("no expression", {"values": {"a": 1}}),
    Case("body is a list", [1, 2, 3]),
    Case("body is a string", "(a+b)"),
    Case("empty body", raw=b""),
    Case("invalid JSON", raw=b'{"expression": '),
    Case(
        "deeply nested JSON",
        raw=b'{"expression": "a", "values": ' + b"[" * 50_000 + b"]" * 50_000 + b"}",
        status=413,  # the bounded JSON reader stops at its depth limit
        says=f"nested more than {Settings().json_max_depth} levels",
    ),
    Case(
        "wrong content type",
        raw=json.dumps(NORMAL).encode(),
        headers={"content-type": "text/plain"},
        status=422,  # not read as JSON: the body is not the object the schema asks for
    ),
    Case(
        "form content type",
        raw=b"expression=a",
        status=422,  # not read as JSON: the body is not the object the schema asks for
        headers={"content-type": "application/x-www-form-urlencoded"},
    ),
    Case("svg is a string", {**NORMAL, "svg": "please"}),
    # --- the SVG endpoint -------------------------------------------------------------
    Case("svg: no expression", path="/api/graph.svg", method="GET", params={}),
    Case(
        "svg: bad value",
        path="/api/graph.svg",
        method="GET",
        params={"expression": "a", "a": "abc"},
    ),
    Case(
        "svg: nan value",
        path="/api/graph.svg",
        method="GET",
        params={"expression": "a", "a": "nan"},
    ),
    Case(
        "svg: inf value",
        path="/api/graph.svg",
        method="GET",
        params={"expression": "a", "a": "inf"},
    ),
    Case(
        "svg: parse error",
        path="/api/graph.svg",
        method="GET",
        params={"expression": "(a"},
        says="never closed",
    ),
    Case(
        "svg: script in expression",
        path="/api/graph.svg",
        method="GET",
        params={"expression": "<script>"},
        says="'<'",
    ),
    # --- methods and paths ------------------------------------------------------------
    Case("GET evaluate", method="GET", status=405),
    Case("unknown path", path="/api/../../etc/passwd", method="GET", status=404),
]


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(), raise_server_exceptions=False) as c:
        yield c


def send(client: TestClient, case: Case) -> Any:
    headers = dict(case.headers)
    if case.method == "GET":
        return client.get(case.path, params=case.params, headers=headers)
    if case.raw is not None:
        headers.setdefault("content-type", "application/json")
        return client.post(case.path, content=case.raw, headers=headers)
    return client.post(case.path, json=case.body, headers=headers)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_input_gets_a_clear_4xx(client: TestClient, case: Case) -> None:
    start = time.perf_counter()
    response = send(client, case)
    elapsed = time.perf_counter() - start
    assert elapsed < SECONDS, f"took {elapsed:.1f} s"
    assert response.status_code == case.status, response.text[:500]
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert {"type", "title", "status", "detail"} <= problem.keys()
    assert problem["status"] == response.status_code
    text = " ".join(str(v) for v in problem.values())
    assert case.says in text, text[:500]
    for leak in ("Traceback", "/work/", "site-packages", 'File "'):
        assert leak not in text
    if case.where is not None:
        assert (problem["line"], problem["column"]) == case.where
    normal = client.post("/api/evaluate", json=NORMAL)
    assert normal.status_code == 200
    assert normal.json()["gradients"]["a"] == 2.0


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 60
