"""The chainrule command line: eval, render, grade, optimize.

Subcommand modules are imported only when needed: `chainrule grade ...` imports the grade
command alone (the engine, the language and grading: standard library only), so an
autograder needs neither the web stack nor NumPy installed. `chainrule --help` imports all.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

# name -> module with register(subparsers), which sets `func` on its parser.
COMMANDS = {
    "eval": "chainrule.cli.eval_cmd",
    "render": "chainrule.cli.render_cmd",
    "grade": "chainrule.cli.grade_cmd",
    "optimize": "chainrule.cli.optimize_cmd",
}


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """Return the top-level parser with every subcommand (or only the one named)."""
    parser = argparse.ArgumentParser(
        prog="chainrule",
        description="Show the chain rule at work: evaluate a small program, differentiate "
        "it in reverse mode, draw its computation graph, grade answers about it.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, module in COMMANDS.items():
        if only is None or name == only:
            importlib.import_module(module).register(sub)
    return parser


def _command(argv: Sequence[str]) -> str | None:
    """Return the subcommand named by argv (its first word), or None."""
    for arg in argv:
        if arg.startswith("-"):
            return None
        return arg if arg in COMMANDS else None
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args_in = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(_command(args_in))
    args = parser.parse_args(args_in)
    try:
        status: int = args.func(args)
        sys.stdout.flush()
    except BrokenPipeError:  # the reader left (`chainrule optimize ... | head`): no traceback
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # Python's own flush at exit then writes nowhere
        return 141  # 128 + SIGPIPE, as a shell reports a pipeline's writer that was cut
    return status


if __name__ == "__main__":
    sys.exit(main())
