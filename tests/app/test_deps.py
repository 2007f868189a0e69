"""One request, one budget (app/deps.py): everything the no-JS page does for a view,
its build and its finite differences, is charged to the request's one budget."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app

# One build of the program, then two per input for its finite difference: three in all.
VIEW = "/?expression=y+%3D+a+*+2&a=1"


def page(rebuilds: int) -> str:
    settings = Settings(access_log=False, budget_rebuilds=rebuilds)
    with TestClient(create_app(settings)) as client:
        response = client.get(VIEW)
    assert response.status_code == 200, response.text
    text: str = response.text
    return text


def test_the_pages_numeric_check_is_charged_to_the_requests_budget() -> None:
    text = page(rebuilds=2)  # the build fits, its check's two more do not
    assert "Numeric check skipped" in text
    assert "over the rebuilds budget" in text


@pytest.mark.parametrize("rebuilds", [3, 2_000])
def test_the_page_checks_its_gradients_when_the_budget_has_room(rebuilds: int) -> None:
    assert "Numeric check skipped" not in page(rebuilds)
