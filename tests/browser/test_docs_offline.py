"""/docs and /redoc work offline: every request the browser makes stays on the server."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, Route


@pytest.mark.parametrize(
    ("path", "rendered"),
    [("/docs", ".swagger-ui .info .title"), ("/redoc", "h1:has-text('chainrule')")],
)
def test_api_docs_render_with_no_request_leaving_the_server(
    page: Page, server: str, path: str, rendered: str, console_errors: list[str]
) -> None:
    ours = urlsplit(server).netloc
    elsewhere: list[str] = []

    def guard(route: Route) -> None:
        url = urlsplit(route.request.url)
        if url.scheme in ("http", "https") and url.netloc != ours:
            elsewhere.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    page.route("**/*", guard)
    page.goto(server + path)
    page.locator(rendered).first.wait_for(timeout=20_000)
    assert "chainrule" in page.locator(rendered).first.inner_text()
    assert elsewhere == []
    # ReDoc's "powered by" footer names a logo on its vendor's CDN; the CSP blocks it before
    # any request is made (so `elsewhere` stays empty). That one refusal is expected.
    console_errors[:] = [e for e in console_errors if "cdn.redoc.ly/redoc/logo" not in e]
