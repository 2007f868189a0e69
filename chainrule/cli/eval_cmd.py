"""`chainrule eval`: print the output value and every input's gradient."""

from __future__ import annotations

import argparse
import sys

from chainrule.budget import Budget
from chainrule.build import MissingValuesError, evaluate
from chainrule.cli.common import UsageError, add_program_arguments, read_program, report_input_error
from chainrule.engine import EngineError
from chainrule.lang import ParseError


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the eval subcommand."""
    p = sub.add_parser(
        "eval",
        help="evaluate a program and its gradients",
        description="Evaluate a program at the given input values and print the output value "
        "and d(output)/d(input) for each input (and each named node).",
        epilog="examples:\n  chainrule eval '(a+b)*(b+1)' a=2 b=1\n"
        "  chainrule eval -- '-x^2' x=3\n  chainrule eval -f program.txt a=2 b=1 --json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_program_arguments(p)
    p.add_argument(
        "--json", action="store_true", help='print {"output", "value", "gradients"} as JSON'
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Evaluate and print; input errors go to stderr with exit status 2."""
    try:
        source, values = read_program(args)
        built = evaluate(source, values, budget=Budget())
    except (ParseError, MissingValuesError, EngineError, UsageError, ValueError, OSError) as exc:
        return report_input_error(exc)
    for warning in built.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    gradients = {name: v.grad for name, v in built.inputs.items()}
    if args.json:
        import json  # only for --json

        named = {name: v.grad for name, v in built.named.items()}
        print(
            json.dumps(
                {
                    "output": built.output_name,
                    "value": built.output.data,
                    "gradients": gradients,
                    "named_gradients": named,
                }
            )
        )
        return 0
    print(f"{built.output_name} = {built.output.data:.10g}")
    for name, g in gradients.items():
        print(f"d{built.output_name}/d{name} = {g:.10g}")
    for name, v in built.named.items():
        if v is not built.output:
            print(f"d{built.output_name}/d{name} = {v.grad:.10g}")
    return 0
