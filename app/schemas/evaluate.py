"""POST /api/evaluate: the request and the answer (values, gradients, graph, SVG)."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, JsonValue

from app.schemas.common import DrawOptions, FiniteNumber, JSONFloat, Values
from chainrule.render import DotOptions
from chainrule.render.size import view_points

ViewPx = Annotated[float, Field(ge=120, le=20_000)]

SEED_PROGRAM = "c = a + b\nd = b + 1\ne = c * d"


class EvaluateRequest(DrawOptions):
    """A program, its input values, and whether to draw the graph."""

    model_config = ConfigDict(
        strict=True,
        json_schema_extra={
            "examples": [
                {"expression": "(a+b)*(b+1)", "values": {"a": 2, "b": 1}},
                {"expression": SEED_PROGRAM, "values": {"a": 2, "b": 1}, "svg": True},
            ]
        },
    )

    expression: str = Field(description="The program: statements separated by newlines or ';'.")
    values: Values = Field(default_factory=dict)
    default_value: FiniteNumber | None = Field(
        None,
        description="The value of every input `values` does not give (the answer's "
        "`defaulted` names them); without it a missing value is a 422 listing them.",
    )
    svg: bool = Field(False, description="Also draw the graph as SVG (in `svg`).")
    check: bool = Field(
        False,
        description="Also check every input's gradient by central finite differences "
        "(`check`: two more builds per input, for at most 12 inputs).",
    )
    numbers_only: bool = Field(
        False,
        description="Answer only the numbers (a value change on an unchanged program): "
        "`values`, `grads`, `value_texts`, `grad_texts` in node order (node k is id nK), "
        "no nodes, edges, steps or drawing.",
    )
    view: Annotated[list[ViewPx], Field(min_length=2, max_length=2)] | None = Field(
        None,
        description="The graph panel's [width, height] in CSS pixels: the view the automatic "
        "level and direction fit (a wrapped drawing's rows as wide as it); not part of a "
        "link. Without it: a 1280x800 screen's panel.",
    )

    def dot(self) -> DotOptions:
        """Return the renderer's options, with the first view the page asked for."""
        options = super().dot()
        return replace(options, view=view_points(*self.view)) if self.view else options


class InputOut(BaseModel):
    """One input of the program, where it is first used."""

    name: str
    line: int = Field(description="1-based line of its first use.")
    column: int = Field(description="1-based column of its first use.")


class RowOut(BaseModel):
    """One row of the values table: an input or a named node, its numbers as text."""

    id: str
    name: str
    kind: str | None = Field(None, description="input, named or output (absent: numbers only).")
    value_text: str = Field(description="The value at the table's 6 significant digits.")
    grad_text: str = Field(description="The gradient at the table's 6 significant digits.")


class CheckedInput(BaseModel):
    """One input's finite difference beside its gradient."""

    name: str
    fd: float | None = Field(description="(f(x+h) - f(x-h)) / 2h; null: no number nearby.")
    fd_text: str = Field(description='The difference as the table writes it ("—" if none).')
    diff_text: str = Field(description="|difference - gradient|, 2 digits ('' if none).")
    bad: bool = Field(description="The two disagree by more than 1e-4 × max(1, |gradient|).")


class CheckOut(BaseModel):
    """The numeric check of the gradients, or why it was skipped."""

    skipped: bool
    note: str | None = Field(description="Why it was skipped (too many inputs, the budget).")
    inputs: list[CheckedInput]


CHECK_EXAMPLE: JsonValue = {
    "skipped": False,
    "note": None,
    "inputs": [
        {
            "name": "a",
            "fd": 2.0000000000575113,
            "fd_text": "2",
            "diff_text": "5.8e-11",
            "bad": False,
        }
    ],
}


class NoticeOut(BaseModel):
    """A warning with a stable code to switch on (the text may change; the code does not)."""

    code: str = Field(
        description='"unused-value" (a value for a name the program does not use), '
        '"unused-line", "misspelled-name", "declared-grad-mismatch"; in /api/optimize also '
        '"unused-column" and "unused-parameter"; or "other".'
    )
    message: str = Field(description="The warning as `warnings` writes it.")


