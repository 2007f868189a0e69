"""One number format, the server's: the page writes every number as the API does."""

from __future__ import annotations

import json
import math
import random
from urllib.parse import urlencode
from urllib.request import Request, urlopen

import pytest
from playwright.sync_api import Page, expect

from chainrule.graph import fmt

pytestmark = pytest.mark.browser


def api_texts(server: str, expression: str, values: dict[str, float], node: str) -> list[str]:
    """A named node's value as POST /api/evaluate writes it: in the drawing (the server's
    default digits) and in the table's row (the table's digits)."""
    body = json.dumps({"expression": expression, "values": values}).encode()
    request = Request(
        server + "/api/evaluate", data=body, headers={"Content-Type": "application/json"}
    )
    with urlopen(request, timeout=30) as answer:
        data = json.load(answer)
    drawn = next(n["value_text"] for n in data["nodes"] if n["name"] == node)
    row = next(r["value_text"] for r in data["rows"] if r["name"] == node)
    return [str(drawn), str(row)]


def test_a_third_reads_the_same_from_the_server_and_after_a_value_change(
    page: Page, server: str, console_errors: list[str]
) -> None:
    page.goto(server + "/?" + urlencode({"expression": "y = a/3", "a": 1}))
    first, first_row = api_texts(server, "y = a/3", {"a": 1}, "y")
    assert first == first_row == "0.3333"  # one precision: the table's is the drawing's
    expect(page.locator("#output-value")).to_have_text(first)
    y_row = page.locator("#values-body tr", has=page.locator('th:text-is("y")'))
    expect(y_row.locator(".value")).to_have_text(first_row)
    # A value change is answered with numbers only and patched in: the same format.
    page.fill("#in-a", "2")
    second, second_row = api_texts(server, "y = a/3", {"a": 2}, "y")
    assert second == second_row == "0.6667"
    expect(page.locator("#output-value")).to_have_text(second)
    expect(y_row.locator(".value")).to_have_text(second_row)
    node = y_row.get_attribute("data-node")
    # the box's value: after its "value" word, or (the compact node) its last text but one
    drawn = page.evaluate(
        """(id) => {
            const t = [...document.querySelectorAll(`#graph > svg g[id="${id}"] text`)]
              .map((x) => x.textContent);
            const k = t.lastIndexOf("value");
            return k >= 0 ? t[k + 1] : t.at(-2);
        }""",
        node,
    )
    assert drawn == second


def test_the_pages_format_is_the_servers_for_every_number(
    page: Page, server: str, console_errors: list[str]
) -> None:
    """Ties (0.125, 2.5, 1234.5: half to even), decades, tiny and huge numbers, random doubles."""
    rng = random.Random(26)
    numbers = [0.125, 2.5, 9.5, 1234.5, 0.25, 99999.5, 1 / 3, -2 / 3, 1e16, 1e-5, 1e-4]
    numbers += [0.00012345, -2.5e-7, 1.5e6, 5e-324, 1.7976931348623157e308, 6.0, -0.0]
    numbers += [rng.uniform(-1e3, 1e3) for _ in range(300)]
    numbers += [rng.choice([1, -1]) * 10 ** rng.uniform(-12, 12) for _ in range(300)]
    numbers += [rng.randint(-(10**6), 10**6) / rng.choice([2, 8, 32, 1024]) for _ in range(300)]
    cases = [(x, p) for x in numbers if math.isfinite(x) for p in (1, 2, 3, 4, 6)]
    page.goto(server + "/")
    page_texts = page.evaluate(
        """async (cases) => {
            const src = document.querySelector('script[src*="js/app.js"]').src;
            const { fmt } = await import(new URL("format.js", src).href);
            return cases.map(([x, p]) => fmt(x, p));
        }""",
        cases,
    )
    wrong = [(x, p, t) for (x, p), t in zip(cases, page_texts, strict=True) if t != fmt(x, p)]
    assert len(page_texts) == len(cases) > 4000  # 918 numbers at 5 precisions
    assert wrong == []
