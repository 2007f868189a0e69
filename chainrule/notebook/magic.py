"""The `%%chainrule a=2 b=1 [--rankdir TB] [--lines | --ops] [--steps]` cell magic."""

from __future__ import annotations

import argparse
import shlex
import sys
from typing import Any

from chainrule.build import MissingValuesError
from chainrule.cli.common import parse_values
from chainrule.engine import EngineError
from chainrule.lang import SourceError
from chainrule.notebook.api import register_display
from chainrule.notebook.drawing import Drawing
from chainrule.notebook.program import evaluate

USAGE = "%%chainrule [NAME=VALUE ...] [--rankdir LR|TB] [--lines | --ops] [--steps]"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # never exit the kernel
        raise ValueError(f"{message}\nusage: {USAGE}")


def parser() -> argparse.ArgumentParser:
    """Return the magic's option parser (the flags of its first line)."""
    p = _Parser(prog="%%chainrule", add_help=False)
    p.add_argument("values", nargs="*", metavar="NAME=VALUE")
    p.add_argument("--rankdir", choices=("LR", "TB"), default="LR")
    level = p.add_mutually_exclusive_group()
    level.add_argument("--lines", dest="level", action="store_const", const="lines")
    level.add_argument("--ops", dest="level", action="store_const", const="ops")
    p.add_argument("--steps", action="store_true", help="also list the backward pass")
    return p


def chainrule_cell(line: str, cell: str) -> Drawing | None:
    """Run the cell's program at the line's values; return its drawing (the cell's output)."""
    try:
        args = parser().parse_args(shlex.split(line))
        result = evaluate(cell, **parse_values(args.values))
    except SourceError as exc:
        print(exc.format(), file=sys.stderr)
        return None
    except (MissingValuesError, EngineError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return None
    if args.steps:
        print("\n".join(result.steps()))
    return result.draw(rankdir=args.rankdir, level=args.level)


def load(shell: Any) -> None:
    """Register the magic and the display of Values in an IPython shell."""
    shell.register_magic_function(chainrule_cell, magic_kind="cell", magic_name="chainrule")
    register_display()
