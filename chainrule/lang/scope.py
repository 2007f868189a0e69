"""Name rules checked while parsing: definitions before use, no reassignment, arity."""

from __future__ import annotations

import difflib

from chainrule.lang.ast import FuncDef
from chainrule.lang.errors import ParseError
from chainrule.ops import CALLS


class Scope:
    """What is known at a point of the program: named nodes, inputs and functions."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.assigned: dict[str, int] = {}
        self.inputs: dict[str, int] = {}
        self.functions: dict[str, FuncDef] = {}
        self.function_size: dict[str, int] = {}
        self.function_depth: dict[str, int] = {}
        self.body_depth = 0
        self.params: tuple[str, ...] | None = None
        self.defining: str | None = None

    def _fail(self, message: str, start: int, end: int, kind: str = "name") -> ParseError:
        return ParseError(message, self.source, start, end, kind=kind)

    def use(self, name: str, start: int, end: int) -> None:
        """Record a reference to name (an input unless assigned or a parameter)."""
        if name in CALLS or name in self.functions:
            raise self._fail(f"'{name}' is a function: call it as {name}(...)", start, end)
        if self.params is not None:
            if name not in self.params:
                shown = ", ".join(self.params) or "none"
                raise self._fail(
                    f"'{name}' is not a parameter of {self.defining} (parameters: {shown})",
                    start,
                    end,
                )
            return
        if name not in self.assigned:
            self.inputs.setdefault(name, start)

    def assign(self, name: str, start: int, end: int) -> None:
        """Record `name = ...`; a name is assigned once and never after it was used."""
        self._check_new_name(name, start, end)
        if name in self.assigned:
            line = self.source.count("\n", 0, self.assigned[name]) + 1
            raise self._fail(
                f"'{name}' is already assigned (line {line}); each name is assigned once",
                start,
                end,
            )
        if name in self.inputs:
            used = self.inputs[name]
            raise self._fail(f"'{name}' is used here before it is assigned", used, used + len(name))
        self.assigned[name] = start

    def define(self, func: FuncDef, size: int) -> None:
        """Record a user function, how many nodes one call expands to, and its call depth."""
        self.functions[func.name] = func
        self.function_size[func.name] = size
        self.function_depth[func.name] = self.body_depth + 1
        self.body_depth = 0

    def call_cost(self, func: str) -> tuple[int, int]:
        """Return (nodes one call of func expands to, its nesting depth of calls); 0s if builtin."""
        if func in self.functions:
            depth = self.function_depth[func]
            if self.params is not None:
                self.body_depth = max(self.body_depth, depth)
            return self.function_size[func], depth
        return 0, 0

    def check_function_name(self, name: str, start: int, end: int) -> None:
        """Reject a function name that is taken."""
        if name in self.functions:
            raise self._fail(f"function '{name}' is already defined", start, end)
        self._check_new_name(name, start, end)
        if name in self.assigned or name in self.inputs:
            raise self._fail(f"'{name}' is already used as a value name", start, end)

    def _check_new_name(self, name: str, start: int, end: int) -> None:
        if name in CALLS:
            raise self._fail(f"'{name}' is a built-in function and cannot be redefined", start, end)
        if name in self.functions:
            raise self._fail(f"'{name}' is a function name", start, end)

    def check_call(self, func: str, nargs: int, start: int, end: int) -> None:
        """Check that func exists, is not the one being defined, and gets the right arity."""
        if func == self.defining:
            raise self._fail(
                f"'{func}' calls itself: recursion is not allowed", start, end, kind="recursion"
            )
        if func in CALLS:
            want = CALLS[func].arity
        elif func in self.functions:
            want = len(self.functions[func].params)
        else:
            known = [*CALLS, *self.functions]
            close = difflib.get_close_matches(func, known, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise self._fail(f"unknown function '{func}'{hint}", start, end, kind="unknown")
        if nargs != want:
            s = "" if want == 1 else "s"
            raise self._fail(
                f"{func}() takes {want} argument{s}, got {nargs}", start, end, kind="arity"
            )
