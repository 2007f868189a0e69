"""One model of the drawing options: its defaults are DRAW_DEFAULTS, its bounds PRECISION,
a query string is written from it and read back into it in one place, the page hands its
defaults to the script as data, and an <img> with a bad option gets a picture of the problem."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html import unescape

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from app.schemas.common import DRAW_FIELDS, DrawOptions, DrawQuery
from chainrule.render.style import COMPACT_ABOVE, DRAW_DEFAULTS, PRECISION


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(access_log=False))) as c:
        yield c


def test_the_defaults_are_the_drawing_defaults_and_the_bounds_precision() -> None:
    assert DrawOptions().dot() == DRAW_DEFAULTS
    schema = DrawOptions.model_json_schema()["properties"]
    assert (schema["precision"]["minimum"], schema["precision"]["maximum"]) == PRECISION
    assert f"above {COMPACT_ABOVE} operations" in schema["compact"]["description"]


def test_a_query_written_from_options_reads_back_as_the_same_options() -> None:
    options = DrawOptions(
        rankdir="TB",
        local_grads=True,
        precision=7,
        constants=False,
        compact=False,
        level="lines",
        expand=["n3", "n7"],
    )
    words = dict(options.query())
    assert words == {
        "rankdir": "TB",
        "local_grads": "true",
        "precision": "7",
        "constants": "false",
        "compact": "false",
        "level": "lines",
        "expand": "n3,n7",
    }
    assert DrawQuery.model_validate(words).options() == options
    assert DrawOptions().query() == []  # the defaults are left out of a link


def test_the_lenient_reading_takes_each_bad_option_as_its_default() -> None:
    options = DrawQuery.lenient({"rankdir": "XY", "precision": "99", "level": "ops"})
    assert (options.rankdir, options.precision, options.level) == ("auto", PRECISION[1], "ops")
    assert DrawQuery.lenient({"precision": "²", "compact": "banana"}) == DrawOptions()


def test_the_page_hands_its_defaults_to_the_script(client: TestClient) -> None:
    html = client.get("/").text
    found = re.search(r'data-draw-defaults="([^"]*)"', html)
    assert found
    assert json.loads(unescape(found.group(1))) == DrawOptions().model_dump()
    assert list(json.loads(unescape(found.group(1)))) == list(DRAW_FIELDS)


def test_an_image_client_with_a_bad_option_gets_a_picture_of_the_problem(
    client: TestClient,
) -> None:
    params = {"expression": "a", "a": "1", "precision": "99"}
    answer = client.get("/api/graph.svg", params=params, headers={"Accept": "image/*"})
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("image/svg+xml")
    assert "precision" in " ".join(ET.fromstring(answer.text).itertext())
