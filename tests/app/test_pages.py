"""The playground page on the server: GET / renders the view of its URL without JavaScript."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import cast
from urllib.parse import urlencode

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.assets import STATIC_DIR
from app.config import Settings
from app.main import create_app

SEED = "c = a + b\nd = b + 1\ne = c * d"


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(access_log=False))) as c:
        yield c


def page(client: TestClient, expression: str, **values: object) -> str:
    response: httpx.Response = client.get("/?" + urlencode({"expression": expression, **values}))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    return response.text


def cells(html: str, name: str) -> list[str]:
    """The cells (kind, value, grad, numeric, difference) of a named node's table row."""
    row = re.search(
        rf'<tr data-node="n\d+"[^>]*>\s*<th scope="row">{name}</th>(.*?)</tr>', html, re.S
    )
    assert row, f"no row for {name}"
    return [c.strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)]


@pytest.mark.graphviz
def test_a_share_link_renders_values_gradients_and_the_graph(client: TestClient) -> None:
    html = page(client, "(a+b)*(b+1)", a=2, b=1)
    assert cells(html, "a")[:3] == ["input", "2", "2"]
    assert cells(html, "b")[:4] == ["input", "1", "5", "5"]  # numeric check beside autodiff
    assert '<output id="output-value">6</output>' in html
    svg = re.search(r'<div id="graph"[^>]*>(.*?)</div>', html, re.S)
    assert svg and svg.group(1).startswith("<svg")  # inline, without the XML prolog
    assert re.search(r'<g id="n\d+" class="node value input">', svg.group(1))


