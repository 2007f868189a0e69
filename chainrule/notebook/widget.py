"""chainrule.sliders(program, a=2, b=1): the drawing with a slider per input (anywidget).

The drawing is laid out once; a slider's move re-evaluates the program in the kernel and
sends only the numbers (node id -> value and grad text, at the drawing's precision), which
the page writes into the SVG in place (chainrule/notebook/sliders.js). anywidget is optional:
`pip install anywidget`.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from chainrule.build import MissingValuesError
from chainrule.engine import EngineError
from chainrule.graph import fmt
from chainrule.lang import SourceError
from chainrule.notebook.program import Evaluated, evaluate

ESM = Path(__file__).with_name("sliders.js")
NEED = "chainrule.sliders needs anywidget: pip install anywidget"
LARGEST_SPAN = 1e300


def slider_range(x: float) -> tuple[float, float, float]:
    """Return (min, max, step) of an input's slider: the playground's rule (a power of ten
    around the value; static/js/inputs.js sliderRange, compared in the browser tests)."""
    span = 10.0 ** math.ceil(math.log10(max(abs(x), 1.0)))
    if abs(x) >= span:
        span *= 10
    span = min(span, LARGEST_SPAN)
    return -span, span, span / 1000


def numbers(run: Evaluated, precision: int) -> dict[str, list[str]]:
    """Return node id -> [value text, grad text], exactly as the drawing writes them."""
    return {n.id: [fmt(n.value, precision), fmt(n.grad, precision)] for n in run.graph().nodes}


def _widget_class() -> Any:
    try:
        import anywidget
        import traitlets
    except ImportError:
        raise ImportError(NEED) from None

    class Sliders(anywidget.AnyWidget):
        """The drawing of a program with a slider per input, patched in place."""

        _esm = ESM
        svg = traitlets.Unicode("").tag(sync=True)
        values = traitlets.Dict().tag(sync=True)
        ranges = traitlets.Dict().tag(sync=True)
        numbers = traitlets.Dict().tag(sync=True)
        error = traitlets.Unicode("").tag(sync=True)

        def __init__(self, program: str, values: dict[str, float], **draw: Any) -> None:
            run = evaluate(program, **values)
            drawing = run.draw(**draw)
            self.program, self.precision = program, drawing.opts.precision
            super().__init__(
                svg=drawing.svg(),
                values=dict(values),
                ranges={k: list(slider_range(v)) for k, v in values.items()},
                numbers=numbers(run, self.precision),
            )
            self.observe(self._changed, names="values")

        def _changed(self, change: dict[str, Any]) -> None:
            try:
                run = evaluate(self.program, **change["new"])
            except (SourceError, MissingValuesError, EngineError, ValueError) as exc:
                self.error = str(exc)
                return
            self.error = ""
            self.numbers = numbers(run, self.precision)

    return Sliders


def sliders(program: str, /, rankdir: str = "LR", **values: float) -> Any:
    """Return a widget: the program's drawing and a slider per input, updated in place."""
    return _widget_class()(program, {k: float(v) for k, v in values.items()}, rankdir=rankdir)