INPUTS_EXAMPLE: JsonValue = [
    {"name": "a", "line": 1, "column": 5},
    {"name": "b", "line": 1, "column": 9},
]


class InputsRequest(BaseModel):
    """A program whose inputs are asked for (it is parsed, not computed)."""

    model_config = ConfigDict(
        strict=True, extra="forbid", json_schema_extra={"examples": [{"expression": SEED_PROGRAM}]}
    )

    expression: str = Field(description="The program: statements separated by newlines or ';'.")


class InputsResponse(BaseModel):
    """The program's inputs in the order of first use, and its output's name."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"inputs": INPUTS_EXAMPLE, "output": "e"}]}
    )

    inputs: list[InputOut]
    output: str | None = Field(description="The last statement's name (null: a bare expression).")


class NodeOut(BaseModel):
    """One node of the computation graph."""

    id: str = Field(description='Stable id in topological order: "n0", "n1", ...')
    name: str | None = Field(description="The input or assigned name, if any.")
    op: str = Field(description='The engine operation ("" for an input, "const", "+", ...).')
    value: JSONFloat
    grad: JSONFloat | None = Field(
        description="d(output)/d(this node); null for a constant (a number written in the "
        "program carries no gradient)."
    )
    kind: str = Field(description="input, constant, intermediate, output or call.")
    label: str = Field(description="What the drawing shows for the operation.")
    value_text: str = Field(description="The value exactly as drawn, at the request's precision.")
    grad_text: str = Field(description="The gradient exactly as drawn, at the request's precision.")
    group: str | None = Field(None, description="The call node whose expanded body holds it.")
    handle: str | None = Field(
        None,
        description="An unnamed operation's short stable name (\"prod2\": its op's word and a "
        "count), shown on its node and used by the step text.",
    )


class EdgeOut(BaseModel):
    """source feeds target; local_grad is d(target)/d(source)."""

    source: str
    target: str
    local_grad: JSONFloat
    kind: str = Field("input", description='"input"; in expanded calls "bind" or "result".')


class ContributionOut(BaseModel):
    """What one backward step adds to one input: upstream grad × local grad."""

    target: str
    local_grad: JSONFloat
    product: JSONFloat


class StepOut(BaseModel):
    """One node's turn in the backward pass, in order."""

    node: str
    grad: JSONFloat
    contributions: list[ContributionOut]
    label: str = Field("", description="The node as a reader knows it: name or formula.")
    text: list[str] = Field(
        default_factory=list,
        description="The step in words: its gradient, then what it adds to each input.",
    )


class UnitOut(BaseModel):
    """One box of the lines-level picture: a named line, a user-function call, or a series
    of lines of one shape."""

    id: str = Field(
        description="The node the line names (its value and gradient); a series: sK, its "
        "own id (its numbers: its last line's, node nK)."
    )
    name: str
    formula: str = Field(description="The line's formula as written (shortened if long).")
    members: list[str] = Field(description="Its operations' node ids (the unit's own first).")
    inside: list[str] = Field(description="Inputs used by this unit only, listed inside it.")
    count: int = Field(1, description="A series: how many lines it folds (else 1).")
    series: list[str] = Field(default_factory=list, description="A series' lines' ids, in order.")
    open: bool = Field(False, description="Drawn open (its operations or its lines).")


class PictureEdgeOut(BaseModel):
    """An edge of the lines-level picture: source is used by the unit target."""

    id: str = Field(description='The edge\'s id in the SVG ("u-nS-nT").')
    source: str
    target: str
    local_grad: JSONFloat = Field(description="d(target unit)/d(source), through its line.")


