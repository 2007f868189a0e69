"""Shared pieces of the request and response models: numbers, names, options, problems."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from chainrule.lang.limits import DEFAULT_LIMITS
from chainrule.render.size import PANEL_PX
from chainrule.render.style import (
    COMPACT_ABOVE,
    DRAW_DEFAULTS,
    PRECISION,
    Compact,
    DotOptions,
    Level,
    Rankdir,
)

PROBLEM_MEDIA = "application/problem+json"
IDENTIFIER = r"^[A-Za-z_][A-Za-z0-9_]*$"
# The longest name the schemas take: the language's default limit (CHAINRULE_MAX_NAME_LENGTH
# may lower it; the parser says so at the name's position).
NAME_LENGTH = DEFAULT_LIMITS.max_name_length
# A name among a URL's query parameters (an input value, not an option).
QUERY_NAME = re.compile(rf"[A-Za-z_][A-Za-z0-9_]{{0,{NAME_LENGTH - 1}}}")

Identifier = Annotated[
    str,
    StringConstraints(pattern=IDENTIFIER, min_length=1, max_length=NAME_LENGTH),
    Field(description="A name of the language: a letter or _, then letters, digits or _."),
]

FiniteNumber = Annotated[
    float,
    Field(
        strict=True,
        allow_inf_nan=False,
        description="A finite JSON number (NaN, Infinity and numbers beyond ±1.8e308 are "
        "refused with 422).",
    ),
]

JSONFloat = Annotated[
    float | Literal["inf", "-inf", "nan"],
    Field(
        description='A number; a non-finite result is sent as the string "inf", "-inf" '
        'or "nan" because JSON has no such numbers.'
    ),
]

Values = Annotated[
    dict[Identifier, FiniteNumber],
    Field(
        max_length=1_000,
        description="Input values by name. Values for names the program does not use "
        "are allowed and reported in `warnings`.",
    ),
]

BOX_ID = r"^[ns][0-9]{1,7}$"  # a box to draw open: a line's or call's node, or a series (sK)
EXPAND_MAX = 200  # units drawn open in one picture
EXPAND_TEXT = 2_000  # characters of a query's expand=n3,n7
_BOX = re.compile(BOX_ID)
_D = DRAW_DEFAULTS


def read_expand(text: str) -> list[str]:
    """Read the units drawn open from a query's "n3,n7" (other words dropped, never raises)."""
    return [x for x in text.split(",") if _BOX.fullmatch(x)][:EXPAND_MAX]


class DrawOptions(BaseModel):
    """How the computation graph is drawn (JSON types exactly: no "true" for true).

    The one model of the drawing options: the body of /api/evaluate has its fields, the
    query of /api/graph.svg, the page and its exports are read into it (DrawQuery) and
    written from it (query()); its defaults are DRAW_DEFAULTS, handed to the page's
    script as data (defaults_json()).
    """

    model_config = ConfigDict(strict=True)

    rankdir: Rankdir = Field(
        default=_D.rankdir,
        description='Layout direction: left to right, top down, or "auto" (by the '
        "drawing's shape: the one that fits a 1280x800 view; long lines-level chains wrap "
        "into rows).",
    )
    local_grads: bool = Field(
        default=_D.local_grads, description="Label every edge with its local derivative."
    )
    precision: int = Field(
        default=_D.precision,
        ge=PRECISION[0],
        le=PRECISION[1],
        description="Significant digits shown in labels.",
    )
    expand_calls: bool = Field(
        default=_D.expand_calls,
        description="Draw the body of each user-function call instead of one node.",
    )
    constants: bool = Field(
        default=_D.constants,
        description="Write each constant beside its use, in the op node (false: the "
        "op's symbol only).",
    )
    legend: bool = Field(default=_D.legend, description="Draw the legend of node kinds.")
    compact: Compact = Field(
        default=_D.compact,
        description="Write each operation inside its value node (one node per operation): "
        f'true, false, or "auto" (compact above {COMPACT_ABOVE} operations, or when only '
        "that drawing is legible at the first view).",
    )
    level: Level = Field(
        default=_D.level,
        description='"lines": one box per named line and user-function call (inputs used '
        'once listed inside); "ops": every operation; "auto": operations while that '
        "drawing fits a 1280x800 view legibly, else lines.",
    )
    expand: list[Annotated[str, StringConstraints(pattern=BOX_ID)]] = Field(
        default_factory=lambda: list(_D.expand),
        max_length=EXPAND_MAX,
        description="At the lines level, the boxes drawn open: a line or call by its node id "
        "(its operations), a series by its id sK (its lines one by one).",
    )

    def options(self) -> DrawOptions:
        """Return just the drawing options (of a request that has more fields)."""
        return DrawOptions.model_construct(**{k: getattr(self, k) for k in DRAW_FIELDS})

    def dot(self) -> DotOptions:
        """Return the renderer's options for these drawing options."""
        fields = {k: getattr(self, k) for k in DRAW_FIELDS}
        return DotOptions(**(fields | {"expand": tuple(self.expand)}))

    def query(self) -> list[tuple[str, str]]:
        """Return the query parameters writing these options: those that are not the
        defaults, by the API's names (read back by DrawQuery)."""
        defaults = DRAW_OPTIONS_DEFAULTS
        return [
            (k, query_text(getattr(self, k)))
            for k in DRAW_FIELDS
            if getattr(self, k) != defaults[k]
        ]


