"""The level option and the lean answer, through HTTP; errors that say where they came from."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from chainrule.cli import main
from chainrule.render.size import view_points
from tests.browser.programs import mlp, neurons, shared_chain


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app()) as c:
        yield c


@pytest.mark.graphviz
def test_graph_svg_draws_the_level_asked_and_auto_by_size(client: TestClient) -> None:
    program, values = mlp(6)
    query = {"expression": program, **values}
    lines = client.get("/api/graph.svg", params={**query, "level": "lines"}).text
    ops = client.get("/api/graph.svg", params={**query, "level": "ops"}).text
    auto = client.get("/api/graph.svg", params=query).text
    assert 'class="node value unit' in lines and 'class="node value unit' not in ops
    assert auto == lines  # a 2-6-1 MLP's op drawing does not fit a 1280x800 view legibly
    program, values = mlp()  # a 2-4-1 MLP's does (its running sums stacked)
    query = {"expression": program, **values}
    ops = client.get("/api/graph.svg", params={**query, "level": "ops"}).text
    assert client.get("/api/graph.svg", params=query).text == ops
    seed = client.get("/api/graph.svg", params={"expression": "a*b + 1", "a": 2, "b": 3}).text
    assert "unit" not in seed


@pytest.mark.graphviz
def test_evaluate_says_which_level_it_drew_and_lists_the_units(client: TestClient) -> None:
    program, values = mlp(6)
    body = {"expression": program, "values": values, "svg": True}
    answer = client.post("/api/evaluate", json=body).json()
    assert answer["level"] == "lines"
    # the six neurons are lines of one shape: one series box, which the API says holds them
    assert [u["name"] for u in answer["units"]] == ["h1 … h6", "out", "loss"]
    assert [u["count"] for u in answer["units"]] == [6, 1, 1]
    assert not any(u["open"] for u in answer["units"])  # drawn top down: none opens itself
    svg = answer["svg"].replace("&#45;", "-")  # dot writes "-" in ids as &#45;
    assert all(f'id="{e["id"]}"' in svg for e in answer["unit_edges"])
    series = answer["units"][0]
    opened = client.post("/api/evaluate", json=body | {"expand": [series["id"]]}).json()
    assert [u["name"] for u in opened["units"]] == [f"h{j}" for j in range(1, 7)] + ["out", "loss"]
    assert [u["id"] for u in opened["units"][:6]] == series["series"]


def test_a_value_change_gets_numbers_only(client: TestClient) -> None:
    program = shared_chain(600)
    body = {"expression": program, "values": {"x": 1, "w": 0.998}}
    full = client.post("/api/evaluate", json=body).json()
    lean_raw = client.post("/api/evaluate", json=body | {"numbers_only": True}).content
    lean = json.loads(lean_raw)
    assert set(lean) >= {"values", "grads", "value_texts", "grad_texts", "value"}
    assert "nodes" not in lean and "steps" not in lean
    for k, n in enumerate(full["nodes"]):
        assert n["id"] == f"n{k}"
        assert (lean["value_texts"][k], lean["grad_texts"][k]) == (n["value_text"], n["grad_text"])
    full_size = len(client.post("/api/evaluate", json=body).content)
    assert len(lean_raw) < full_size / 4


def test_a_constant_has_no_gradient_in_the_api(client: TestClient) -> None:
    answer = client.post("/api/evaluate", json={"expression": "x^2", "values": {"x": 3}}).json()
    two = next(n for n in answer["nodes"] if n["kind"] == "constant")
    assert two["grad"] is None and two["grad_text"] == "—"


def test_errors_span_their_parentheses_and_say_where_a_zero_came_from(
    client: TestClient,
) -> None:
    problem = client.post("/api/evaluate", json={"expression": "r = (-8)^(1/3)"}).json()
    assert (problem["column"], problem["length"]) == (5, len("(-8)^(1/3)"))
    problem = client.post("/api/evaluate", json={"expression": "log(sigmoid(-800))"}).json()
    assert "sigmoid(-800) underflows to 0" in problem["detail"]


def test_the_page_and_its_share_link_keep_the_level(client: TestClient) -> None:
    page = client.get("/", params={"expression": "y = a*b", "a": 1, "b": 2, "level": "lines"})
    assert '<option value="lines" selected>' in page.text
    assert "level=lines" in page.text


@pytest.mark.graphviz
def test_the_cli_renders_a_level(capsys: pytest.CaptureFixture[str]) -> None:
    program, values = mlp()
    args = ["render", program, *(f"{k}={v}" for k, v in values.items()), "--format", "dot"]
    assert main([*args, "--level", "lines"]) == 0
    assert 'class="value unit' in capsys.readouterr().out
    assert main([*args, "--level", "ops"]) == 0
    assert "unit" not in capsys.readouterr().out


@pytest.mark.graphviz
def test_the_page_its_share_link_and_exports_keep_the_open_boxes(client: TestClient) -> None:
    program, values = mlp()
    body = {"expression": program, "values": values, "svg": False, "level": "lines"}
    units = client.post("/api/evaluate", json=body).json()["units"]
    h1 = next(u["id"] for u in units if u["name"] == "out")  # a line of its own (no series)
    query = {"expression": program, **values, "level": "lines", "expand": f"{h1},nope,n99999999"}
    page = client.get("/", params=query).text.replace("&#45;", "-")  # dot's "-" in ids
    assert f'id="cluster-{h1}"' in page  # the no-JS page draws the box open
    assert f'name="expand" value="{h1}"' in page  # the form sends it on (bad words dropped)
    assert f"expand={h1}" in page  # and the links (steps pages, downloads) keep it
    closed = client.get("/", params={**query, "expand": ""}).text.replace("&#45;", "-")
    assert f'id="cluster-{h1}"' not in closed and 'name="expand" value=""' in closed
    assert f'id="cluster-{h1}"' in client.get("/export/graph.dot", params=query).text
    svg = client.get("/api/graph.svg", params=query).text.replace("&#45;", "-")
    assert f'id="cluster-{h1}"' in svg


@pytest.mark.graphviz
def test_an_old_share_link_naming_a_series_last_line_still_opens_the_series(
    client: TestClient,
) -> None:
    # before series had ids of their own, expand=<the series' last line> opened the series
    program, values = mlp()
    body = {"expression": program, "values": values, "svg": False, "level": "lines"}
    units = client.post("/api/evaluate", json=body).json()["units"]
    series = next(u for u in units if u["count"] > 1)  # h1 … h4
    h1, h4 = series["series"][0], series["series"][-1]
    query = {"expression": program, **values, "level": "lines"}

    def drawn(expand: str) -> str:
        return str(client.get("/", params={**query, "expand": expand}).text).replace("&#45;", "-")

    old = drawn(h4)
    assert f'id="{series["id"]}"' not in old  # the series drawn open: its lines one by one
    assert f'id="{h1}"' in old and f'id="{h4}"' in old
    assert f'id="cluster-{h4}"' not in old  # h4 itself closed, as the old link showed it
    both = drawn(f"{series['id']},{h4}")  # today's link for the series and h4 open
    assert f'id="cluster-{h4}"' in both and f'id="cluster-{h1}"' not in both
    assert f'id="{series["id"]}"' in drawn("")  # nothing asked: the series closed


@pytest.mark.graphviz
def test_an_open_call_is_drawn_with_its_body_through_the_api(client: TestClient) -> None:
    program, values = neurons()
    body = {"expression": program, "values": values, "level": "lines"}
    series = client.post("/api/evaluate", json=body).json()["units"][0]["id"]  # h1 … out
    units = client.post("/api/evaluate", json=body | {"expand": [series]}).json()["units"]
    h2 = units[1]["id"]
    expand = [series, h2]
    answer = client.post("/api/evaluate", json=body | {"svg": True, "expand": expand}).json()
    inner = [n for n in answer["nodes"] if n["group"] == h2]
    assert [n["op"] for n in inner if n["op"]] == ["*", "*", "+", "+", "tanh"]
    svg = answer["svg"].replace("&#45;", "-")
    assert all(f'id="{n["id"]}"' in svg for n in inner)
    query = {"expression": program, **values, "level": "lines", "expand": ",".join(expand)}
    assert svg.count("bind") == client.get("/api/graph.svg", params=query).text.count("bind") == 5


@pytest.mark.graphviz
def test_the_last_line_of_a_series_opens_on_its_own_in_the_api_and_the_page(
    client: TestClient,
) -> None:
    program, values = neurons()
    body = {"expression": program, "values": values, "level": "lines"}
    series = client.post("/api/evaluate", json=body).json()["units"][0]  # h1 … out
    last = series["series"][-1]
    assert series["id"] not in series["series"]  # the series' id is not its last line's
    expand = [series["id"], last]
    answer = client.post("/api/evaluate", json=body | {"svg": True, "expand": expand}).json()
    assert [u["open"] for u in answer["units"] if u["id"] in series["series"]] == [
        False,
        False,
        True,
    ]
    assert f'id="cluster-{last}"' in answer["svg"].replace("&#45;", "-")
    query = {"expression": program, **values, "level": "lines", "expand": ",".join(expand)}
    page = client.get("/", params=query).text.replace("&#45;", "-")  # no scripts: a share link
    assert f'id="cluster-{last}"' in page and f'value="{series["id"]},{last}"' in page


@pytest.mark.graphviz
def test_a_view_of_its_own_makes_the_automatic_picture_fit_that_panel(
    client: TestClient,
) -> None:
    seed = "c = a + b\nd = b + 1\ne = c * d"
    body = {"expression": seed, "values": {"a": 2, "b": 1}, "svg": True}
    desktop = client.post("/api/evaluate", json=body).json()
    same = client.post("/api/evaluate", json={**body, "view": [780, 480]}).json()
    phone = client.post("/api/evaluate", json={**body, "view": [340, 209]}).json()
    assert same["svg"] == desktop["svg"]  # the server's panel is what it draws for unasked
    assert (desktop["level"], phone["level"]) == ("ops", "ops")  # compact nodes fit a phone

    def width(svg: str) -> float:
        found = re.search(r'viewBox="[-\d.]+ [-\d.]+ ([\d.]+) [\d.]+"', svg)
        assert found is not None
        return float(found.group(1))

    assert width(phone["svg"]) <= view_points(340, 209)[0]  # whole across, at 9 px
    program, values = mlp()
    body = {"expression": program, "values": values, "svg": True, "view": [340, 209]}
    wide = client.post("/api/evaluate", json=body).json()
    # too tall for any first view: wrapped into rows as wide as the phone (reads down)
    assert width(wide["svg"]) <= view_points(340, 209)[0] * 1.1


@pytest.mark.parametrize("view", [[100, 400], [400], [400, 300, 1], ["400", 300]])
def test_a_view_is_two_sizes_in_pixels(client: TestClient, view: list[object]) -> None:
    body = {"expression": "a*b", "values": {"a": 1, "b": 2}, "view": view}
    answer = client.post("/api/evaluate", json=body)
    assert answer.status_code == 422, answer.text
    assert "view" in answer.text


@pytest.mark.graphviz
def test_evaluate_lists_the_boxes_the_picture_opened_by_itself(client: TestClient) -> None:
    chain = "\n".join(["t0 = x"] + [f"t{k} = t{k - 1} * 0.999 + 0.01" for k in range(1, 60)])
    body = {"expression": chain, "values": {"x": 0.5}, "svg": True}
    answer = client.post("/api/evaluate", json=body).json()
    assert answer["level"] == "lines"
    opened = [u for u in answer["units"] if u["open"]]
    assert [u["name"] for u in opened] == ["t0"]  # its operations fit: drawn open
    assert f'id="cluster-{opened[0]["id"]}"' in answer["svg"].replace("&#45;", "-")
    series = next(u for u in answer["units"] if u["count"] == 59)
    chosen = client.post("/api/evaluate", json=body | {"expand": [series["id"]]}).json()
    assert not any(u["open"] for u in chosen["units"])  # boxes chosen: none opens itself
