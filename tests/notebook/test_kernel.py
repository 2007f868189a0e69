"""chainrule in a real Jupyter kernel: what a notebook shows for Values, programs, draw(),
check() and the %%chainrule magic (outputs read as a frontend reads them)."""

from __future__ import annotations

import pytest

from tests.notebook.kernel import html, numbers, plain, run_cells, stream, svgs, texts

pytestmark = [pytest.mark.graphviz, pytest.mark.slow]

SEED_EXAMPLE = (
    "import chainrule\n"
    "a, b = chainrule.Value(2.0, name='a'), chainrule.Value(1.0, name='b')\n"
    "e = (a + b) * (b + 1)\n"
    "e"
)


def test_a_value_displays_as_its_drawing_before_and_after_backward() -> None:
    before, after, printed = run_cells(SEED_EXAMPLE, "e.backward()\ne", "print(e)")
    (svg,) = svgs(before)
    assert "value 6" in numbers(svg) and "grad 0" in numbers(svg)
    (svg,) = svgs(after)
    shown = numbers(svg)
    assert {"value 6", "grad 1", "value 2", "grad 2", "value 1", "grad 5"} <= set(shown)
    assert "Value(data=6.0, grad=1.0" in plain(after)  # the text twin is the Value's repr
    assert not svgs(printed) and "Value(data=6.0" in stream(printed, "stdout")


def test_an_evaluated_program_and_a_draw_result_display_as_drawings() -> None:
    program, drawn = run_cells(
        "import chainrule\nchainrule.evaluate('c = a + b\\nd = b + 1\\ne = c * d', a=2, b=-2)",
        "x = chainrule.Value(-3.0, name='x')\ny = (x * x).tanh()\ny.backward()\n"
        "chainrule.draw(y, rankdir='TB')",
    )
    (svg,) = svgs(program)
    assert {"value -2", "value -1", "value 0", "grad -1"} <= set(numbers(svg))  # &#45; read
    assert {"c", "d", "e"} <= set(texts(svg))
    assert "e = 0; ∂e/∂a = -1, ∂e/∂b = -1" in plain(program)
    (svg,) = svgs(drawn)
    assert "value -3" in numbers(svg) and "tanh" in texts(svg) and "y" in texts(svg)


def test_check_marks_the_double_counting_engine_and_passes_a_correct_one() -> None:
    wrong, right = run_cells(
        "import chainrule\nfrom tests.notebook.engines import Recursive, Ordered, backprop\n"
        "x = Recursive(3.0)\nm = x + Recursive(1.0)\ny = m * m\ny.grad = 1.0\ny.backward()\n"
        "chainrule.check(y)",
        "x = Ordered(3.0)\nm = x + Ordered(1.0)\ny = m * m\nbackprop(y)\nchainrule.check(y)",
    )
    (svg,) = svgs(wrong)
    assert svg.count('class="node value input wrong"') == 2  # x and the 1: both marked
    assert " ".join(texts(svg)).count("grad yours 16 expected 8") == 2
    assert "check failed: 2 of 4 nodes disagree" in plain(wrong)
    assert "x (input): grad 16, expected 8" in plain(wrong)
    banner = html(wrong)  # JupyterLab shows text/html: the verdict and why are in it
    assert "check failed: 2 of 4 nodes disagree with chainrule" in banner
    assert "its backward ran 2 times" in banner and "look at: m = x + n1" in banner
    assert "check failed: 2 of 4 nodes disagree with chainrule" in texts(svg)  # and in the SVG
    (svg,) = svgs(right)
    assert "wrong" not in svg and "check passed: all 4 nodes agree" in plain(right)
    assert "check passed: all 4 nodes agree with chainrule" in html(right)


