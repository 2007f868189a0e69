"""problem.json and answers.json read with the standard library only (no web stack needed).

Each field is described once (QUESTION_FIELDS, PROBLEM_FIELDS: name, kind, bounds, default,
description); this reader reads them, and the API's request models are built from them
(app/schemas/grade.py), so a problem file means the same thing to `chainrule grade` and
to POST /api/grade. Errors are ValueError with the JSON path first:
"questions.2.points: must be a number from 0 to 1e+06".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal, Protocol, cast, get_args

from chainrule.grading.answers import EXPECTS, Expect, Unreadable, to_finite
from chainrule.grading.problem import DEFAULT_ATOL, DEFAULT_RTOL, DEFAULT_SAMPLES, Options, label

MAX_ANSWERS = 100
MAX_SAMPLES = 100
MAX_VALUES = 1_000
MAX_EXPRESSION = 100_000
MAX_NAME = 200
MAX_POINTS = 1e6
MAX_ATOL = 1e12
MAX_SEED = 2**63 - 1
MAX_TAGS = 20
MAX_NUMBER = 1e308  # a value: any finite float
Visibility = Literal["visible", "hidden", "after_due_date", "after_published"]
VISIBILITIES: tuple[Visibility, ...] = get_args(Visibility)

Kind = Literal["text", "number", "whole", "flag", "choice", "texts", "label", "values"]
REQUIRED: Final = ...  # a field without a default


@dataclass(frozen=True)
class Field:
    """One field of a problem file or of a question, as both readers see it.

    kind: text (low to high characters), number (finite, low to high), whole (an int from
    low to high), flag (true/false), choice (one of choices), texts (a list of at most
    items texts of at most high characters), label (text of at most high characters; a file
    may write it as a JSON number), values (an object of at most high name: number).
    null is read as the default where the default is None (an optional field), and refused
    elsewhere. app/schemas/grade.py builds the API's request models from these.
    """

    name: str
    kind: Kind
    default: object = None
    low: float = 0
    high: float = 0
    choices: tuple[str, ...] = ()
    items: int = 0
    description: str = ""

    @property
    def required(self) -> bool:
        return self.default is REQUIRED


def _name(name: str, description: str = "") -> Field:
    return Field(name, "text", None, 1, MAX_NAME, description=description)


QUESTION_FIELDS: tuple[Field, ...] = (
    Field("name", "text", REQUIRED, 1, MAX_NAME),
    _name("of", "the node asked about (default: the output)"),
    _name("wrt", "differentiate of with respect to this node"),
    Field("points", "number", 1.0, 0, MAX_POINTS),
    Field(
        "expect",
        "choice",
        "either",
        choices=EXPECTS,
        description="number: a formula is refused (a constant one such as 1/3 is read); "
        "formula: a number is checked as a constant formula, at random points too",
    ),
    Field("rtol", "number", None, 0, 1, description="this answer's rtol (default: the problem's)"),
    Field(
        "atol",
        "number",
        None,
        0,
        MAX_ATOL,
        description="this answer's atol (default: the problem's)",
    ),
    Field("visibility", "choice", choices=VISIBILITIES, description="Gradescope's test visibility"),
    Field("number", "label", high=MAX_NAME, description="Gradescope's test number, such as '1.2'"),
    Field("tags", "texts", high=MAX_NAME, items=MAX_TAGS, description="Gradescope's test tags"),
    _name("description", "PrairieLearn's test description (default: what is asked, ∂of/∂wrt)"),
)
PROBLEM_FIELDS: tuple[Field, ...] = (
    Field("expression", "text", REQUIRED, 1, MAX_EXPRESSION),
    Field("values", "values", {}, high=MAX_VALUES),
    Field("rtol", "number", DEFAULT_RTOL, 0, 1),
    Field("atol", "number", DEFAULT_ATOL, 0, MAX_ATOL),
    Field("samples", "whole", DEFAULT_SAMPLES, 0, MAX_SAMPLES),
    Field("seed", "whole", None, 0, MAX_SEED),
    Field("reveal", "flag", True, description="false hides the expected values from the feedback"),
)
QUESTION: Mapping[str, Field] = {f.name: f for f in QUESTION_FIELDS}
PROBLEM: Mapping[str, Field] = {f.name: f for f in PROBLEM_FIELDS}
VISIBILITY = Field(
    "visibility",
    "choice",
    choices=VISIBILITIES,
    description="Gradescope's visibility of the whole result",
)  # a problem file's; the API's: of its grade request
IGNORED = ("title", "description")  # a problem file may have them (for its reader)


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
    visibility: Visibility | None = None
    number: str | None = None
    tags: tuple[str, ...] | None = None
    description: str | None = None


class Shown(Protocol):
    """What the platforms show of a question (a file's Question, or the API's answer)."""

    @property
    def wrt(self) -> str | None: ...
    @property
    def visibility(self) -> Visibility | None: ...
    @property
    def number(self) -> str | None: ...
    @property
    def tags(self) -> Sequence[str] | None: ...
    @property
    def description(self) -> str | None: ...


def meta(question: Shown, of: str) -> dict[str, Any]:
    """Return what the platforms show but grading ignores: the description (by default
    what is asked about of), and the visibility, number and tags that are set."""
    q = question
    out: dict[str, Any] = {"description": q.description or label(of, q.wrt)}
    if q.visibility is not None:
        out["visibility"] = q.visibility
    if q.number is not None:
        out["number"] = q.number
    if q.tags is not None:
        out["tags"] = list(q.tags)
    return out


@dataclass(frozen=True)
class ProblemSpec:
    """A problem file: the program, its values, the options and (optionally) the questions."""

    expression: str
    values: dict[str, float]
    options: Options
    questions: list[Question] | None = None
    visibility: Visibility | None = None


@dataclass(frozen=True)
class Submitted:
    """One entry of a submission: the question's name and its raw answer."""

    name: str
    answer: object


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


