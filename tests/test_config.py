"""Settings read the language's limits from app/lang/limits.py: one source for each limit."""

from __future__ import annotations

import dataclasses

import pytest

from app.config import Settings
from app.lang import DEFAULT_LIMITS, ParseError, parse


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