def test_the_bare_page_shows_the_seed_program(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert SEED in response.text
    assert cells(response.text, "e")[:3] == ["output", "6", "1"]
    assert cells(response.text, "b")[2] == "5"


def test_inputs_without_a_value_start_at_1(client: TestClient) -> None:
    html = page(client, "x * y", x=3)
    assert 'id="in-y" name="y" value="1"' in html
    assert cells(html, "x")[2] == "1"


def test_the_backward_steps_are_listed_for_readers_without_javascript(
    client: TestClient,
) -> None:
    html = page(client, SEED, a=2, b=1)
    steps = re.findall(r'<li data-node="(n\d+)">', html)
    assert len(steps) == 3
    assert "∂e/∂c = d = 2;  grad c += 2 × 1 = 2" in html
    assert "∂d/∂b = 1;  grad b += 1 × 3 = 3" in html
    assert "grad b = 3 + 2 = 5" in html  # a leaf's total, written out once it is complete


def test_the_step_text_is_the_apis(client: TestClient) -> None:
    program = "y = x^2 - 3*x"
    html = page(client, program, x=2)
    answer = client.post("/api/evaluate", json={"expression": program, "values": {"x": 2}})
    for step in answer.json()["steps"]:
        for line in step["text"]:
            assert line in html  # the page writes the lines the browser gets
    words = " ".join(line for step in answer.json()["steps"] for line in step["text"])
    assert "grad 2" not in words and "grad 3 " not in words  # constants get no lines
    assert "-" not in words  # one minus sign throughout: −
    assert "∂y/∂prod1 = −1;" in words  # not "−1 = -1"; prod1: the handle of 3*x


@pytest.mark.slow
def test_a_long_program_writes_its_first_steps_and_links_to_the_rest(
    client: TestClient,
) -> None:
    program = "-".join(["a"] * 3000)
    html = page(client, program, a=1)
    assert len(re.findall(r'<li data-node="n\d+">', html)) == 200
    assert "Steps 1–200 of 2999." in html
    link = re.search(r'<a href="(/\?[^"]*steps_from=200[^"]*)">Next 200 steps</a>', html)
    assert link
    rest = client.get(link.group(1).replace("&amp;", "&")).text
    assert "Steps 201–400 of 2999." in rest
    assert re.search(r'<ol id="steps" [^>]*start="201">', rest)


def test_the_pages_options_are_the_apis(client: TestClient) -> None:
    html = page(client, "a", a=1, legend="false", precision="3")
    assert "not a number" not in html
    assert "legend" not in re.findall(r'<input type="number" id="in-(\w+)"', html)
    compact = page(client, "a*b", a=1, b=2, compact="true")
    assert 'class="node op"' not in compact and "not a number" not in compact
    assert '<option value="true" selected>' in compact
    huge = page(client, "a", a="1.5e308")  # no slider range computed on the server to overflow
    assert 'value="1.5e+308"' in huge
    for hostile in ("²", "99999999999", "-1", "1e3"):
        assert "not a number" not in page(client, "a", a=1, precision=hostile)


def test_a_syntax_error_is_shown_with_its_span_marked(client: TestClient) -> None:
    html = page(client, "a + * b", a=1, b=2)
    assert "line 1, column 5: " in html
    assert (
        '<pre class="error-snippet" id="error-snippet">a + <mark class="error-span">*</mark> b'
        in html
    )
    assert 'id="error-box" class="error-box" role="alert">' in html  # not hidden


def test_user_text_is_escaped(client: TestClient) -> None:
    html = page(client, "</textarea><script>alert(1)</script>")
    assert "<script>alert(1)" not in html
    assert "&lt;/textarea&gt;&lt;script&gt;" in html


def test_the_page_has_no_inline_script_or_style(client: TestClient) -> None:
    response = client.get("/?" + urlencode({"expression": SEED, "a": 2, "b": 1}))
    html = response.text
    assert "style=" not in html
    assert "<style" not in html
    for tag in re.findall(r"<script[^>]*>", html):
        assert 'src="' in tag
    assert "script-src 'self'" in response.headers["content-security-policy"]


def test_the_form_posts_back_to_its_shareable_url(client: TestClient) -> None:
    form = {"expression": "a*b", "a": "3", "b": "4", "view": "1", "rankdir": "TB"}
    response = client.post("/", data=form, follow_redirects=False)
    assert response.status_code == 303
    location = response.headers["location"]
    assert location.startswith("/?expression=a%2Ab&a=3&b=4&rankdir=TB")
    assert "constants=false" in location  # the box was unchecked in the sent form
    assert cells(client.get(location).text, "a")[2] == "4"


@pytest.mark.graphviz
def test_downloads_give_png_dot_and_json(client: TestClient) -> None:
    query = urlencode({"expression": "a * b + 1", "a": 2, "b": 3, "constants": "false"})
    png = client.get(f"/export/graph.png?{query}")
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    dot = client.get(f"/export/graph.dot?{query}")
    assert dot.text.startswith("digraph")
    assert 'class="value constant"' not in dot.text  # constants folded into the op
    data = client.get(f"/export/graph.json?{query}").json()
    assert data["value"] == 7 and data["gradients"] == {"a": 3, "b": 2}
    assert client.get(f"/export/graph.txt?{query}").status_code == 404


def test_scripts_load_by_relative_urls_whatever_the_host_header(client: TestClient) -> None:
    html = client.get("/", headers={"host": "evil.example"}).text
    assert '<section id="train-panel" hidden>' in html
    assert '<script type="module" src="/static/js/train.js">' in html
    assert "evil.example" not in html.split('id="share-url"')[0]


def test_static_files_are_served(client: TestClient) -> None:
    for path in ("css/app.css", "js/app.js", "js/boot.js"):
        response = client.get(f"/static/{path}")
        assert response.status_code == 200, path
    js = "".join(client.get(f"/static/js/{f.name}").text for f in STATIC_DIR.glob("js/*.js"))
    for forbidden in ("eval(", "new Function", "innerHTML", "outerHTML", "insertAdjacentHTML"):
        assert forbidden not in js


LONG_FORM = {
    "expression": "\n".join(f"v{i} = (a*{i})^1" for i in range(400)) + "\nv0",
    "a": "2",
    "view": "1",
}


def test_a_large_programs_form_post_is_answered_by_a_pool_process_as_in_the_worker() -> None:
    pooled = TestClient(create_app(Settings(access_log=False)))
    here = TestClient(create_app(Settings(access_log=False, pool_processes=0)))
    pool = cast(FastAPI, pooled.app).state.services.pool
    before = pool.answered
    answer = pooled.post("/", data=LONG_FORM)
    assert pool.answered == before + 1
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    assert "/static/css/app.css" in answer.text
    assert answer.text == here.post("/", data=LONG_FORM).text


def test_a_large_programs_form_post_waits_for_the_heavy_work_gate() -> None:
    # In the process that makes it, a long program's page is computed, laid out and written
    # one at a time, off the event loop: with the gate's only place taken, it is a 503 with
    # Retry-After; a small program's page is not held by it.
    settings = Settings(access_log=False, heavy_threads=1, heavy_queue=0, pool_processes=0)
    app = create_app(settings)
    gate = app.state.services.heavy_gate
    form = LONG_FORM
    with TestClient(app, follow_redirects=False) as c:
        gate.take_place()  # another large page has the only place
        try:
            busy = c.post("/", data=form)
            small = c.post("/", data={"expression": SEED, "a": "2", "view": "1"})
        finally:
            gate.release_place()
        assert busy.status_code == 503
        assert int(busy.headers["retry-after"]) >= 1
        assert small.status_code == 303
        assert c.post("/", data=form).status_code == 200  # the place is free again
