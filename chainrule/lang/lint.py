"""Warnings about a parsed program that is valid but probably not what was meant."""

from __future__ import annotations

import difflib

from chainrule.lang.ast import Assign, FuncDef, Name, Program, postorder


class Notice(str):
    """A warning: its text (a str wherever text is wanted) and a stable code to switch on."""

    code: str

    def __new__(cls, code: str, text: str) -> Notice:
        """Return the warning text carrying code (e.g. "unused-value")."""
        notice = super().__new__(cls, text)
        notice.code = code
        return notice


def warning_code(warning: str) -> str:
    """Return a warning's code: its Notice code, or "other" for plain text."""
    return getattr(warning, "code", "other")


def notices_json(warnings: list[str]) -> list[dict[str, str]]:
    """Return the warnings as the API answers them: [{"code", "message"}] in order."""
    return [{"code": warning_code(w), "message": w} for w in warnings]


def _line(source: str, offset: int) -> int:
    return source.count("\n", 0, offset) + 1


def lint(program: Program) -> list[str]:
    """Return a warning for each named line whose value never reaches the output, and for
    each input whose name is one typo away from an assigned name ('dd' -> 'd')."""
    uses: dict[str, set[str]] = {}
    starts: dict[str, int] = {}
    output_refs: set[str] = set()
    last = program.statements[-1]
    for stmt in program.statements:
        if isinstance(stmt, FuncDef):
            continue
        names = {n.id for n in postorder(stmt.expr) if isinstance(n, Name)}
        if isinstance(stmt, Assign):
            uses[stmt.name] = names
            starts[stmt.name] = stmt.start
        if stmt is last:
            output_refs = names | ({stmt.name} if isinstance(stmt, Assign) else set())
    reached: set[str] = set()
    todo = list(output_refs)
    while todo:
        name = todo.pop()
        if name in reached:
            continue
        reached.add(name)
        todo.extend(uses.get(name, ()))
    warnings: list[str] = []
    for name, start in starts.items():
        if name not in reached:
            line = _line(program.source, start)
            text = (
                f"'{name}' (line {line}) is assigned but never used: it does not reach the output"
            )
            warnings.append(Notice("unused-line", text))
    assigned = list(starts)
    for name in program.inputs:
        near = difflib.get_close_matches(name, assigned, n=1, cutoff=0.5)
        if near and near[0] not in reached:
            text = f"'{name}' is an input (no line assigns it); did you mean '{near[0]}'?"
            warnings.append(Notice("misspelled-name", text))
    return warnings
