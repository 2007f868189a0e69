"""chainrule.sliders: the kernel's half of the widget (the page's half is in
tests/browser/test_notebook_widget.py): a value change sends the numbers only."""

from __future__ import annotations

import pytest

import chainrule
from chainrule.notebook.widget import slider_range

pytestmark = pytest.mark.graphviz

PROGRAM = "c = a + b\nd = b + 1\ne = c * d"


def test_a_value_change_sends_every_nodes_numbers_as_the_drawing_writes_them() -> None:
    w = chainrule.sliders(PROGRAM, a=2, b=1)
    assert w.ranges == {"a": [-10.0, 10.0, 0.01], "b": [-10.0, 10.0, 0.01]}
    assert w.numbers["n5"] == ["6", "1"] and w.numbers["n1"] == ["1", "5"]
    svg = w.svg
    w.values = {"a": 3.0, "b": -1.5}
    assert w.numbers["n5"] == ["-0.75", "1"]  # e = (a+b)(b+1) = 1.5 × (-0.5)
    assert w.numbers["n1"] == ["-1.5", "1"]  # de/db = (b+1) + (a+b) = -0.5 + 1.5
    assert w.numbers["n0"] == ["3", "-0.5"]  # de/da = b+1
    assert w.svg == svg and w.error == ""  # the picture itself is never re-sent


def test_a_value_out_of_the_domain_is_said_and_the_last_numbers_stay() -> None:
    w = chainrule.sliders("y = log(x)", x=2)
    before = dict(w.numbers)
    w.values = {"x": -1.0}
    assert w.error == "1:5: log(-1.0): operand must be > 0" and w.numbers == before
    w.values = {"x": 1.0}
    assert w.error == "" and w.numbers["n1"] == ["0", "1"]


def test_slider_ranges_are_a_power_of_ten_around_the_value() -> None:
    assert slider_range(0.0) == (-1.0, 1.0, 0.001)
    assert slider_range(2.0) == (-10.0, 10.0, 0.01)
    assert slider_range(-10.0) == (-100.0, 100.0, 0.1)
