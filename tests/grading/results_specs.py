"""Validators of results.json against each platform's documented format (not our code's).

Gradescope: "Autograder Specifications" (gradescope-autograders docs). PrairieLearn:
docs/externalGrading.md and how apps/prairielearn/src/lib/externalGrader.ts reads a result
(score required and finite in [0, 1] when gradable). Each returns the list of violations.
"""

from __future__ import annotations

import math
from typing import Any

VISIBILITY = {"hidden", "after_due_date", "after_published", "visible"}
OUTPUT_FORMATS = {"text", "html", "simple_format", "md", "ansi"}
GS_TOP = {
    "score": "number",
    "execution_time": "number",
    "output": "str",
    "output_format": "format",
    "test_output_format": "format",
    "test_name_format": "format",
    "visibility": "visibility",
    "stdout_visibility": "visibility",
    "extra_data": "dict",
    "tests": "list",
    "leaderboard": "list",
}
GS_TEST = {
    "score": "number",
    "max_score": "number",
    "status": "status",
    "name": "str",
    "name_format": "format",
    "number": "str",
    "output": "str",
    "output_format": "format",
    "tags": "strs",
    "visibility": "visibility",
    "extra_data": "dict",
}
PL_TOP = {
    "gradable": "bool",
    "score": "number",
    "message": "str",
    "output": "str",
    "format_errors": "errors",
    "tests": "list",
    "images": "list",
}
PL_TEST = {
    "name": "str",
    "description": "str",
    "points": "number",
    "max_points": "number",
    "message": "str",
    "output": "str",
    "images": "list",
}


def _ok(kind: str, x: Any) -> bool:
    if kind == "number":
        return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)
    if kind == "str":
        return isinstance(x, str)
    if kind == "bool":
        return isinstance(x, bool)
    if kind == "dict":
        return isinstance(x, dict)
    if kind == "list":
        return isinstance(x, list)
    if kind == "strs":
        return isinstance(x, list) and all(isinstance(s, str) for s in x)
    if kind == "errors":
        return isinstance(x, str) or _ok("strs", x)
    if kind == "format":
        return x in OUTPUT_FORMATS
    if kind == "visibility":
        return x in VISIBILITY
    if kind == "status":
        return x in {"passed", "failed"}
    raise AssertionError(kind)


def _check(doc: Any, schema: dict[str, str], where: str) -> list[str]:
    if not isinstance(doc, dict):
        return [f"{where}: not an object"]
    errors = [f"{where}.{k}: not a documented key" for k in doc if k not in schema]
    errors += [
        f"{where}.{k}: {doc[k]!r} is not a valid {kind}"
        for k, kind in schema.items()
        if k in doc and not _ok(kind, doc[k])
    ]
    return errors


def gradescope_errors(doc: Any) -> list[str]:
    """Return how doc breaks Gradescope's results.json specification (empty: it does not)."""
    errors = _check(doc, GS_TOP, "results")
    if errors:
        return errors
    tests = doc.get("tests", [])
    for i, test in enumerate(tests):
        errors += _check(test, GS_TEST, f"tests[{i}]")
    if "score" not in doc and not all(isinstance(t, dict) and "score" in t for t in tests):
        errors.append("results: a score is required at the top or on every test")
    for i, row in enumerate(doc.get("leaderboard", [])):
        if not isinstance(row, dict) or not isinstance(row.get("name"), str):
            errors.append(f"leaderboard[{i}]: needs a name")
    return errors


def prairielearn_errors(doc: Any) -> list[str]:
    """Return how doc breaks PrairieLearn's external grading results (empty: it does not)."""
    errors = _check(doc, PL_TOP, "results")
    if errors:
        return errors
    if doc.get("gradable", True):
        score = doc.get("score")
        if not _ok("number", score) or not 0 <= score <= 1:
            errors.append(f"results.score: {score!r} is not a number in [0, 1]")
    for i, test in enumerate(doc.get("tests", [])):
        errors += _check(test, PL_TEST, f"tests[{i}]")
        if isinstance(test, dict) and "name" not in test:
            errors.append(f"tests[{i}].name: required")
        points: Any = test.get("points") if isinstance(test, dict) else None
        if _ok("number", points) and not 0 <= points <= test.get("max_points", math.inf):
            errors.append(f"tests[{i}].points: not within [0, max_points]")
    return errors