class EvaluateResponse(BaseModel):
    """The forward value, every gradient, the graph, and optionally its drawing."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "output": "output",
                    "output_id": "n5",
                    "value": 6.0,
                    "gradients": {"a": 2.0, "b": 5.0},
                    "nodes": [
                        {
                            "id": "n0",
                            "name": "a",
                            "op": "",
                            "value": 2.0,
                            "grad": 2.0,
                            "kind": "input",
                            "label": "a",
                            "group": None,
                        }
                    ],
                    "edges": [{"source": "n0", "target": "n2", "local_grad": 1.0, "kind": "input"}],
                    "steps": [
                        {
                            "node": "n5",
                            "grad": 1.0,
                            "contributions": [
                                {"target": "n2", "local_grad": 2.0, "product": 2.0},
                                {"target": "n4", "local_grad": 3.0, "product": 3.0},
                            ],
                        }
                    ],
                    "warnings": [],
                    "notices": [],
                    "inputs": [
                        {"name": "a", "line": 1, "column": 2},
                        {"name": "b", "line": 1, "column": 4},
                    ],
                    "defaulted": [],
                    "rows": [
                        {
                            "id": "n0",
                            "name": "a",
                            "kind": "input",
                            "value_text": "2",
                            "grad_text": "2",
                        }
                    ],
                    "check": CHECK_EXAMPLE,
                }
            ]
        }
    )

    output: str = Field(description="The output's name (the last statement's, or 'output').")
    output_id: str = Field(description="The id of the output node.")
    value: JSONFloat = Field(description="The output's value.")
    gradients: dict[str, JSONFloat] = Field(
        description="d(output)/d(name) for every input and every named node."
    )
    nodes: list[NodeOut]
    edges: list[EdgeOut]
    steps: list[StepOut] = Field(description="The backward pass, one step per operation.")
    warnings: list[str] = Field(description="Unused values, declared derivatives that disagree.")
    notices: list[NoticeOut] = Field(
        default_factory=list, description="The same warnings, each with its code."
    )
    inputs: list[InputOut] = Field(
        default_factory=list, description="The program's inputs in the order of first use."
    )
    defaulted: list[str] = Field(
        default_factory=list, description="The inputs that took `default_value`."
    )
    rows: list[RowOut] = Field(
        default_factory=list,
        description="The values table: inputs in the order of first use, then named nodes.",
    )
    check: CheckOut | None = Field(None, description="The numeric check, when asked for.")
    level: str = Field("ops", description='The level drawn (or to draw): "lines" or "ops".')
    units: list[UnitOut] = Field(default_factory=list, description="The lines level's boxes.")
    unit_edges: list[PictureEdgeOut] = Field(
        default_factory=list, description="The lines level's edges."
    )
    svg: str | None = Field(None, description="The drawing, when `svg` was asked for.")
    svg_error: str | None = Field(
        None, description="Why there is no drawing (graph too large, drawing took too long)."
    )


class NumbersResponse(BaseModel):
    """The lean answer to `numbers_only`: every node's numbers in node order (node k is nK)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "output": "e",
                    "output_id": "n5",
                    "value": 6.0,
                    "values": [2.0, 1.0, 3.0, 1.0, 2.0, 6.0],
                    "grads": [2.0, 5.0, 2.0, None, 3.0, 1.0],
                    "value_texts": ["2", "1", "3", "1", "2", "6"],
                    "grad_texts": ["2", "5", "2", "—", "3", "1"],
                    "rows": [{"id": "n0", "name": "a", "value_text": "2", "grad_text": "2"}],
                }
            ]
        }
    )

    output: str = Field(description="The output's name.")
    output_id: str = Field(description="The output node's id.")
    value: JSONFloat = Field(description="The output's value.")
    values: list[JSONFloat] = Field(description="Each node's value, in node order.")
    grads: list[JSONFloat | None] = Field(
        description="Each node's gradient d(output)/d(node); null for a written constant."
    )
    value_texts: list[str] = Field(description="The values as the drawing writes them.")
    grad_texts: list[str] = Field(description="The gradients as the drawing writes them.")
    rows: list[RowOut] = Field(default_factory=list, description="The values table's rows.")
    check: CheckOut | None = Field(None, description="The numeric check, when asked for.")
