"""The lines level's legend joins a wrapped row only where it fits the view's width."""

from __future__ import annotations

from chainrule.render.orientation import BUS, GAP_X, roomiest

BOXES = {"a": (200.0, 38.0), "b": (100.0, 38.0), "c": (60.0, 38.0)}


def test_the_legend_joins_the_last_row_when_it_has_room() -> None:
    assert roomiest([["a"], ["b"]], BOXES, 80.0, 200.0 + GAP_X + 80.0 + BUS) == 1


def test_the_legend_joins_the_roomiest_row_when_the_last_is_full() -> None:
    assert roomiest([["c"], ["a"]], BOXES, 80.0, 200.0 + BUS) == 0


def test_a_legend_too_wide_for_every_row_gets_a_row_of_its_own() -> None:
    # a phone's panel: no row has room beside its boxes (it would stick out sideways)
    assert roomiest([["a"], ["b"]], BOXES, 220.0, 300.0 + BUS) is None
