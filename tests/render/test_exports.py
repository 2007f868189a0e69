"""A teacher's output: high-resolution PNG (?scale= / --scale), PDF, and an <img> of
/api/graph.svg that shows why a program cannot be drawn instead of a broken image."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from chainrule.cli import main
from chainrule.render.bitmap import png_pixels

pytestmark = pytest.mark.graphviz
SEED = {"expression": "(a+b)*(b+1)", "a": "2", "b": "1"}
IMG_ACCEPT = "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8"  # an <img>
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(access_log=False))) as c:
        yield c


def test_scale_3_draws_three_times_the_pixels_on_each_side(client: TestClient) -> None:
    one = client.get("/export/graph.png", params=SEED)
    three = client.get("/export/graph.png", params={**SEED, "scale": "3"})
    assert one.status_code == three.status_code == 200
    (w1, h1), (w3, h3) = png_pixels(one.content), png_pixels(three.content)
    assert w3 == pytest.approx(3 * w1, rel=0.05) and h3 == pytest.approx(3 * h1, rel=0.05)
    assert three.headers["x-chainrule-scale"] == "3"


@pytest.mark.parametrize("scale", ["0", "9", "-1", "abc", "nan"])
def test_a_scale_out_of_range_is_a_422_naming_it(client: TestClient, scale: str) -> None:
    answer = client.get("/export/graph.png", params={**SEED, "scale": scale})
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["field"] == "scale"


def test_the_pdf_export_is_a_pdf_of_the_graph(client: TestClient) -> None:
    answer = client.get("/export/graph.pdf", params=SEED)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF-")
    assert 'filename="chainrule.pdf"' in answer.headers["content-disposition"]


def test_the_page_links_the_pdf_and_the_print_png(client: TestClient) -> None:
    page = client.get("/", params=SEED).text
    assert 'id="dl-pdf" href="/export/graph.pdf?' in page
    assert "scale=3" in page.split('id="dl-png-print"')[1].split(">")[0]


def test_an_img_of_a_program_that_cannot_be_computed_shows_the_error(client: TestClient) -> None:
    params = {"expression": "y = log(x)", "x": "-1"}
    answer = client.get("/api/graph.svg", params=params, headers={"Accept": IMG_ACCEPT})
    assert answer.status_code == 422  # the problem's status
    assert answer.headers["content-type"].startswith("image/svg+xml")
    root = ET.fromstring(answer.text)
    words = " ".join(root.itertext())
    assert "Cannot compute the program (422)" in words
    assert "log" in words and "line 1, column" in words
    assert root.get("role") == "img" and "cannot draw" in (root.get("aria-label") or "")


def test_the_error_image_escapes_the_program(client: TestClient) -> None:
    params = {"expression": "<script>alert(1)</script> + &"}
    answer = client.get("/api/graph.svg", params=params, headers={"Accept": "image/*"})
    assert answer.status_code == 422
    assert "<script" not in answer.text
    ET.fromstring(answer.text)  # well-formed XML whatever the program


def test_a_client_that_asks_for_json_still_gets_problem_json(client: TestClient) -> None:
    params = {"expression": "y = log(x)", "x": "-1"}
    for accept in ("application/json", "*/*", "text/html,application/xhtml+xml,image/avif,*/*"):
        answer = client.get("/api/graph.svg", params=params, headers={"Accept": accept})
        assert answer.status_code == 422
        assert answer.headers["content-type"] == "application/problem+json", accept


def test_missing_values_are_an_image_too(client: TestClient) -> None:
    params = {"expression": "a*b"}
    answer = client.get("/api/graph.svg", params=params, headers={"Accept": "image/*"})
    assert answer.status_code == 422
    assert "Missing input values" in " ".join(ET.fromstring(answer.text).itertext())


def test_the_cli_writes_a_pdf_and_a_scaled_png(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pdf, one, three = tmp_path / "g.pdf", tmp_path / "g1.png", tmp_path / "g3.png"
    assert main(["render", "(a+b)*(b+1)", "a=2", "b=1", "-o", str(pdf)]) == 0
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert main(["render", "(a+b)*(b+1)", "a=2", "b=1", "-o", str(one)]) == 0
    assert main(["render", "(a+b)*(b+1)", "a=2", "b=1", "--scale", "3", "-o", str(three)]) == 0
    (w1, _), (w3, _) = png_pixels(one.read_bytes()), png_pixels(three.read_bytes())
    assert w3 == pytest.approx(3 * w1, rel=0.05)
    assert main(["render", "x", "x=1", "--scale", "0", "-o", str(one)]) == 2
    capsys.readouterr()
