"""One table of errors (chainrule/errors.py, and the service's own rows in app/errors.py):
every exception class of the library and of the service is in it (or says why it never
becomes an answer), the library's table names no class of the service, and the API, the
no-JS page, the command line and grading say the same words for the same error."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape

import app
import chainrule
from app import errors as service
from app.config import Settings
from app.main import create_app
from chainrule.budget import NODES, BudgetExceeded
from chainrule.build import MissingValuesError, evaluate
from chainrule.cli import main
from chainrule.errors import (
    INTERNAL,
    NOT_ANSWERS,
    TABLE,
    ErrorReply,
    answered_classes,
    body_too_large,
    find_reply,
    to_reply,
)
from chainrule.grading.checks import _unreadable
from chainrule.lang import ParseError, parse
from chainrule.render import GraphTooLarge, RenderBusy
from chainrule.work_gate import Busy
from tests.support.budget import default_budget


def exception_classes(package: object) -> list[type[BaseException]]:
    """Every exception class defined in a module of a package (the __main__ modules aside)."""
    found: list[type[BaseException]] = []
    prefix = f"{package.__name__}."  # type: ignore[attr-defined]
    for info in pkgutil.walk_packages(package.__path__, prefix):  # type: ignore[attr-defined]
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, BaseException)
                and value.__module__ == info.name
            ):
                found.append(value)
    return found


def name_of(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def test_every_name_in_the_tables_is_an_exception_class_that_exists() -> None:
    assert [name_of(c) for c in answered_classes()] == list(TABLE)
    assert [name_of(c) for c in answered_classes(service.TABLE)] == list(service.TABLE)
    for name in service.NOT_ANSWERS:
        module, _, qualname = name.rpartition(".")
        cls = getattr(importlib.import_module(module), qualname)
        assert issubclass(cls, BaseException), name
    assert not set(service.TABLE) & set(service.NOT_ANSWERS)


def test_the_library_table_names_no_class_of_the_service() -> None:
    for name in [*TABLE, *NOT_ANSWERS]:
        assert name.startswith("chainrule."), name
    assert set(TABLE) < set(service.TABLE)


def test_every_exception_class_of_the_library_is_answered_or_says_why_not() -> None:
    classes = exception_classes(chainrule)
    assert len(classes) > 15  # the walk found the library's modules
    for cls in classes:
        names = {name_of(c) for c in cls.__mro__}
        assert names & (set(TABLE) | set(NOT_ANSWERS)), name_of(cls)


def test_every_exception_class_of_the_service_is_answered_or_says_why_not() -> None:
    classes = exception_classes(app)
    assert len(classes) >= 4  # the walk found the service's modules
    for cls in classes:
        names = {name_of(c) for c in cls.__mro__}
        assert names & (set(service.TABLE) | set(service.NOT_ANSWERS)), name_of(cls)


def test_a_class_is_answered_by_its_own_row_before_its_bases_rows() -> None:
    too_large = to_reply(GraphTooLarge(5000, 3000))  # a RenderError and a BudgetExceeded
    assert (too_large.status, too_large.slug) == (422, "graph-too-large")
    assert to_reply(BudgetExceeded(NODES, 10, 5)).slug == "budget"


def test_anything_the_table_does_not_know_is_the_one_internal_error_without_its_text() -> None:
    assert find_reply(RuntimeError("a secret path /work/x.py")) is None
    reply = to_reply(RuntimeError("a secret path /work/x.py"))
    assert reply == INTERNAL and "secret" not in reply.detail
    assert (INTERNAL.status, INTERNAL.title) == (500, "Internal error")


def test_a_503_carries_retry_after_as_a_field_and_a_header() -> None:
    for exc in (Busy(7, "training"), RenderBusy(7)):
        reply = to_reply(exc)
        assert reply.status == 503
        assert reply.fields["retry_after"] == 7 and reply.headers == {"Retry-After": "7"}
    assert to_reply(Busy(7, "training")).slug == "training-busy"


def test_a_reply_at_a_place_in_the_source_reads_like_a_compiler_s_message() -> None:
    with pytest.raises(ParseError) as caught:
        parse("a + * b")
    reply = to_reply(caught.value)
    assert reply.at_source and reply.fields["field"] == "expression"
    line, column = reply.fields["line"], reply.fields["column"]
    assert reply.text() == f"{line}:{column}: {reply.detail}\n{reply.fields['snippet']}"
    missing = to_reply(MissingValuesError(["a"]))
    assert not missing.at_source and missing.text() == missing.detail


def test_with_fields_replaces_a_field_in_its_place() -> None:
    reply = ErrorReply(422, "t", "d", "s", {"field": "expression", "line": 1})
    assert list(reply.with_fields(field="fit.model").fields.items()) == [
        ("field", "fit.model"),
        ("line", 1),
    ]


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(access_log=False, max_body_bytes=1_000))) as c:
        yield c


# A syntax error, and a domain error found while computing (both at a place).
SAME = [("a + * b", {"a": 1.0, "b": 2.0}), ("y = log(a)\ny * 2", {"a": -1.0})]


@pytest.mark.parametrize(("source", "values"), SAME)
def test_the_api_the_page_and_the_cli_say_the_same_words(
    client: TestClient,
    capsys: pytest.CaptureFixture[str],
    source: str,
    values: dict[str, float],
) -> None:
    api = client.post("/api/evaluate", json={"expression": source, "values": values})
    assert api.status_code == 422
    problem = api.json()
    page = client.get("/", params={"expression": source, **values})
    assert page.status_code == 200
    where = f"line {problem['line']}, column {problem['column']}: "
    message = escape(problem["detail"])  # as the template escapes it
    assert f'"error-where">{where}</span><span id="error-message">{message}<' in page.text
    args = [f"{k}={v}" for k, v in values.items()]
    assert main(["eval", source, *args]) == 2
    said = capsys.readouterr().err.splitlines()
    assert said[0] == f"{problem['line']}:{problem['column']}: {problem['detail']}"
    assert "\n".join(said[1:]) == problem["snippet"]


def test_grading_says_the_api_s_words_for_a_formula_it_cannot_read(client: TestClient) -> None:
    problem = client.post("/api/evaluate", json={"expression": "a +", "values": {"a": 1}}).json()
    with pytest.raises(ParseError) as caught:
        parse("a +")
    verdict = _unreadable("e", caught.value)
    assert verdict.error is not None and verdict.error["message"] == problem["detail"]
    assert verdict.output.endswith(
        f"{problem['line']}:{problem['column']}: {problem['detail']}\n{problem['snippet']}"
    )


def test_the_api_and_the_cli_say_the_same_words_for_a_computation_that_fails(
    client: TestClient, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(MissingValuesError) as caught:
        evaluate("a * b", {"a": 1.0}, budget=default_budget())
    assert main(["eval", "a * b", "a=1"]) == 2
    assert capsys.readouterr().err.strip() == f"error: {to_reply(caught.value).detail}"


def test_the_413_of_the_middleware_is_the_table_s(client: TestClient) -> None:
    response = client.post("/api/evaluate", json={"expression": "x" * 2_000})
    assert response.status_code == 413
    body = response.json()
    want = body_too_large(1_000)
    assert (body["title"], body["detail"], body["limit"]) == (want.title, want.detail, 1_000)
    assert body["type"].endswith("/" + want.slug)
