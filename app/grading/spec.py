"""problem.json and answers.json read with the standard library only (no web stack needed).

The same bounds as the API's request models (app/web/schemas/grade.py imports them), so a
problem file means the same thing to `chainrule grade` and to POST /api/grade. Errors are
ValueError with the JSON path first: "questions.2.points: must be a number from 0 to 1e+06".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from app.grading.answers import EXPECTS, Expect, Unreadable, to_finite
from app.grading.problem import DEFAULT_ATOL, DEFAULT_RTOL, DEFAULT_SAMPLES, Options

MAX_ANSWERS = 100
MAX_SAMPLES = 100
MAX_VALUES = 1_000
MAX_EXPRESSION = 100_000
MAX_NAME = 200
MAX_POINTS = 1e6
MAX_ATOL = 1e12
MAX_SEED = 2**63 - 1
VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")

T = TypeVar("T")


@dataclass(frozen=True)
class Question:
    """One question of a problem file: what is asked, its worth, how it is checked and shown."""

    name: str
    of: str | None = None
    wrt: str | None = None
    points: float = 1.0
    expect: Expect = "either"
    rtol: float | None = None
    atol: float | None = None
    visibility: str | None = None
    number: str | None = None
    tags: tuple[str, ...] | None = None
    description: str | None = None

    def meta(self) -> dict[str, Any]:
        """Return what the platforms show but grading ignores (visibility, number, tags...)."""
        out: dict[str, Any] = {}
        for key in ("visibility", "number", "description"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        if self.tags is not None:
            out["tags"] = list(self.tags)
        return out


@dataclass(frozen=True)
class ProblemSpec:
    """A problem file: the program, its values, the options and (optionally) the questions."""

    expression: str
    values: dict[str, float]
    options: Options
    questions: list[Question] | None = None
    visibility: str | None = None


@dataclass(frozen=True)
class Submitted:
    """One entry of a submission: the question's name and its raw answer."""

    name: str
    answer: object


_QUESTION_KEYS = {f for f in Question.__dataclass_fields__}
_PROBLEM_KEYS = {"expression", "values", "rtol", "atol", "samples", "seed", "reveal"}
_PROBLEM_KEYS |= {"questions", "visibility", "title", "description"}


def _get(data: Mapping[str, Any], key: str, where: str, check: Callable[[Any, str], T]) -> T:
    return check(data[key], f"{where}{key}")


def _text(x: Any, where: str, low: int = 1, high: int = MAX_NAME) -> str:
    if not isinstance(x, str) or not low <= len(x) <= high:
        raise ValueError(f"{where}: must be text of {low} to {high:,} characters")
    return x


def _number(x: Any, where: str, low: float, high: float) -> float:
    if isinstance(x, bool) or not isinstance(x, int | float):
        raise ValueError(f"{where}: must be a number")
    value = to_finite(x, where)
    if not low <= value <= high:
        raise ValueError(f"{where}: must be a number from {low:g} to {high:g}")
    return value


def _integer(x: Any, where: str, high: int) -> int:
    if isinstance(x, bool) or not isinstance(x, int) or not 0 <= x <= high:
        raise ValueError(f"{where}: must be a whole number from 0 to {high:,}")
    return x


def _choice(x: Any, where: str, choices: tuple[str, ...]) -> str:
    if x not in choices:
        raise ValueError(f"{where}: must be one of {', '.join(choices)}")
    return str(x)


def _object(x: Any, where: str, allowed: set[str]) -> dict[str, Any]:
    if not isinstance(x, dict):
        raise ValueError(f"{where or 'the file'}: must be a JSON object")
    unknown = sorted(set(x) - allowed)
    if unknown:
        path = f"{where}.{unknown[0]}" if where else unknown[0]
        raise ValueError(f"{path}: unknown key; allowed: {', '.join(sorted(allowed))}")
    return x


