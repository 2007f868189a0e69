"""`chainrule grade problem.json answers.json`: an offline autograder (Gradescope's shape)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from pydantic import TypeAdapter, ValidationError

from app.build import MissingValuesError
from app.cli.common import EXIT_INPUT_ERROR, report_input_error
from app.engine import EngineError
from app.grading import Grader, GradingError, Problem, Result
from app.grading.questions import merge
from app.lang import ParseError
from app.web.schemas.grade import MAX_ANSWERS, AnswerIn, ProblemFile

_ANSWERS = TypeAdapter(list[AnswerIn])


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the grade subcommand."""
    p = sub.add_parser(
        "grade",
        help="grade answers about a program (prints Gradescope's results JSON)",
        description="Grade answers.json against problem.json and print the results as JSON "
        "(Gradescope's results.json shape, also read by PrairieLearn). problem.json holds "
        "expression, values and optionally rtol, atol, samples, seed, reveal and questions "
        '(name, of, wrt, points); answers.json is {"answers": [...]} or a list of '
        "{name, answer} (with of, wrt, points when problem.json has no questions).",
        epilog="exit status: 0 when graded (whatever the score; an unreadable submission is "
        "graded as not gradable), 2 when problem.json is malformed.",
    )
    p.add_argument("problem", metavar="problem.json", help="the problem ('-' for standard input)")
    p.add_argument("answers", metavar="answers.json", help="the submission ('-': standard input)")
    p.add_argument("--indent", type=int, default=None, help="indent the JSON output")
    p.set_defaults(func=run)


def _read_json(path: str) -> Any:
    if path == "-":
        return json.load(sys.stdin)
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def _load_problem(path: str) -> tuple[Grader, ProblemFile]:
    spec = ProblemFile.model_validate(_read_json(path))
    grader = Grader(Problem(spec.expression, spec.values, spec.options()))
    if spec.questions is not None:
        grader.check(spec.questions)
    return grader, spec


def _not_gradable(message: str, spec: ProblemFile) -> Result:
    max_score = sum(q.points for q in spec.questions or [])
    return {"score": 0.0, "max_score": max_score, "gradable": False, "tests": [], "output": message}


def grade_files(grader: Grader, spec: ProblemFile, answers_path: str) -> Result:
    """Grade one submission file; a malformed submission is a not-gradable result."""
    try:
        data = _read_json(answers_path)
        if isinstance(data, dict) and "answers" in data:
            data = data["answers"]
        answers = _ANSWERS.validate_python(data)
        if len(answers) > MAX_ANSWERS:
            raise ValueError(f"at most {MAX_ANSWERS} answers are allowed, got {len(answers)}")
    except (OSError, ValueError) as exc:
        return _not_gradable(f"the submission cannot be read: {_short(exc)}", spec)
    if spec.questions is None:
        try:
            return grader.grade(answers)
        except GradingError as exc:
            return _not_gradable(f"the submission cannot be graded: {exc.message}", spec)
    merged, ignored = merge(spec.questions, answers)
    result = grader.grade(merged)
    if ignored:
        result["output"] = "ignored answers to questions not asked: " + ", ".join(ignored)
    return result


def _short(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "the file"
        return f"{where}: {first['msg']}"
    return str(exc)


def run(args: argparse.Namespace) -> int:
    """Grade and print the results JSON; a malformed problem exits with status 2."""
    try:
        grader, spec = _load_problem(args.problem)
    except ValidationError as exc:
        print(f"error: {args.problem}: {_short(exc)}", file=sys.stderr)
        return EXIT_INPUT_ERROR
    except GradingError as exc:
        print(f"error: {args.problem}: {exc.message}", file=sys.stderr)
        return EXIT_INPUT_ERROR
    except (ParseError, MissingValuesError, EngineError, ValueError, OSError) as exc:
        return report_input_error(exc)
    result = grade_files(grader, spec, args.answers)
    print(json.dumps(result, indent=args.indent, ensure_ascii=False))
    return 0
