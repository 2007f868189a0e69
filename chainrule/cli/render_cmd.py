"""`chainrule render`: draw the computation graph as SVG, PNG, PDF, DOT or JSON."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import get_args

from chainrule.budget import DEFAULT_BUDGET_LIMITS, Budget, BudgetLimits
from chainrule.build import MissingValuesError, evaluate
from chainrule.cli.common import UsageError, add_program_arguments, read_program, report_input_error
from chainrule.engine import EngineError
from chainrule.graph import export_graph, graph_to_json
from chainrule.lang import ParseError
from chainrule.render import Dot, GraphTooLarge, Renderer, RenderError, to_dot
from chainrule.render.bitmap import MAX_SCALE
from chainrule.render.style import DRAW_DEFAULTS, PRECISION, Level, Rankdir

FORMATS = ("svg", "png", "pdf", "dot", "json")
DOT_RUNS = 3  # the command's wall clock, in --timeout: a PNG's layout and PNG, and room
_BY_SUFFIX = {
    ".svg": "svg",
    ".png": "png",
    ".pdf": "pdf",
    ".dot": "dot",
    ".gv": "dot",
    ".json": "json",
}


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the render subcommand."""
    p = sub.add_parser(
        "render",
        help="draw the computation graph (svg, png, pdf, dot or json)",
        description="Evaluate a program and draw its computation graph: one box per value "
        "(name, value, gradient) and one small node per operation.",
        epilog="examples:\n  chainrule render '(a+b)*(b+1)' a=2 b=1 -o graph.svg\n"
        "  chainrule render 'x*x*x + x + x' x=4 --format dot --local-grads\n"
        "  chainrule render -f program.txt a=2 --expand --rankdir TB -o graph.png\n"
        "  chainrule render '(a+b)*(b+1)' a=2 b=1 --scale 3 -o slide.png   # 288 dpi\n"
        "  chainrule render '(a+b)*(b+1)' a=2 b=1 -o handout.pdf",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_program_arguments(p)
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE ('-': standard output)")
    p.add_argument(
        "--format", choices=FORMATS, help="output format (default: from FILE's suffix, else svg)"
    )
    p.add_argument(
        "--rankdir",
        choices=get_args(Rankdir),
        default=DRAW_DEFAULTS.rankdir,
        help="layout direction (default %(default)s: auto is by the drawing's shape)",
    )
    p.add_argument("--local-grads", action="store_true", help="label edges with ∂out/∂in")
    p.add_argument(
        "--precision",
        type=int,
        default=DRAW_DEFAULTS.precision,
        help=f"significant digits, {PRECISION[0]} to {PRECISION[1]} (default %(default)s)",
    )
    p.add_argument("--expand", action="store_true", help="draw user function bodies")
    p.add_argument("--no-constants", action="store_true", help="leave constants out of op nodes")
    p.add_argument("--no-legend", action="store_true", help="leave out the legend")
    p.add_argument(
        "--level",
        choices=get_args(Level),
        default=DRAW_DEFAULTS.level,
        help="one box per line and call, every operation, or auto (by size); default %(default)s",
    )
    p.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_BUDGET_LIMITS.dot_seconds,
        help="seconds allowed for dot (default: the drawing budget, %(default)s)",
    )
    p.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="PNG resolution: SCALE × 96 dpi (default 1), drawn smaller if it would have "
        f"more than the pixel budget ({DEFAULT_BUDGET_LIMITS.draw_pixels:,} pixels)",
    )
    p.add_argument(
        "--max-nodes",
        type=int,
        default=DEFAULT_BUDGET_LIMITS.draw_nodes,
        help="most nodes dot may lay out (default: the drawing budget, %(default)s)",
    )
    p.set_defaults(func=run)


def _format(args: argparse.Namespace) -> str:
    if args.format:
        return str(args.format)
    if args.output and args.output != "-":
        return _BY_SUFFIX.get(Path(args.output).suffix.lower(), "svg")
    return "svg"


def command_budget(args: argparse.Namespace) -> Budget:
    """Return the command's one budget: the default limits, with --max-nodes to draw and
    --timeout for each `dot` run (the wall clock leaves room for a PNG's two runs)."""
    limits = BudgetLimits(
        draw_nodes=args.max_nodes, dot_seconds=args.timeout, wall_seconds=DOT_RUNS * args.timeout
    )
    return Budget(limits)


def run(args: argparse.Namespace) -> int:
    """Evaluate, draw and write; input errors go to stderr with exit status 2."""
    fmt = _format(args)
    try:
        low, high = PRECISION
        if not low <= args.precision <= high:
            raise UsageError(f"--precision must be between {low} and {high}")
        if not 0 < args.scale <= MAX_SCALE:
            raise UsageError(f"--scale must be above 0 and at most {MAX_SCALE:g}")
        source, values = read_program(args)
        budget = command_budget(args)
        built = evaluate(source, values, budget=budget)
    except (ParseError, MissingValuesError, EngineError, UsageError, ValueError, OSError) as exc:
        return report_input_error(exc)
    for warning in built.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    graph = export_graph(built, expand_calls=args.expand)
    options = replace(
        DRAW_DEFAULTS,
        rankdir=args.rankdir,
        local_grads=args.local_grads,
        constants=not args.no_constants,
        precision=args.precision,
        expand_calls=args.expand,
        legend=not args.no_legend,
        level=args.level,
    )
    # the layout is kept for the PNG, which is sized from it
    renderer = Renderer(timeout=args.timeout, max_nodes=args.max_nodes, cache_size=2)
    try:
        if fmt == "json":
            data: str | bytes = json.dumps(graph_to_json(graph), indent=2) + "\n"
        else:
            dot = to_dot(graph, options, budget=budget)
            if fmt == "dot":
                data = dot
            elif fmt == "svg":
                data = renderer.svg(dot, None, budget)
            elif fmt == "pdf":
                data = renderer.pdf(dot, None, budget)
            else:
                data = _png(renderer, dot, args.scale, budget)
    except RenderError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2 if isinstance(exc, GraphTooLarge) else 1
    return _write(args.output, data)


def _png(renderer: Renderer, dot: Dot, scale: float, budget: Budget) -> bytes:
    """Draw the PNG at scale, saying on stderr when the pixel budget drew it smaller."""
    bitmap = renderer.bitmap(renderer.svg(dot, None, budget), scale, budget)
    if bitmap.scale < scale * 0.999:
        print(
            f"note: drawn at scale {bitmap.scale:.3g} ({bitmap.width} × {bitmap.height} px): "
            f"scale {scale:g} would exceed the pixel budget",
            file=sys.stderr,
        )
    return renderer.png(dot, None, budget, scale)


def _write(output: str | None, data: str | bytes) -> int:
    if output is None or output == "-":
        if isinstance(data, bytes):
            if sys.stdout.isatty():
                print("error: PNG and PDF are binary: give -o FILE", file=sys.stderr)
                return 2
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
        else:
            sys.stdout.write(data)
        return 0
    try:
        if isinstance(data, bytes):
            Path(output).write_bytes(data)
        else:
            Path(output).write_text(data, encoding="utf-8")
    except OSError as exc:
        return report_input_error(exc)
    return 0