def question(data: Any, where: str, extra: Iterable[str] = ()) -> Question:
    """Return one question (a dict with name, of?, wrt?, points?, expect?, rtol?, atol?...).

    extra names keys that may also be there (an answers.json entry's "answer").
    """
    q = _object(data, where, _QUESTION_KEYS | set(extra))
    p = f"{where}."
    if "name" not in q:
        raise ValueError(f"{p}name: required")
    tags = q.get("tags")
    if tags is not None and not (isinstance(tags, list) and all(isinstance(t, str) for t in tags)):
        raise ValueError(f"{p}tags: must be a list of text")
    number = q.get("number")
    if isinstance(number, bool) or not isinstance(number, str | int | float | None):
        raise ValueError(f"{p}number: must be text such as '1.2'")
    opt = {k: q[k] for k in q if q[k] is not None}
    return Question(
        name=_get(q, "name", p, _text),
        of=_get(opt, "of", p, _text) if "of" in opt else None,
        wrt=_get(opt, "wrt", p, _text) if "wrt" in opt else None,
        points=_number(opt["points"], f"{p}points", 0, MAX_POINTS) if "points" in opt else 1.0,
        expect=cast(Expect, _choice(opt.get("expect", "either"), f"{p}expect", EXPECTS)),
        rtol=_number(opt["rtol"], f"{p}rtol", 0, 1) if "rtol" in opt else None,
        atol=_number(opt["atol"], f"{p}atol", 0, MAX_ATOL) if "atol" in opt else None,
        visibility=_choice(opt["visibility"], f"{p}visibility", VISIBILITIES)
        if "visibility" in opt
        else None,
        number=None if number is None else str(number),
        tags=None if tags is None else tuple(tags),
        description=_get(opt, "description", p, _text) if "description" in opt else None,
    )


def problem(data: Any, params: Mapping[str, Any] | None = None) -> ProblemSpec:
    """Return the problem a problem.json holds; params (PrairieLearn's) override its values."""
    d = _object(data, "", _PROBLEM_KEYS)
    if "expression" not in d:
        raise ValueError("expression: required")
    expression = _text(d["expression"], "expression", 1, MAX_EXPRESSION)
    raw_values = d.get("values", {})
    if not isinstance(raw_values, dict) or len(raw_values) > MAX_VALUES:
        raise ValueError(f"values: must be an object of at most {MAX_VALUES:,} name: number")
    values = {
        _text(k, "values"): _number(v, f"values.{k}", -1e308, 1e308) for k, v in raw_values.items()
    }
    for name, x in (params or {}).items():
        if name in values:  # other params (text for the page, say) are not the problem's
            values[name] = _number(x, f"params.{name}", -1e308, 1e308)
    seed = d.get("seed")
    options = Options(
        rtol=_number(d.get("rtol", DEFAULT_RTOL), "rtol", 0, 1),
        atol=_number(d.get("atol", DEFAULT_ATOL), "atol", 0, MAX_ATOL),
        samples=_integer(d.get("samples", DEFAULT_SAMPLES), "samples", MAX_SAMPLES),
        seed=None if seed is None else _integer(seed, "seed", MAX_SEED),
        reveal=_flag(d.get("reveal", True), "reveal"),
    )
    questions = None
    if d.get("questions") is not None:
        qs = d["questions"]
        if not isinstance(qs, list) or not 1 <= len(qs) <= MAX_ANSWERS:
            raise ValueError(f"questions: must be a list of 1 to {MAX_ANSWERS} questions")
        questions = [question(q, f"questions.{i}") for i, q in enumerate(qs)]
    visibility = d.get("visibility")
    if visibility is not None:
        visibility = _choice(visibility, "visibility", VISIBILITIES)
    return ProblemSpec(expression, values, options, questions, visibility)


def _flag(x: Any, where: str) -> bool:
    if not isinstance(x, bool):
        raise ValueError(f"{where}: must be true or false")
    return x


def submission(data: Any) -> list[Any]:
    """Return the entries of an answers.json: {"answers": [...]} or a bare list."""
    if isinstance(data, dict) and "answers" in data:
        data = data["answers"]
    if not isinstance(data, list):
        raise ValueError('expected {"answers": [{"name": ..., "answer": ...}, ...]}')
    if len(data) > MAX_ANSWERS:
        raise ValueError(f"at most {MAX_ANSWERS} answers are allowed, got {len(data)}")
    return data


def submitted(entries: list[Any]) -> tuple[list[Submitted], list[str]]:
    """Return the named answers, and a message for each entry that has no usable name."""
    out: list[Submitted] = []
    errors: list[str] = []
    for i, entry in enumerate(entries):
        name = entry.get("name") if isinstance(entry, dict) else None
        if not isinstance(name, str) or not 1 <= len(name) <= MAX_NAME:
            errors.append(f"answers.{i}: an entry must be an object with a 'name' (text)")
            continue
        answer = entry.get("answer", Unreadable(f"the entry '{name}' has no 'answer'"))
        out.append(Submitted(name, answer))
    return out, errors
