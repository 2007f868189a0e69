"""The chainrule command line: eval, render, grade, optimize, serve."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from app.cli import eval_cmd, grade_cmd, optimize_cmd, render_cmd, serve_cmd

# Each command module has register(subparsers) which sets `func` on its parser.
COMMANDS = [eval_cmd, render_cmd, grade_cmd, optimize_cmd, serve_cmd]


def build_parser() -> argparse.ArgumentParser:
    """Return the top-level argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="chainrule",
        description="Show the chain rule at work: evaluate a small program, differentiate "
        "it in reverse mode, draw its computation graph, grade answers about it.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in COMMANDS:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    status: int = args.func(args)
    return status


if __name__ == "__main__":
    sys.exit(main())
