"""Settings read the language's limits from chainrule/lang/limits.py: one source for each limit."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest
from pydantic import TypeAdapter

from app.config import Settings
from app.schemas.common import QUERY_NAME, Identifier
from app.schemas.optimize import MAX_ROWS, MAX_STEPS, OptimizeRequest
from chainrule.budget import DEFAULT_BUDGET_LIMITS, BudgetLimits
from chainrule.json_reader import JSONLimits
from chainrule.lang import DEFAULT_LIMITS, Limits, ParseError, parse
from chainrule.render import Renderer
from chainrule.train.bounds import Bounds, LiveBounds


def test_the_settings_defaults_are_the_languages_limits() -> None:
    assert Settings().limits() == DEFAULT_LIMITS


def test_every_language_limit_is_a_setting() -> None:
    settings = Settings.model_validate({f.name: 7 for f in dataclasses.fields(DEFAULT_LIMITS)})
    assert all(getattr(settings.limits(), f.name) == 7 for f in dataclasses.fields(DEFAULT_LIMITS))


def test_a_name_limit_set_in_the_environment_reaches_the_parser(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CHAINRULE_MAX_NAME_LENGTH", "5")
    limits = Settings().limits()
    parse("abcde + 1", limits)
    with pytest.raises(ParseError, match="the limit is 5"):
        parse("abcdef + 1", limits)


# Each limit has one source, a dataclass field's default; its setting and every schema
# bound read it (CONTRIBUTING.md: how to add a limit).
SETTINGS_OF = [
    (Limits, "", Settings.limits),
    (BudgetLimits, "budget_", Settings.budget_limits),
    (Bounds, "optimize_", Settings.bounds),
    (LiveBounds, "live_", Settings.live_bounds),
    (JSONLimits, "json_", Settings.json_limits),
]


@pytest.mark.parametrize(("kind", "prefix", "read"), SETTINGS_OF)
def test_every_limit_is_a_setting_whose_default_is_the_dataclass_default(
    kind: type, prefix: str, read: Callable[[Settings], object]
) -> None:
    defaults = Settings.model_fields
    for f in dataclasses.fields(kind):
        assert defaults[prefix + f.name].default == f.default, f.name
    assert read(Settings()) == kind()


@pytest.mark.parametrize(("kind", "prefix", "read"), SETTINGS_OF)
def test_a_limit_set_in_the_settings_reaches_its_dataclass(
    kind: type, prefix: str, read: Callable[[Settings], object]
) -> None:
    names = [f.name for f in dataclasses.fields(kind) if f.name != "max_depth"]
    settings = Settings.model_validate({prefix + name: 7 for name in names})
    assert all(getattr(read(settings), name) == 7 for name in names)


def test_the_schema_bounds_are_the_limits_defaults() -> None:
    bounds = Bounds()
    assert (bounds.max_rows, bounds.max_steps) == (MAX_ROWS, MAX_STEPS)
    steps = OptimizeRequest.model_json_schema()["properties"]["steps"]["anyOf"][0]
    assert steps["maximum"] == bounds.max_steps
    name = TypeAdapter(Identifier).json_schema()
    assert name["maxLength"] == DEFAULT_LIMITS.max_name_length
    assert QUERY_NAME.fullmatch("a" * DEFAULT_LIMITS.max_name_length)
    assert not QUERY_NAME.fullmatch("a" * (DEFAULT_LIMITS.max_name_length + 1))


def test_the_renderers_defaults_are_the_drawing_budget() -> None:
    renderer = Renderer()
    assert renderer.max_nodes == DEFAULT_BUDGET_LIMITS.draw_nodes
    assert renderer.timeout == DEFAULT_BUDGET_LIMITS.dot_seconds
    assert Settings().render_cache_size == renderer.cache_size  # one cache size: the renderer's