def query_text(value: object) -> str:
    """Return an option's value as a query writes it: true/false, n3,n7, LR, 4."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ",".join(value)
    return str(value)


class DrawQuery(DrawOptions):
    """The drawing options as a query string writes them (DrawOptions.query()): texts read
    as numbers and true/false, expand as "n3,n7" (other words dropped)."""

    model_config = ConfigDict(strict=False)

    expand: str = Field(  # type: ignore[assignment]
        "",
        max_length=EXPAND_TEXT,
        description="At the lines level, the units drawn open: node ids, comma-separated.",
    )

    def options(self) -> DrawOptions:
        """Return the drawing options this query asks for."""
        fields = {k: getattr(self, k) for k in DRAW_FIELDS}
        return DrawOptions.model_construct(**(fields | {"expand": read_expand(self.expand)}))

    @classmethod
    def lenient(cls, params: Mapping[str, str]) -> DrawOptions:
        """Read the options of a query that never fails (the page and its exports): each
        option that is not valid is its default; a whole number of digits is brought
        into PRECISION."""
        taken: dict[str, str] = {}
        for key in DRAW_FIELDS:
            text = params.get(key)
            if text is None:
                continue
            if key == "precision" and _DIGITS.fullmatch(text):
                text = str(min(max(int(text), PRECISION[0]), PRECISION[1]))
            try:
                cls.model_validate({key: text})
            except ValidationError:
                continue
            taken[key] = text
        return cls.model_validate(taken).options()


DRAW_FIELDS = tuple(DrawOptions.model_fields)
DRAW_OPTIONS_DEFAULTS: dict[str, object] = DrawOptions().model_dump()
_DIGITS = re.compile(r"[0-9]{1,6}")


def panel_json() -> str:
    """Return the graph panel the server draws for when told no view ([width, height] in CSS
    pixels), for the page's script (data-panel): it asks for a drawing of its own panel's
    size when that is another."""
    return json.dumps(PANEL_PX)


def defaults_json() -> str:
    """Return the drawing options' defaults as JSON, for the page's script to read (the
    page's data-draw-defaults attribute)."""
    return json.dumps(DRAW_OPTIONS_DEFAULTS, separators=(",", ":"))


class ProblemDetails(BaseModel):
    """An error as application/problem+json (RFC 9457), with positions for input errors."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {
                    "type": "https://chainrule.dev/problems/syntax",
                    "title": "Invalid program",
                    "status": 422,
                    "detail": "'(' is never closed",
                    "field": "expression",
                    "line": 1,
                    "column": 1,
                    "length": 1,
                    "snippet": "((a+b)\n^",
                }
            ]
        },
    )

    type: str = Field(description="A URI naming the kind of problem.")
    title: str
    status: int
    detail: str = Field(description="What is wrong, for a person to read.")
    field: str | None = Field(None, description="The request field at fault (input errors).")
    line: int | None = Field(None, description="1-based line of the error in the program.")
    column: int | None = Field(None, description="1-based column of the error.")
    length: int | None = Field(None, description="How many characters the error spans.")
    snippet: str | None = Field(None, description="The offending line with carets under it.")
    missing: list[str] | None = Field(None, description="Inputs the program needs values for.")


PROBLEM_RESPONSES: dict[int | str, dict[str, object]] = {
    status: {
        "model": ProblemDetails,
        "description": text,
        "content": {PROBLEM_MEDIA: {"schema": {"$ref": "#/components/schemas/ProblemDetails"}}},
    }
    for status, text in (
        (400, "The request body could not be read (not JSON, or the wrong content type)."),
        (413, "The request body is over the size limit."),
        (422, "The program or the request is invalid, or the computation failed."),
    )
}


# The query parameters of a drawing's URL that are not input values (/api/graph.svg, the
# page and its exports): the program and the drawing options, by the API's names.
QUERY_OPTIONS = frozenset(("expression", *DRAW_FIELDS))
