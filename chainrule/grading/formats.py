"""A grading result in each platform's results.json: chainrule's own, Gradescope, PrairieLearn.

`chainrule` is the API's documented shape (score, max_score, gradable, tests[{name, score,
max_score, status, output, gradable}]). `gradescope` keeps strictly to the keys of
Gradescope's "Autograder Specifications" (ours go under extra_data) and sets output_format
to "text", so a student's answer echoed in the feedback is shown as text, never as HTML or
Markdown. `prairielearn` follows PrairieLearn's external grading results: score is a
fraction in [0, 1], tests carry points/max_points, gradable is false only when the whole
submission could not be read, and answers that could not be read are format_errors.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import repeat
from typing import Any, Literal

Format = Literal["chainrule", "gradescope", "prairielearn"]
FORMATS: tuple[Format, ...] = ("chainrule", "gradescope", "prairielearn")
Result = dict[str, Any]
Meta = Mapping[str, Any]

COULD_NOT_GRADE = (
    "The autograder could not grade this submission: please tell course staff, who can "
    "read the grading log."
)


def summary(result: Result, shown: Sequence[bool] | None = None) -> str:
    """Return one line for the whole submission: its score and how many answers passed.

    shown (one per test) leaves out of the count the tests the student is not shown.
    """
    tests = [t for t, s in zip(result["tests"], shown or repeat(True), strict=False) if s]
    passed = sum(t["status"] == "passed" for t in tests)
    line = f"score {_num(result['score'])} of {_num(result['max_score'])}"
    if tests:
        line += f": {passed} of {len(tests)} answers correct"
    note = result.get("output")
    return f"{line}\n{note}" if note else line


def render(
    result: Result,
    fmt: Format,
    meta: Sequence[Meta] | None = None,
    visibility: str | None = None,
    errors: Sequence[str] = (),
    readable: bool = True,
) -> Result:
    """Return result in the platform's shape.

    meta (one per test) carries visibility, number, tags and description; errors are the
    submission's format errors not tied to one answer; readable is false when the whole
    submission could not be read (PrairieLearn then does not count the attempt).
    """
    if fmt == "gradescope":
        return gradescope(result, meta, visibility)
    if fmt == "prairielearn":
        return prairielearn(result, meta, errors, readable)
    return result


def gradescope(
    result: Result, meta: Sequence[Meta] | None = None, visibility: str | None = None
) -> Result:
    """Return Gradescope's results.json: only its documented keys, output_format "text"."""
    tests = []
    shown = []
    for t, m in zip(result["tests"], meta or repeat({}), strict=False):
        shown.append((m.get("visibility") or visibility or "visible") == "visible")
        test: Result = {
            "name": t["name"],
            "score": t["score"],
            "max_score": t["max_score"],
            "status": t["status"],
            "output": t["output"],
            "output_format": "text",
        }
        for key in ("number", "tags", "visibility"):
            if m.get(key) is not None:
                test[key] = m[key]
        extra: Result = {"readable": t["gradable"]}
        if t.get("extra_data"):
            extra["error"] = t["extra_data"]
        test["extra_data"] = extra
        tests.append(test)
    out: Result = {
        "score": result["score"],
        "output": summary(result, shown),  # shown now: never counts a hidden test
        "output_format": "text",
        "tests": tests,
        "extra_data": {"max_score": result["max_score"], "gradable": result["gradable"]},
    }
    if visibility is not None:
        out["visibility"] = visibility
    return out


def prairielearn(
    result: Result,
    meta: Sequence[Meta] | None = None,
    errors: Sequence[str] = (),
    readable: bool = True,
) -> Result:
    """Return PrairieLearn's results.json: score = points / max_points, in [0, 1]."""
    tests = []
    format_errors = []
    for t, m in zip(result["tests"], meta or repeat({}), strict=False):
        first, _, rest = str(t["output"]).partition("\n")
        test: Result = {
            "name": t["name"],
            "points": t["score"],
            "max_points": t["max_score"],
            "message": first,
            "output": t["output"] if rest else "",
        }
        if m.get("description") is not None:
            test["description"] = m["description"]
        tests.append(test)
        if not t["gradable"]:
            format_errors.append(f"{t['name']}: {first}")
    total = result["max_score"]
    if total > 0:
        score = min(1.0, max(0.0, round(result["score"] / total, 9)))
    else:
        score = 1.0 if all(t["status"] == "passed" for t in result["tests"]) else 0.0
    out: Result = {
        "gradable": bool(readable),
        "score": score if readable else 0.0,
        "message": summary(result),
        "output": "",
        "tests": tests,
    }
    if errors or format_errors:
        out["format_errors"] = [*errors, *format_errors]
    return out


def could_not_grade(fmt: Format, message: str = COULD_NOT_GRADE) -> Result:
    """Return the platform's answer for a submission the autograder could not grade
    (PrairieLearn: not gradable, so the attempt does not count; Gradescope: score 0 and
    the message, the autograder itself not shown as broken)."""
    if fmt == "gradescope":
        return {
            "score": 0.0,
            "output": message,
            "output_format": "text",
            "tests": [],
            "extra_data": {"gradable": False},
        }
    if fmt == "prairielearn":
        return {"gradable": False, "score": 0.0, "message": message, "output": "", "tests": []}
    return {"score": 0.0, "max_score": 0.0, "gradable": False, "tests": [], "output": message}


def _num(x: float) -> str:
    return f"{x:g}"
