"""`chainrule grade problem.json answers.json`: an offline autograder (standard library only).

Imports nothing from the web stack, so an autograder image needs only the chainrule wheel
(installed with --no-deps, or put on PYTHONPATH) and a Python >= 3.11.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any, NamedTuple

from chainrule.budget import Budget, BudgetExceeded
from chainrule.build import MissingValuesError
from chainrule.cli.common import EXIT_INPUT_ERROR, report_input_error
from chainrule.engine import EngineError
from chainrule.errors import find_reply
from chainrule.grading import Grader, Problem, Result
from chainrule.grading import spec as specs
from chainrule.grading.formats import FORMATS, Format, could_not_grade, render
from chainrule.grading.questions import answer_to, merge
from chainrule.json_reader import loads
from chainrule.lang import SourceError

MAX_PROBLEM_CHARS = 1_000_000
MAX_SUBMISSION_CHARS = 1_000_000


class Graded(NamedTuple):
    """One submission's result, its format errors, and whether it could be read at all."""

    result: Result
    errors: list[str]
    readable: bool


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the grade subcommand."""
    p = sub.add_parser(
        "grade",
        help="grade answers about a program (results.json for the API, Gradescope or PrairieLearn)",
        description="Grade answers.json against problem.json and print the results as JSON. "
        f"problem.json holds {', '.join(f.name for f in specs.PROBLEM_FIELDS if f.required)} "
        "and optionally "
        f"{', '.join(f.name for f in specs.PROBLEM_FIELDS if not f.required)}, visibility "
        f"and questions ({', '.join(f.name for f in specs.QUESTION_FIELDS)}); answers.json is "
        '{"answers": [...]} or a list of {name, answer} (with of, wrt, points when '
        "problem.json has no questions).",
        epilog="exit status: 0 when graded (whatever the score; an unreadable submission is "
        "graded as not gradable), 2 when problem.json (or --params) is malformed.",
    )
    p.add_argument("problem", metavar="problem.json", help="the problem ('-' for standard input)")
    p.add_argument(
        "answers",
        metavar="answers.json",
        help="the submission ('-': standard input; a folder: its answers.json or its one .json)",
    )
    p.add_argument(
        "--format",
        choices=FORMATS,
        default="chainrule",
        help="results shape: chainrule (the API's, default), gradescope or prairielearn",
    )
    p.add_argument(
        "--params",
        metavar="data.json",
        help="PrairieLearn's data.json: its params override the problem's values",
    )
    p.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write the results to FILE (its folder is created; written whole or not at all)",
    )
    p.add_argument("--indent", type=int, default=None, help="indent the JSON output")
    p.set_defaults(func=run)


def read_json(path: str, limit: int) -> Any:
    """Return the JSON in a file ('-': standard input); ValueError if too long, nested too
    deep, too many items or not JSON (chainrule/json_reader.py: never a RecursionError)."""
    if path == "-":
        text = sys.stdin.read(limit + 1)
    else:
        with open(path, encoding="utf-8") as fh:
            text = fh.read(limit + 1)
    if len(text) > limit:
        raise ValueError(f"{path} is longer than {limit:,} characters")
    return loads(text)


def load_problem(path: str, params_path: str | None = None) -> tuple[Grader, specs.ProblemSpec]:
    """Return the grader for a problem file (params from a PrairieLearn data.json, if given)."""
    params: dict[str, Any] = {}
    if params_path is not None:
        data = read_json(params_path, MAX_PROBLEM_CHARS)
        params = data.get("params") or {} if isinstance(data, dict) else {}
        if not isinstance(params, dict):
            raise ValueError(f"{params_path}: params must be a JSON object")
    spec = specs.problem(read_json(path, MAX_PROBLEM_CHARS), params)
    grader = Grader(Problem(spec.expression, spec.values, spec.options, budget=Budget()))
    if spec.questions is not None:
        grader.check(spec.questions)
    return grader, spec


def _not_gradable(message: str, spec: specs.ProblemSpec) -> Graded:
    tests = [
        {
            "name": q.name,
            "score": 0.0,
            "max_score": q.points,
            "status": "failed",
            "output": "not graded: the submission cannot be read",
            "gradable": False,
        }
        for q in spec.questions or []
    ]
    max_score = sum(q.points for q in spec.questions or [])
    result = {"score": 0.0, "max_score": max_score, "gradable": False, "tests": tests}
    return Graded({**result, "output": message}, [message], False)


def submission_file(path: str) -> str:
    """Return the submission file a path names: the file itself, or in a folder its
    answers.json, else its one .json file; ValueError saying what the folder holds."""
    if path == "-" or not os.path.isdir(path):
        return path
    if os.path.isfile(os.path.join(path, "answers.json")):
        return os.path.join(path, "answers.json")
    found = sorted(
        name
        for name in os.listdir(path)
        if name.endswith(".json") and os.path.isfile(os.path.join(path, name))
    )
    if len(found) == 1:
        return os.path.join(path, found[0])
    if not found:
        raise ValueError("no .json file was submitted: submit answers.json")
    names = ", ".join(found[:5]) + (f" and {len(found) - 5} more" if len(found) > 5 else "")
    raise ValueError(
        f"{len(found)} .json files were submitted ({names}) and none is answers.json: "
        "submit one file, answers.json"
    )


def grade_file(grader: Grader, spec: specs.ProblemSpec, answers_path: str) -> Graded:
    """Grade one submission file (or a folder's: submission_file()); only an unreadable
    submission makes it not gradable as a whole."""
    try:
        path = submission_file(answers_path)
        entries = specs.submission(read_json(path, MAX_SUBMISSION_CHARS))
    except FileNotFoundError:
        return _not_gradable(f"the submission cannot be read: no file {answers_path}", spec)
    except (OSError, ValueError) as exc:
        return _not_gradable(f"the submission cannot be read: {exc}", spec)
    try:
        if spec.questions is None:
            return _grade_free(grader, entries)
        submitted, errors = specs.submitted(entries)
        merged, ignored = merge(spec.questions, submitted)
        result = grader.grade(merged)
    except BudgetExceeded as exc:
        return _not_gradable(f"the submission cannot be graded: {exc}", spec)
    notes = [*errors]
    if ignored:
        notes.append("ignored answers to questions not asked: " + ", ".join(ignored))
    if notes:
        result["output"] = "\n".join(notes)
    return Graded(result, errors, True)


def _grade_free(grader: Grader, entries: list[Any]) -> Graded:
    """Grade a submission whose entries carry their own questions (no questions in problem)."""
    empty = specs.ProblemSpec("", {}, grader.problem.options)
    try:
        questions = [specs.question(e, f"answers.{i}", ["answer"]) for i, e in enumerate(entries)]
        answers = [answer_to(q, e.get("answer")) for q, e in zip(questions, entries, strict=True)]
        return Graded(grader.grade(answers), [], True)
    except ValueError as exc:  # GradingError is one: an unknown node, a duplicate name
        return _not_gradable(f"the submission cannot be graded: {_detail(exc)}", empty)


def _detail(exc: Exception) -> str:
    """The words for an error of the problem or submission: the API's (chainrule/errors.py), or
    the text of a file that cannot be read."""
    reply = find_reply(exc)
    return reply.detail if reply is not None else str(exc)


def meta(grader: Grader, spec: specs.ProblemSpec) -> list[dict[str, Any]]:
    """Return each question's description, visibility, number and tags (for the platforms)."""
    return [specs.meta(q, q.of or grader.problem.output) for q in spec.questions or []]


def write(text: str, output: str | None) -> None:
    """Print text, or write it to output atomically (a reader never sees half a file)."""
    if output is None:
        print(text.encode("utf-8", "replace").decode("utf-8"))  # never half a character
        return
    import tempfile  # only for a results file (an autograder's start stays short)

    folder = os.path.dirname(output) or "."
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".results-")
    with os.fdopen(fd, "w", encoding="utf-8", errors="replace") as fh:
        fh.write(text + "\n")
    os.replace(tmp, output)


