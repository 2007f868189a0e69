"""A teacher's paper: printed, the playground is the program, the whole picture and the
table, with no controls (print.css, print.js), on one A4 page for a small program."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Page, expect

from tests.browser.programs import long_program

pytestmark = pytest.mark.browser

SEED = "c = a + b\nd = b + 1\ne = c * d"


def test_printed_the_page_is_the_program_the_picture_and_the_table(
    page: Page, server: str, screenshots: Path, console_errors: list[str]
) -> None:
    page.goto(server + "/?" + urlencode({"expression": SEED, "a": 2, "b": 1}))
    expect(page.locator("#values-body tr")).to_have_count(5)
    page.click("#zoom-in")  # a zoomed view on screen: paper still gets the whole drawing
    page.click("#zoom-in")
    page.emulate_media(media="print")
    figure = page.locator("#graph-print > svg")
    expect(figure).to_be_visible()
    # every value node (the constant 1 is written in its use's operation, "+ 1")
    expect(figure.locator("g.node.value")).to_have_count(5)
    expect(figure.locator("g.node.op", has_text="1")).to_have_count(1)
    expect(page.locator("#program-print")).to_have_text(SEED)
    expect(page.locator("#values-body tr").first).to_be_visible()
    for control in ("#step-first", "#zoom-in", "#expression", "#in-a", "#train-panel", "#graph"):
        expect(page.locator(control)).to_be_hidden()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1280  # nothing wider than the paper's column (the picture is scaled)
    page.screenshot(path=screenshots / "print.png", full_page=True)
    pdf = page.pdf(format="A4")
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1  # the seed fits on one page
    page.emulate_media(media="screen")
    expect(page.locator("#graph-print")).to_have_count(0)  # removed after printing
    expect(page.locator("#graph")).to_be_visible()


def test_a_long_program_prints_whole(page: Page, server: str, screenshots: Path) -> None:
    program = long_program(30)
    page.goto(server + "/?" + urlencode({"expression": program, "w": 1, "x": 2, "y": 3}))
    expect(page.locator("#values-body tr").first).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator("#program-print")).to_have_text(program)
    rows = page.locator("#values-body tr")
    assert rows.count() > 10
    expect(rows.last).to_be_visible()  # no scrolling box cuts the table on paper
    page.screenshot(path=screenshots / "print-long.png", full_page=True)
