"""The playground in a real browser (Chromium via Playwright) at real sizes.

    python bench/playground.py [--sizes 50,200,600,1000] [--repeats 15]

For chains of N operations (tests/browser/programs.chain), against a real uvicorn:
- first picture: a new program submitted -> its drawing on screen (ms);
- value change: a value typed on an idle page -> the new number visible in the drawing
  (median, p90 ms);
- drag: 20 slider moves 150 ms apart (a 3 s drag; --drag-ms) -> how many were redrawn;
- SVG bytes per drawn node, and the evaluate answer's size without the drawing.
Targets (issue 12): value change <= 150 ms median at 600 ops and <= 60 ms at 50 ops; a drag
of 20 moves redraws >= 15 times.

    python bench/playground.py --first-view [--repeats 15]

The first-view table (issues 16 and 26), for programs a course writes (a one-line neuron,
the seeds' exercise, an MLP, a convolution with a shared kernel, an RNN with shared
weights, softmax cross-entropy, neurons as user functions, two 60-line programs) at
1280x800 and on a phone (390x844): the level drawn, the share of the drawing's labels
inside the view at >= 9 px, copies drawn, and the value-change latency at 600 operations,
for an input used once (the chain's x) and for a weight used by every line (w), at the
automatic level and at the op level. Targets: 100% of labels up to ~60 lines, 0 copies,
<= 50 ms at 600 ops.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import Page, sync_playwright  # noqa: E402

from tests.browser.conftest import CHROMIUM_ARGS  # noqa: E402
from tests.browser.programs import (  # noqa: E402
    chain,
    convolution,
    long_program,
    mlp,
    neuron,
    neurons,
    rnn,
    seeds_exercise,
    shared_chain,
    softmax_xent,
    wide_program,
)
from tests.support.server import running_server  # noqa: E402

# In the page: node `id`'s value as drawn, by the box showing it (a series: the box of its
# last line), after its "value" word, else its last text but one (the compact node).
DRAWN_VALUE = """const value = () => {
    const box = `#graph > svg g[id="${id}"] text, #graph > svg g.of-${id} text`;
    const t = [...document.querySelectorAll(box)].map((x) => x.textContent);
    const k = t.lastIndexOf("value");
    return k >= 0 ? t[k + 1] : t.at(-2);
  };"""

# In the page: submit a program, then wait for a drawing whose output node is drawn.
FIRST_PICTURE = """async ([program, output]) => {
  document.getElementById('output-name').textContent = '';
  const t0 = performance.now();
  document.getElementById('expression').value = program;
  document.getElementById('playground').requestSubmit();
  const drawn = () => {
    const svg = document.querySelector('#graph > svg');
    return svg && document.getElementById('output-name').textContent === output
      && !document.getElementById('graph').classList.contains('loading') ? svg : null;
  };
  while (!drawn()) await new Promise((r) => requestAnimationFrame(r));
  await new Promise((r) => requestAnimationFrame(r));  // painted
  return performance.now() - t0;
}"""

# Type a value; wait until the output's drawn value changes.
VALUE_CHANGE = """async ([x, id]) => {
  DRAWN_VALUE
  const before = value();
  const field = document.getElementById('in-x');
  const t0 = performance.now();
  field.value = String(x);
  field.dispatchEvent(new Event('input', { bubbles: true }));
  while (value() === before) {
    await new Promise((r) => requestAnimationFrame(r));
    if (performance.now() - t0 > 30000) return null;
  }
  return performance.now() - t0;
}""".replace("DRAWN_VALUE", DRAWN_VALUE)

# Slider moves `gap` ms apart; count the distinct output values drawn meanwhile.
DRAG = """async ([id, moves, gap]) => {
  DRAWN_VALUE
  const seen = new Set();
  const watch = new MutationObserver(() => seen.add(value()));
  const all = { subtree: true, characterData: true, childList: true };
  watch.observe(document.getElementById('graph'), all);
  const range = document.getElementById('range-x');
  const start = Number(range.value);
  const step = Number(range.step) * 10;
  for (let k = 1; k <= moves; k++) {
    range.value = String(start + k * step);
    range.dispatchEvent(new Event('input', { bubbles: true }));
    await new Promise((r) => setTimeout(r, gap));
  }
  await new Promise((r) => setTimeout(r, 1500));  // the last answers
  watch.disconnect();
  return seen.size;
}""".replace("DRAWN_VALUE", DRAWN_VALUE)


def evaluate(base: str, program: str, svg: bool) -> dict[str, Any]:
    """POST /api/evaluate and return the answer (with its size in bytes)."""
    body = json.dumps({"expression": program, "values": {"x": 1}, "svg": svg}).encode()
    request = urllib.request.Request(
        base + "/api/evaluate", body, {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=120) as answer:
        raw = answer.read()
    data: dict[str, Any] = json.loads(raw)
    data["_bytes"] = len(raw)
    return data


def measure(page: Page, base: str, ops: int, repeats: int, gap: int) -> dict[str, Any]:
    """One row of the table for a chain of `ops` operations."""
    program = chain(ops)
    drawn = evaluate(base, program, svg=True)
    numbers = evaluate(base, program, svg=False)
    output_name = drawn["output"]
    row: dict[str, Any] = {
        "ops": ops,
        "nodes": len(drawn["nodes"]),
        "svg_bytes_per_node": len(drawn["svg"]) / len(drawn["nodes"]) if drawn.get("svg") else None,
        "answer_kb": numbers["_bytes"] / 1024,
    }
    page.goto(base + "/?expression=x&x=1")
    page.wait_for_selector("#graph > svg")
    firsts = []
    for k in (3, 2, 1, 0):  # a structure not drawn before each time (no cache), ending on ops
        firsts.append(page.evaluate(FIRST_PICTURE, [chain(ops + 2 * k), f"t{ops // 2 + k}"]))
    row["first_picture_ms"] = statistics.median(firsts[:3])
    if output_name != f"t{ops // 2}":
        raise RuntimeError(f"unexpected output {output_name}")
    if not page.locator("#graph > svg").count() or drawn.get("svg") is None:
        row |= {"value_change_ms": None, "value_change_p90_ms": None, "drag_redraws": None}
        return row
    page.wait_for_timeout(500)
    output_id = drawn["output_id"]
    times = []
    for k in range(repeats):  # a value typed on an idle page (its numeric check done)
        page.wait_for_timeout(1500)
        times.append(page.evaluate(VALUE_CHANGE, [1 + 0.01 * (k + 1), output_id]))
    times = [t for t in times if t is not None]
    row["value_change_ms"] = statistics.median(times)
    row["value_change_p90_ms"] = statistics.quantiles(times, n=10)[-1] if len(times) > 2 else None
    row["drag_redraws"] = page.evaluate(DRAG, [drawn["output_id"], 20, gap])
    return row


# The share of the drawing's texts inside the view, not under the overview (minimap), and
# at least 9 px tall on screen.
LABELS = """() => {
  const f = document.getElementById('graph').getBoundingClientRect();
  const mini = document.querySelector('#graph .minimap');
  const m = mini && !mini.hidden ? mini.getBoundingClientRect() : null;
  const texts = [...document.querySelectorAll('#graph > svg g.node text')];
  const ok = texts.filter((t) => {
    const r = t.getBoundingClientRect();
    const px = parseFloat(t.getAttribute('font-size') || '11') * t.getScreenCTM().a;
    const under = m && r.right > m.left && r.left < m.right && r.bottom > m.top && r.top < m.bottom;
    return r.width > 0 && px >= 8.95 && !under && r.left >= f.left - 1 && r.right <= f.right + 1
      && r.top >= f.top - 1 && r.bottom <= f.bottom + 1;
  });
  return [ok.length, texts.length,
    document.querySelectorAll('#graph > svg g.copy').length,
    document.getElementById('level-toggle').dataset.level];
}"""

# Type a value into a field; wait until the output's drawn value changes.
TYPE_VALUE = """async ([name, x, id]) => {
  DRAWN_VALUE
  const before = value();
  const field = document.getElementById(`in-${name}`);
  const t0 = performance.now();
  field.value = String(x);
  field.dispatchEvent(new Event('input', { bubbles: true }));
  while (value() === before) {
    await new Promise((r) => requestAnimationFrame(r));
    if (performance.now() - t0 > 5000) return null;
  }
  return performance.now() - t0;
}""".replace("DRAWN_VALUE", DRAWN_VALUE)


def first_view_programs() -> list[tuple[str, str, dict[str, float]]]:
    """The programs of the first-view table: (label, program, values)."""
    out = [("home page", "c = a + b\nd = b + 1\ne = c * d", {"a": 2.0, "b": 1.0})]
    for label, (program, values) in (
        ("one-line neuron", neuron()),
        ("the seeds' three-variable exercise", seeds_exercise()),
        ("softmax cross-entropy", softmax_xent()),
        ("2-4-1 MLP by hand", mlp()),
        ("convolution, shared kernel", convolution()),
        ("10-step RNN, shared w, u", rnn()),
        ("neurons as user functions", neurons()),
        ("60 lines, wide", wide_program(60)),
    ):
        out.append((label, program, values))
    out.append(("60 lines, a chain", long_program(60), {"w": 0.5, "x": 2.0, "y": 3.0}))
    return out


def open_view(page: Page, base: str, program: str, values: dict[str, float], **opts: str) -> None:
    """Open the page on a program and wait until it is drawn and idle."""
    query = urllib.parse.urlencode({"expression": program, **values, **opts})
    page.goto(f"{base}/?{query}")
    page.wait_for_selector("#graph > svg", timeout=120_000)
    page.wait_for_function(
        "() => !document.getElementById('graph').classList.contains('loading')", timeout=120_000
    )
    page.wait_for_timeout(1500)


STEP = {"x": 0.01, "w": 0.0005}


def latency(page: Page, base: str, program: str, name: str, repeats: int, **opts: str) -> float:
    """Median ms from a value typed into `name`'s field to the output's new drawn value."""
    values = {"x": 1.0, "w": 0.999}
    open_view(page, base, program, {k: v for k, v in values.items() if k in program}, **opts)
    out = page.evaluate("document.querySelector('#values-body tr.kind-output').dataset.node")
    times = []
    for k in range(repeats):
        page.wait_for_timeout(900)  # idle: the full answer after the last change is in
        # a step the output's 4 shown digits see: x moves it by ~0.74 x the step (0.999^300),
        # w by far more; steps of 0.0001 left the drawn number as it was, and timed out
        t = page.evaluate(TYPE_VALUE, [name, values[name] - STEP[name] * (k + 1), out])
        if t is None:
            raise RuntimeError(f"typing {name} did not change the drawn output within 5 s")
        times.append(t)
    return statistics.median(times)


def first_view(repeats: int) -> None:
    """Measure and print the first-view table."""
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    with running_server() as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        phone = browser.new_page(viewport={"width": 390, "height": 844})
        print(
            "| program | lines | level | labels visible >= 9 px | copies drawn "
            "| phone 390x844: level, labels visible |"
        )
        print("|---|---|---|---|---|---|")
        for label, program, values in first_view_programs():
            open_view(page, base, program, values)
            ok, total, copies, level = page.evaluate(LABELS)
            open_view(phone, base, program, values)
            p_ok, p_total, _, p_level = phone.evaluate(LABELS)
            lines = program.count("\n") + 1
            print(
                f"| {label} | {lines} | {level} | {100 * ok / total:.0f}% ({ok}/{total}) "
                f"| {copies} | {p_level}, {100 * p_ok / p_total:.0f}% ({p_ok}/{p_total}) |"
            )
        print()
        print("| value change at 600 ops | level | median ms |")
        print("|---|---|---|")
        for label, program, name in (
            ("x, used once", chain(600), "x"),
            ("w, used by every line", shared_chain(600), "w"),
        ):
            for level in ("auto", "ops"):
                ms = latency(page, base, program, name, repeats, level=level)
                print(f"| {label} | {level} | {ms:.0f} |")
        browser.close()


def fmt_ms(x: float | None) -> str:
    return "—" if x is None else f"{x:.0f}"


def main() -> None:
    """Measure and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="50,200,600,1000")
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--drag-ms", type=int, default=150, help="between slider moves")
    parser.add_argument("--first-view", action="store_true", help="the first-view table only")
    args = parser.parse_args()
    if args.first_view:
        first_view(args.repeats)
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    rows = []
    with running_server() as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        for ops in sizes:
            rows.append(measure(page, base, ops, args.repeats, args.drag_ms))
            print(json.dumps(rows[-1]), file=sys.stderr)
        browser.close()
    print(
        "| ops | nodes | first picture ms | value change ms (median / p90) "
        f"| drag: redraws of 20 moves {args.drag_ms} ms apart | SVG B/node | answer KB (no SVG) |"
    )
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        per_node = "—" if r["svg_bytes_per_node"] is None else f"{r['svg_bytes_per_node']:.0f}"
        change = f"{fmt_ms(r['value_change_ms'])} / {fmt_ms(r['value_change_p90_ms'])}"
        redraws = "—" if r["drag_redraws"] is None else str(r["drag_redraws"])
        print(
            f"| {r['ops']} | {r['nodes']} | {fmt_ms(r['first_picture_ms'])} | {change} "
            f"| {redraws} | {per_node} | {r['answer_kb']:.0f} |"
        )


if __name__ == "__main__":
    main()