def _values(x: Any, where: str, high: int) -> dict[str, float]:
    if not isinstance(x, dict) or len(x) > high:
        raise ValueError(f"{where}: must be an object of at most {high:,} name: number")
    return {
        _text(k, where): _number(v, f"{where}.{k}", -MAX_NUMBER, MAX_NUMBER) for k, v in x.items()
    }


def read_field(field: Field, x: Any, where: str) -> Any:
    """Return the value x of field, or raise ValueError naming where and the field's rule."""
    f, low, high = field, int(field.low), int(field.high)
    if f.kind == "text":
        return _text(x, where, low, high)
    if f.kind == "number":
        return _number(x, where, f.low, f.high)
    if f.kind == "values":
        return _values(x, where, high)
    if f.kind == "whole":
        if isinstance(x, bool) or not isinstance(x, int) or not low <= x <= high:
            raise ValueError(f"{where}: must be a whole number from {low} to {high:,}")
        return x
    if f.kind == "flag":
        if not isinstance(x, bool):
            raise ValueError(f"{where}: must be true or false")
        return x
    if f.kind == "choice":
        if x not in f.choices:
            raise ValueError(f"{where}: must be one of {', '.join(f.choices)}")
        return str(x)
    if f.kind == "texts":
        if not (isinstance(x, list) and len(x) <= f.items and all(isinstance(t, str) for t in x)):
            raise ValueError(f"{where}: must be a list of at most {f.items} texts")
        return tuple(_text(t, f"{where}.{i}", 0, high) for i, t in enumerate(x))
    if isinstance(x, bool) or not isinstance(x, str | int | float):  # label
        raise ValueError(f"{where}: must be text such as '1.2'")
    return _text(str(x), where, 0, high)


def read_fields(
    data: Any, fields: Iterable[Field], where: str, extra: Iterable[str] = ()
) -> dict[str, Any]:
    """Return every field of the object data (its default where it is absent); raise
    ValueError for a key that is not a field or extra, a missing required field, a bad one."""
    by_name = {f.name: f for f in fields}
    allowed = set(by_name) | set(extra)
    if not isinstance(data, dict):
        raise ValueError(f"{where or 'the file'}: must be a JSON object")
    unknown = sorted(set(data) - allowed)
    p = f"{where}." if where else ""
    if unknown:
        raise ValueError(f"{p}{unknown[0]}: unknown key; allowed: {', '.join(sorted(allowed))}")
    out: dict[str, Any] = {}
    for name, f in by_name.items():
        x = data.get(name)
        if name not in data or (x is None and f.default is None):
            if f.required:
                raise ValueError(f"{p}{name}: required")
            out[name] = f.default
        else:
            out[name] = read_field(f, x, f"{p}{name}")
    return out


def question(data: Any, where: str, extra: Iterable[str] = ()) -> Question:
    """Return one question (a dict with name, of?, wrt?, points?, expect?, rtol?, atol?...).

    extra names keys that may also be there (an answers.json entry's "answer").
    """
    read = read_fields(data, QUESTION_FIELDS, where, extra)
    read["expect"] = cast(Expect, read["expect"])
    return Question(**read)


def problem(data: Any, params: Mapping[str, Any] | None = None) -> ProblemSpec:
    """Return the problem a problem.json holds; params (PrairieLearn's) override its values."""
    d = read_fields(data, [*PROBLEM_FIELDS, VISIBILITY], "", ["questions", *IGNORED])
    values = d["values"]
    for name, x in (params or {}).items():
        if name in values:  # other params (text for the page, say) are not the problem's
            values[name] = _number(x, f"params.{name}", -MAX_NUMBER, MAX_NUMBER)
    options = Options(d["rtol"], d["atol"], d["samples"], d["seed"], d["reveal"])
    questions = None
    qs = data.get("questions")
    if qs is not None:
        if not isinstance(qs, list) or not 1 <= len(qs) <= MAX_ANSWERS:
            raise ValueError(f"questions: must be a list of 1 to {MAX_ANSWERS} questions")
        questions = [question(q, f"questions.{i}") for i, q in enumerate(qs)]
    return ProblemSpec(d["expression"], values, options, questions, d["visibility"])


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
