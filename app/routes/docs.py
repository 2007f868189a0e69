"""GET /docs (Swagger UI) and /redoc (ReDoc), served with their assets from this app.

The assets come from the pinned `fastapi-offline` package (Swagger UI's bundle and CSS,
ReDoc's standalone bundle, a favicon), mounted at /docs-assets: the documentation works
behind a firewall, on an offline course server and in the image. No CDN, no web fonts.

Both pages are made accessible around the bundles (WCAG 2.1 AA, checked by axe-core in
tests/browser/test_a11y.py): the page has a language and a main landmark, static/css/docs.css
brings every text to a contrast of 4.5:1, and static/js/docs-a11y.js makes the scrolling code
samples reachable by keyboard. Swagger UI's deep links are off: they put a link inside each
operation's button (an interactive element inside another).
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import fastapi_offline
from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS_URL = "/docs-assets"
STATIC_URL = "/static"  # the playground's own static files (app/routes/pages.py)
ASSETS_DIR = Path(fastapi_offline.__file__).resolve().parent / "static"
INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)

router = APIRouter(include_in_schema=False)
router.mount(ASSETS_URL, StaticFiles(directory=ASSETS_DIR), name="docs-assets")


def _csp_for(html: str, extra: str = "") -> str:
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in INLINE_SCRIPT.findall(html)
    )
    return (
        f"default-src 'self'; img-src 'self' data:; style-src 'self'{extra}; "
        f"script-src 'self' {hashes}; frame-ancestors 'none'; object-src 'none'; "
        "base-uri 'none'"
    )


A11Y_HEAD = f'<link rel="stylesheet" href="{STATIC_URL}/css/docs.css">'
A11Y_BODY = f'<script src="{STATIC_URL}/js/docs-a11y.js" defer></script>'


def accessible(html: str, root: str) -> str:
    """Return the generated page with a language, a main landmark around root (the element
    the bundle renders into) and the docs' own stylesheet and script."""
    html = html.replace("<html>", '<html lang="en">', 1)
    html = html.replace("</head>", f"{A11Y_HEAD}\n</head>", 1)
    start = html.index(root)
    end = html.index(">", html.index("</", start)) + 1  # the root's closing tag
    html = f"{html[:start]}<main>{html[start:end]}</main>{html[end:]}"
    return html.replace("</body>", f"{A11Y_BODY}\n</body>", 1)


def _page(page: HTMLResponse, root: str, extra: str = "") -> HTMLResponse:
    html = accessible(bytes(page.body).decode("utf-8"), root)
    return HTMLResponse(html, headers={"Content-Security-Policy": _csp_for(html, extra)})


@router.get("/docs")
def docs(request: Request) -> HTMLResponse:
    """Serve the interactive API documentation (Swagger UI)."""
    return _page(
        get_swagger_ui_html(
            openapi_url=request.app.openapi_url or "/openapi.json",
            title=f"{request.app.title} — API",
            swagger_js_url=f"{ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS_URL}/favicon.png",
            swagger_ui_parameters={"deepLinking": False},
        ),
        '<div id="swagger-ui">',
    )


@router.get("/redoc")
def redoc(request: Request) -> HTMLResponse:
    """Serve the API reference (ReDoc; it styles itself inline and renders in a worker)."""
    return _page(
        get_redoc_html(
            openapi_url=request.app.openapi_url or "/openapi.json",
            title=f"{request.app.title} — API reference",
            redoc_js_url=f"{ASSETS_URL}/redoc.standalone.js",
            redoc_favicon_url=f"{ASSETS_URL}/favicon.png",
            with_google_fonts=False,
        ),
        "<redoc ",
        " 'unsafe-inline'; worker-src blob:",
    )
