"""One request, one budget (issue 21, item 1): the budget is made at the entry points only
(the service's dependencies, the CLI's commands, the notebook's API) and every layer below
takes it as a required parameter, so a missing one is a type error, not a fresh default.
Reads our own source files (never user text)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TREES = (ROOT / "chainrule", ROOT / "app")  # the library and the service

# Where a request's (or a command's) one Budget is made.
ENTRY_POINTS = ("app/deps.py", "chainrule/cli/", "chainrule/notebook/")


def is_entry_point(path: Path) -> bool:
    rel = path.relative_to(ROOT).as_posix()
    return any(rel == e or (e.endswith("/") and rel.startswith(e)) for e in ENTRY_POINTS)


def budgets_made(source: str) -> list[int]:
    """The lines of source that call Budget(...)."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            f = node.func
            name = (
                f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
            )
            if name == "Budget":
                lines.append(node.lineno)
    return lines


def _names_budget(annotation: ast.expr) -> bool:
    """True when an annotation names the type Budget (Budget | None and 'Budget' too; not
    BudgetLimits)."""
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        annotation = ast.parse(annotation.value, mode="eval").body
    return any(isinstance(n, ast.Name) and n.id == "Budget" for n in ast.walk(annotation))


def optional_budgets(source: str) -> list[str]:
    """The functions of source with a parameter annotated Budget that has a default."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            a = node.args
            positional = [*a.posonlyargs, *a.args]
            pairs = list(
                zip(positional[len(positional) - len(a.defaults) :], a.defaults, strict=True)
            )
            pairs += [
                (k, d) for k, d in zip(a.kwonlyargs, a.kw_defaults, strict=True) if d is not None
            ]
            for arg, _ in pairs:
                if arg.annotation is not None and _names_budget(arg.annotation):
                    found.append(f"{node.name}({arg.arg})")
    return found


def below_entry_points() -> list[Path]:
    return [p for tree in TREES for p in sorted(tree.rglob("*.py")) if not is_entry_point(p)]


def test_no_budget_is_made_below_the_entry_points() -> None:
    made = {
        str(p.relative_to(ROOT)): lines
        for p in below_entry_points()
        if (lines := budgets_made(p.read_text(encoding="utf-8")))
    }
    assert made == {}, "a layer makes its own Budget: take the request's as a parameter"


def test_below_the_entry_points_the_budget_is_a_required_parameter() -> None:
    optional = {
        str(p.relative_to(ROOT)): names
        for p in below_entry_points()
        if (names := optional_budgets(p.read_text(encoding="utf-8")))
    }
    assert optional == {}, "a budget parameter with a default: make it required"


def test_the_scan_finds_a_layer_making_its_own_budget() -> None:
    old = (
        "def build(program, values, budget: Budget | None = None):\n"
        "    budget = budget or Budget()\n"
        "def svg(dot, budget: 'Budget | None' = None, *, b2: Budget = DEFAULT): ...\n"
        "def make(limits: BudgetLimits = DEFAULT_BUDGET_LIMITS): ...\n"
    )
    assert budgets_made(old) == [2]
    assert optional_budgets(old) == ["build(budget)", "svg(budget)", "svg(b2)"]


def test_the_entry_points_exist_and_the_web_makes_its_budget_in_its_dependencies() -> None:
    for entry in ENTRY_POINTS:
        assert (ROOT / entry).exists(), entry
    assert budgets_made((ROOT / "app/deps.py").read_text(encoding="utf-8"))
