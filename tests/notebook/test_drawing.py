"""What a drawing is outside a kernel: the public names of `import chainrule`, the mime
bundle, saved files, the text fallback without `dot` or over the drawing budget."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import chainrule
from chainrule.notebook.drawing import options
from chainrule.notebook.magic import chainrule_cell
from tests.notebook.engines import Tiny

ROOT = Path(__file__).resolve().parents[2]


def test_the_public_face_is_the_engine_and_the_notebook_functions() -> None:
    a, b = chainrule.Value(2.0), chainrule.Value(1.0)
    e = (a + b) * (b + 1)
    e.backward()
    assert (e.data, a.grad, b.grad) == (6.0, 2.0, 5.0)
    assert chainrule.max(a, b).data == 2.0 and chainrule.pow(a, 3).data == 8.0
    assert [v.data for v in chainrule.topological_order(e)][-1] == 6.0
    run = chainrule.evaluate("c = a + b\nd = b + 1\ne = c * d", a=2, b=1)
    assert run.value == 6.0 and run.gradients["a"] == 2.0 and run.gradients["b"] == 5.0
    assert repr(run) == "e = 6; ∂e/∂a = 2, ∂e/∂b = 5"
    assert run.steps()[0] == "1. grad e = 1: grad c += 2 × 1 = 2; grad d += 3 × 1 = 3"


@pytest.mark.graphviz
def test_a_drawing_is_svg_and_text_and_saves_as_svg_png_pdf_and_dot(tmp_path: Path) -> None:
    x = chainrule.Value(-3.0, name="x")
    y = (x * x).tanh()
    y.backward()
    bundle = chainrule.draw(y)._repr_mimebundle_()
    assert set(bundle) == {"image/svg+xml", "text/html", "text/plain"}
    assert (
        bundle["image/svg+xml"].lstrip().startswith("<?xml") and "&#45;3" in bundle["image/svg+xml"]
    )
    assert "x: value -3, grad" in bundle["text/plain"]
    drawing = chainrule.draw(y)
    heads = {".svg": b"<?xml", ".png": b"\x89PNG", ".pdf": b"%PDF", ".dot": b"digraph"}
    for suffix, head in heads.items():
        path = drawing.save(tmp_path / f"g{suffix}")
        assert path.read_bytes().startswith(head), suffix
    with pytest.raises(ValueError, match=r"cannot save as '\.jpg'"):
        drawing.save(tmp_path / "g.jpg")
    run = chainrule.evaluate("e = (a+b)*(b+1)", a=2, b=1)
    assert run.save(tmp_path / "e.pdf").read_bytes().startswith(b"%PDF")
    x2 = Tiny(3.0)
    z = x2 - Tiny(1.0)
    z.backward()
    x2.grad = 5.0
    marked = chainrule.check(z).save(tmp_path / "check.svg").read_text(encoding="utf-8")
    assert 'class="node value input wrong"' in marked


def test_without_dot_the_display_is_text_that_says_how_to_install_graphviz() -> None:
    code = (
        "import chainrule\n"
        "x = chainrule.Value(2.0, name='x'); y = x * x; y.backward()\n"
        "bundle = chainrule.draw(y)._repr_mimebundle_()\n"
        "assert set(bundle) == {'text/html', 'text/plain'}, bundle.keys()\n"
        "assert 'apt-get install graphviz' in bundle['text/html']\n"
        "print(bundle['text/plain'])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={"PATH": "/nonexistent"},  # no `dot` to be found
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "x: value 2, grad 4" in out
    assert "apt-get install graphviz" in out and "conda install" in out and "brew install" in out


def test_a_graph_too_big_op_by_op_is_drawn_collapsed_and_over_budget_says_so() -> None:
    y = Tiny(0.0)
    for _ in range(4000):  # 8,001 nodes: over the drawing budget op by op
        y = y - Tiny(1.0)
    y.backward()
    drawing = chainrule.draw(y, names={})
    bundle = drawing._repr_mimebundle_()
    assert set(bundle) == {"image/svg+xml", "text/html", "text/plain"}  # a picture
    assert drawing.opts.level == "lines"
    assert "8,001 nodes drawn as 334 boxes" in bundle["text/html"]  # said in the banner
    every_op = chainrule.draw(y, names={}, level="ops")._repr_mimebundle_()
    assert "image/svg+xml" not in every_op  # asked for every op: too many to draw
    assert "nodes; drawing is limited to 3000" in every_op["text/plain"]
    assert "value -4000, grad 1" in every_op["text/plain"]


def test_the_level_option_is_passed_on() -> None:
    opts, notes = options("TB", "lines")
    assert opts.rankdir == "TB"
    assert opts.level == "lines" and notes == []
    assert options("LR", "ops")[1] == []  # op by op is what it draws anyway


def test_the_magic_reports_bad_flags_and_values_without_a_traceback(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert chainrule_cell("a=2 --rankdir UP", "a + 1") is None
    assert "invalid choice: 'UP'" in capsys.readouterr().err
    assert chainrule_cell("a=two", "a + 1") is None
    assert "value of a must be a finite number" in capsys.readouterr().err
    assert chainrule_cell("", "a + 1") is None
    assert "missing input value for a" in capsys.readouterr().err
    drawing = chainrule_cell("a=2 --ops", "a + 1")
    assert drawing is not None and drawing.opts.rankdir == "LR"
    drawing = chainrule_cell("a=2 --rankdir TB --lines", "a + 1")
    assert drawing is not None and drawing.opts.rankdir == "TB"
    assert drawing.opts.level == "lines"


def test_a_check_too_big_op_by_op_marks_the_boxes_that_hold_wrong_nodes() -> None:
    y = Tiny(0.0)
    chain = [y]
    for _ in range(400):  # 801 nodes: drawn collapsed
        y = y - Tiny(1.0)
        chain.append(y)
    y.backward()
    chain[200].grad = 5.0  # one wrong gradient, inside some box
    result = chainrule.check(y, names={})
    (wrong,) = result.mismatches
    drawing = result.drawing
    assert drawing is not None and drawing.opts.level == "lines"
    dot = drawing.dot()
    marked = [line for line in drawing.marks if "penwidth=3" in line]
    assert len(marked) == 1  # the one box holding the wrong node, outlined once
    box = marked[0].split('"')[1]
    assert f'"{box}" [id="{box}"' in dot  # a box the drawing has (not a new, stray node)
    assert f'"{wrong.node}" [id=' not in dot  # the wrong node itself is inside that box
