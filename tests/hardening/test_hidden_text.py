"""Text hidden in comments. Every line break a reader
sees ends a line (and a comment) for the parser too; bidi controls are refused anywhere in a
program with their position; grading feedback never echoes them raw."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from chainrule.lang import ParseError, parse

BREAKS = ["\r", "\r\n", "\x85", "\u2028", "\u2029", "\x0b", "\x0c"]
BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068"]
BIDI += ["\u2069", "\u200e", "\u200f", "\u061c"]


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app())


@pytest.mark.parametrize("brk", BREAKS, ids=lambda b: f"U+{ord(b[0]):04X}{len(b)}")
def test_a_line_break_ends_a_comment_where_a_reader_sees_it_end(brk: str) -> None:
    program = parse(f"c = a + b # the sum{brk}e = c * b")
    assert program.output == "e"  # not swallowed by the comment
    assert [s.name for s in program.statements] == ["c", "e"]  # type: ignore[union-attr]


@pytest.mark.parametrize("brk", BREAKS, ids=lambda b: f"U+{ord(b[0]):04X}{len(b)}")
def test_lines_and_columns_count_the_lines_a_reader_sees(brk: str) -> None:
    with pytest.raises(ParseError) as info:
        parse(f"c = a + b{brk}d = b +{brk}e = c * d")
    assert (info.value.line, info.value.column) == (2, 8)


def test_the_page_computes_the_program_it_shows(client: TestClient) -> None:
    # A bare CR: shown (and now parsed) as two lines; before, `e = a * b` hid in the comment.
    r = client.get("/", params={"expression": "s = a + b # sum\re = a * b", "a": "2", "b": "3"})
    assert r.status_code == 200
    assert '<output id="output-value">6</output>' in r.text  # e = a * b, the line one sees
    assert "# sum\ne = a * b</textarea>" in r.text  # and the page shows it as its own line


@pytest.mark.parametrize("ch", BIDI, ids=lambda c: f"U+{ord(c):04X}")
@pytest.mark.parametrize("where", ["comment", "code"])
def test_a_bidi_control_is_refused_anywhere_with_its_position(
    client: TestClient, ch: str, where: str
) -> None:
    source = f"c = a + b\nd = b # note {ch}x\ne = c * d" if where == "comment" else f"c = a {ch}+ b"
    r = client.post("/api/evaluate", json={"expression": source, "values": {"a": 1, "b": 2}})
    assert r.status_code == 422
    body = r.json()
    assert f"U+{ord(ch):04X}" in body["detail"] and "bidirectional" in body["detail"]
    line, column = (2, 14) if where == "comment" else (1, 7)
    assert (body["line"], body["column"]) == (line, column)
    assert ch not in r.text


@pytest.mark.parametrize("ch", ["\u202e", "\u2066", "\u2028"])
def test_grading_feedback_never_echoes_them_raw(client: TestClient, ch: str) -> None:
    body = {
        "expression": "c = a + b\nd = b + 1\ne = c * d",
        "values": {"a": 2, "b": 1},
        "answers": [{"name": "q", "wrt": "c", "answer": f"d # {ch} c"}],
    }
    r = client.post("/api/grade", json=body)
    assert r.status_code == 200
    assert ch not in r.content.decode()  # neither in output nor in extra_data
    assert ch not in str(r.json())
