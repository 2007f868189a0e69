"""`chainrule optimize`: fit parameters of a per-example loss over CSV data or a dataset."""

from __future__ import annotations

import argparse
import json
import os
import sys

from chainrule.budget import Budget, BudgetExceeded, budget_limits_from_env
from chainrule.build import MissingValuesError
from chainrule.cli.common import (
    UsageError,
    add_program_arguments,
    parse_values,
    read_source,
    report_input_error,
)
from chainrule.engine import EngineError
from chainrule.lang import SourceError
from chainrule.train.datasets import DATASETS
from chainrule.train.optimizer import OPTIMIZERS, REDUCTIONS, TrainingError
from chainrule.train.run import RunRequest, run


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the optimize subcommand."""
    p = sub.add_parser(
        "optimize",
        help="fit parameters by gradient descent",
        description="Minimise the mean (or sum) over the rows of data of a per-example loss. "
        "NAME=VALUE items are the parameters with their initial values; every other input "
        "of the program must be a column of the data.",
        epilog="examples:\n"
        "  chainrule optimize --dataset noisy-line\n"
        "  chainrule optimize --dataset sin --optimizer adam --lr 0.01 --steps 500\n"
        "  chainrule optimize '(w*x - y)^2' w=0 --data points.csv --lr 0.05 --json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_program_arguments(p)
    p.add_argument("--data", metavar="CSV", help="CSV file with a header row ('-' for stdin)")
    p.add_argument("--dataset", choices=list(DATASETS), help="a built-in dataset instead")
    p.add_argument("--reduce", choices=REDUCTIONS, help="mean (default) or sum over the rows")
    p.add_argument("--optimizer", choices=OPTIMIZERS, default="gd")
    p.add_argument("--lr", type=float, help="learning rate (default 0.01 or the dataset's)")
    p.add_argument("--steps", type=int, help="optimizer steps (default 100 or the dataset's)")
    p.add_argument("--record-every", type=int, metavar="N", help="history every N steps")
    p.add_argument("--json", action="store_true", help="print the full answer as JSON")
    p.set_defaults(func=run_command)


def _request(args: argparse.Namespace) -> RunRequest:
    source, items = read_source(args, required=False)
    data: str | None = None
    if args.data is not None:
        with sys.stdin if args.data == "-" else open(args.data, encoding="utf-8") as fh:
            data = fh.read()
    if source is None and args.dataset is None:
        raise UsageError("give a program (EXPR or -f FILE) or --dataset NAME")
    return RunRequest(
        expression=source,
        params=parse_values(items) if items else None,
        data=data,
        dataset=args.dataset,
        reduce=args.reduce,
        optimizer=args.optimizer,
        lr=args.lr,
        steps=args.steps,
        record_every=args.record_every,
    )


def run_command(args: argparse.Namespace) -> int:
    """Train and print the result; input errors go to stderr with exit status 2.

    The run has the work budget of the CHAINRULE_BUDGET_* settings, as on the server.
    """
    budget = Budget(budget_limits_from_env(os.environ))
    try:
        result = run(_request(args), budget=budget)
    except MissingValuesError as exc:
        missing = ", ".join(exc.missing)
        return report_input_error(
            UsageError(f"not a parameter (NAME=VALUE) nor a data column: {missing}")
        )
    except (SourceError, EngineError, UsageError, OSError, TrainingError, BudgetExceeded) as exc:
        return report_input_error(exc)
    for warning in result["warnings"]:
        print(f"warning: {warning}", file=sys.stderr)
    if args.json:
        print(json.dumps(result))
        return 1 if result["diverged"] else 0
    history = result["history"]
    names = list(result["params"])
    print(f"{'step':>8} {'loss':>14} " + " ".join(f"{n:>14}" for n in names))
    for i, step in enumerate(history["step"]):
        row = " ".join(f"{history[n][i]:>14.8g}" for n in names)
        print(f"{step:>8} {history['loss'][i]:>14.8g} {row}")
    print(f"loss = {result['loss']:.10g} ({result['reduce']} over {result['rows']} rows)")
    for name, value in result["params"].items():
        print(f"{name} = {value!r}")
    if result["diverged"]:
        print(result["message"], file=sys.stderr)
        return 1
    return 0