def run(args: argparse.Namespace) -> int:
    """Grade and print (or write) the results JSON. Whatever fails, the results are written:
    a malformed problem (exit status 2) or anything unexpected (exit status 1) gives the
    platform's "could not grade" answer, and a one-line message on stderr, no traceback."""
    fmt: Format = args.format
    try:
        grader, spec = load_problem(args.problem, args.params)
    except (SourceError, MissingValuesError, EngineError) as exc:
        _failed(args, None, EXIT_INPUT_ERROR)
        return report_input_error(exc)
    except (ValueError, OSError, BudgetExceeded) as exc:  # GradingError is a ValueError
        return _failed(args, f"{args.problem}: {_detail(exc)}", EXIT_INPUT_ERROR)
    except Exception as exc:  # a bug, or the machine: still an answer for the platform
        return _failed(args, f"{args.problem}: cannot be read ({type(exc).__name__})", 1)
    try:
        graded = grade_file(grader, spec, args.answers)
        shaped = render(
            graded.result,
            fmt,
            meta(grader, spec),
            spec.visibility,
            graded.errors,
            graded.readable,
        )
        text = json.dumps(shaped, indent=args.indent, ensure_ascii=False)
    except Exception as exc:
        import logging  # only to log a failure (the results still say it could not grade)

        logging.getLogger("chainrule.grade").debug("grading failed", exc_info=True)
        return _failed(args, f"{args.answers}: cannot be graded ({type(exc).__name__})", 1)
    write(text, args.output)
    return 0


def _failed(args: argparse.Namespace, message: str | None, status: int) -> int:
    """Write the platform's "could not grade" answer to the results file (-o; nothing on
    standard output), say why on stderr, return status."""
    if message is not None:
        print(f"error: {message}", file=sys.stderr)
    if args.output is None:
        return status
    try:
        write(json.dumps(could_not_grade(args.format), indent=args.indent), args.output)
    except OSError as exc:
        print(f"error: cannot write the results: {exc}", file=sys.stderr)
    return status
