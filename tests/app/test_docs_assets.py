"""The API documentation pages name only assets the app serves itself (no CDN)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app

ASSET = re.compile(r"""(?:src|href)=["']([^"']+)["']""")


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_docs_pages_load_their_assets_from_the_app(path: str) -> None:
    with TestClient(create_app(Settings(access_log=False))) as c:
        page = c.get(path)
        assert page.status_code == 200
        assert "http://" not in page.text and "https://" not in page.text
        assets = ASSET.findall(page.text)
        # the bundles' assets, and the app's own accessibility stylesheet and script
        ours = ("/docs-assets/", "/static/css/docs.css", "/static/js/docs-a11y.js")
        assert assets and all(a.startswith(ours) for a in assets), assets
        for asset in assets:
            got = c.get(asset)
            assert got.status_code == 200 and len(got.content) > 500, asset
        csp = page.headers["content-security-policy"]
        assert "cdn" not in csp and "https:" not in csp