def test_the_magic_draws_the_cell_program_with_its_flags() -> None:
    _, drawn, lines, broken = run_cells(
        "%load_ext chainrule",
        "%%chainrule a=2 b=1\nc = a + b\nd = b + 1\ne = c * d",
        "%%chainrule a=2 b=1 --rankdir TB --steps --lines\ne = (a+b)*(b+1)",
        "%%chainrule x=1\ny = expp(x) + 1",
    )
    (svg,) = svgs(drawn)
    assert {"value 6", "grad 2", "grad 5"} <= set(numbers(svg))
    assert {"c", "d", "e"} <= set(texts(svg))
    (svg,) = svgs(lines)
    out = stream(lines, "stdout")
    assert "grad e = 1" in out and "grad b += 1 × 3 = 3" in out
    assert not svgs(broken)
    assert "1:5: unknown function 'expp'" in stream(broken, "stderr")
    assert all(o["output_type"] != "error" for o in broken)


def test_importing_chainrule_makes_values_draw_without_the_extension() -> None:
    (outputs,) = run_cells("from chainrule import Value\nValue(1.5) * 2")
    (svg,) = svgs(outputs)
    assert "value 3" in numbers(svg)


def test_a_displayed_value_names_its_nodes_by_the_notebooks_variables() -> None:
    (outputs,) = run_cells(
        "import chainrule\nw = chainrule.Value(-3.0)\nn = w * 2 + 1\nout = n.relu()\nout"
    )
    (svg,) = svgs(outputs)
    assert {"w", "n", "out"} <= set(texts(svg))


def test_sliders_display_as_a_widget_with_the_drawing_in_its_state() -> None:
    (outputs,) = run_cells(
        "import chainrule\nw = chainrule.sliders('e = (a+b)*(b+1)', a=2, b=1)\n"
        "w.values = {'a': 2.0, 'b': 3.0}\nw"
    )
    (view,) = [o for o in outputs if "application/vnd.jupyter.widget-view+json" in o["data"]]
    assert view["data"]["application/vnd.jupyter.widget-view+json"]["model_id"]


def test_the_html_face_fits_the_cell_and_carries_a_programs_warnings() -> None:
    (outputs,) = run_cells(
        "import chainrule\nchainrule.evaluate('u = a * 2\\ne = b + 1', a=2, b=1)"
    )
    face = html(outputs)
    assert "'u' (line 1) is assigned but never used" in face  # the warning, where Lab shows it
    assert 'style="max-width:100%;height:auto' in face  # the drawing scales to the cell
    assert 'class="chainrule-full"' in face  # a click shows it at full size


def test_constants_carry_no_gradient_in_any_face() -> None:
    built, program, learner = run_cells(
        "import chainrule\nb = chainrule.Value(1.0, name='b')\ne = (b + 1) * b\n"
        "e.backward()\nchainrule.draw(e)",
        "chainrule.evaluate('e = (b + 1) * b', b=1)",
        "from micrograd.engine import Value\nx = Value(3.0)\ny = x**2 + x**0.5\ny.backward()\n"
        "chainrule.draw(y)",
    )
    for outputs in (built, program, learner):
        (svg,) = svgs(outputs)
        shown = texts(svg)
        assert "nan" not in shown and "—" not in shown  # no gradient drawn for a constant
    assert "+ 1" in texts(svgs(built)[0]) and "+ 1" in texts(svgs(program)[0])  # beside its use
    assert {"^ 2", "^ 0.5"} <= set(texts(svgs(learner)[0]))
    for outputs in (built, program):  # b (grad 3), b + 1 (grad 1), e (grad 1): no fourth
        grads = sorted(g for g in numbers(svgs(outputs)[0]) if g.startswith("grad"))
        assert grads == ["grad 1", "grad 1", "grad 3"]


def test_params_name_a_micrograd_mlps_nodes() -> None:
    (outputs,) = run_cells(
        "import random\nimport chainrule\nfrom micrograd.nn import MLP\nrandom.seed(1)\n"
        "model = MLP(2, [3, 1])\nout = model([0.5, -1.0])\nout.backward()\n"
        "names = {f'w{i}': p for i, p in enumerate(model.parameters())}\n"
        "chainrule.draw(out, params=names)"
    )
    (svg,) = svgs(outputs)
    assert {f"w{i}" for i in range(13)} <= set(texts(svg))  # 3*(2+1) + (3+1) parameters
