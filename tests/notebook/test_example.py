"""The example notebook (examples/notebooks/chainrule.ipynb) runs clean in a real kernel
and shows what its text says: the seeds' e = (a+b)*(b+1), a neuron, and a hand-written
Scalar whose double counting check() catches, then passes once fixed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.notebook.kernel import html, plain, run_example, stream, svgs, texts

pytestmark = [pytest.mark.graphviz, pytest.mark.slow]


def outputs_of(nb: Any, starts: str) -> list[Any]:
    """The outputs of the one code cell whose source starts with `starts`."""
    (cell,) = [c for c in nb.cells if c.cell_type == "code" and c.source.startswith(starts)]
    return list(cell.outputs)


def test_the_example_notebook_runs_clean_and_shows_its_drawings(tmp_path: Path) -> None:
    nb = run_example(tmp_path)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(o["output_type"] != "error" for c in code for o in c.outputs)
    assert all(stream(c.outputs, "stderr") == "" for c in code)

    (svg,) = svgs(outputs_of(nb, "run = chainrule.evaluate"))
    shown = texts(svg)
    assert {"a", "b", "c", "d", "e", "6", "2", "5"} <= set(shown)
    assert "{'a': 2.0, 'b': 5.0, 'c': 2.0, 'd': 3.0, 'e': 1.0}" in plain(outputs_of(nb, "run.grad"))

    magic = outputs_of(nb, "%%chainrule")
    assert svgs(magic) and "grad b += 1 × 3 = 3" in stream(magic, "stdout")

    (svg,) = svgs(outputs_of(nb, "x1, x2 ="))
    assert "0.7071" in texts(svg) and "tanh" in texts(svg)
    assert "(0.7071, -1.5, 1.0)" in plain(outputs_of(nb, "round(o.data"))
    assert (tmp_path / "neuron.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")

    assert plain(outputs_of(nb, "x = Scalar(3.0)")).strip() == "16.0"  # the bug: 2 × 8
    caught = outputs_of(nb, "result = chainrule.check(y)")
    (svg,) = svgs(caught)
    assert svg.count("wrong") >= 2 and " ".join(texts(svg)).count("grad yours 16 expected 8") == 2
    assert "check failed: 2 of 4 nodes disagree" in plain(caught)
    banner = html(caught)  # what JupyterLab shows: the verdict and why, above the drawing
    assert "check failed: 2 of 4 nodes disagree with chainrule" in banner
    assert "is used twice by one op (y = m × m) and its backward ran 2 times" in banner
    assert "look at: m = x + n1" in banner
    assert "used twice by one op" in plain(outputs_of(nb, "result.reasons"))
    listed = plain(outputs_of(nb, "result.ok"))
    assert "(False, [('x (input)', 16.0, 8.0), ('n1 (input 1)', 16.0, 8.0)])" in listed

    fixed = outputs_of(nb, "x = Scalar2(3.0)")
    (svg,) = svgs(fixed)
    assert "wrong" not in svg and "check passed: all 4 nodes agree" in plain(fixed)
    assert "check passed: all 4 nodes agree with chainrule" in html(fixed)
    refused = stream(outputs_of(nb, "try:"), "stdout")
    assert "no operands found under the root" in refused and "operands='<attribute>'" in refused
    assert "check passed: all 4 nodes agree" in plain(
        outputs_of(nb, "chainrule.check(y, operands=")
    )
