"""Helpers shared by the subcommands: reading the program and NAME=VALUE pairs."""

from __future__ import annotations

import argparse
import sys

from chainrule.lang.numbers import read_number

EXIT_INPUT_ERROR = 2


class UsageError(ValueError):
    """A command-line argument is malformed."""


def add_program_arguments(p: argparse.ArgumentParser) -> None:
    """Add -f FILE, EXPR and NAME=VALUE arguments."""
    p.add_argument(
        "-f", "--file", metavar="FILE", help="read the program from FILE ('-' for standard input)"
    )
    p.add_argument(
        "items",
        nargs="*",
        metavar="EXPR | NAME=VALUE",
        help="the program (unless -f is given), then input values such as a=2; "
        "use -- before an expression that starts with '-'",
    )


def read_source(args: argparse.Namespace, required: bool = True) -> tuple[str | None, list[str]]:
    """Return (the program from -f FILE, -f - or the first EXPR; the remaining items).

    The first item is the program unless it is NAME=NUMBER ('e = w*x - y; e*e' is a
    program). Without one, a UsageError when required, else None.
    """
    items: list[str] = list(args.items)
    if args.file is not None:
        if args.file == "-":
            return sys.stdin.read(), items
        with open(args.file, encoding="utf-8") as fh:
            return fh.read(), items
    if items and not _is_assignment(items[0]):
        return items.pop(0), items
    if required:
        raise UsageError("give a program: an EXPR argument or -f FILE")
    return None, items


def read_program(args: argparse.Namespace) -> tuple[str, dict[str, float]]:
    """Return (source, values) from -f/EXPR and NAME=VALUE items."""
    source, items = read_source(args)
    assert source is not None
    return source, parse_values(items)


def _is_assignment(item: str) -> bool:
    name, eq, value = item.partition("=")
    return bool(eq) and name.isidentifier() and _is_number(value)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def parse_values(items: list[str]) -> dict[str, float]:
    """Parse NAME=VALUE items into a dict of finite floats."""
    values: dict[str, float] = {}
    for item in items:
        name, eq, text = item.partition("=")
        if not eq or not name.strip().isidentifier():
            raise UsageError(f"expected NAME=VALUE, got {item!r}")
        try:
            values[name.strip()] = read_number(text, f"value of {name}")  # the one reader
        except ValueError as exc:
            raise UsageError(f"{exc}, got {text!r}") from None
    return values


def report_input_error(exc: Exception) -> int:
    """Print an input error to stderr the way a compiler would (the API's words, from
    chainrule/errors.py: 'line:column: detail' and the caret snippet for a place in the
    program); return exit status 2. Anything that is not an input error is raised again."""
    from chainrule.errors import find_reply  # the table, loaded only when there is an error

    reply = find_reply(exc)
    if reply is not None:
        print(reply.text() if reply.at_source else f"error: {reply.detail}", file=sys.stderr)
    elif isinstance(exc, ValueError | OSError):  # a usage error, a file that cannot be read
        print(f"error: {exc}", file=sys.stderr)
    else:
        raise exc
    return EXIT_INPUT_ERROR
