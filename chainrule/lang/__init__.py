"""The chainrule language: text to a syntax tree (standard library only)."""

from chainrule.lang.ast import Program, program_sexpr, sexpr
from chainrule.lang.errors import ParseError, SourceError
from chainrule.lang.limits import DEFAULT_LIMITS, Limits
from chainrule.lang.parser import parse

__all__ = [
    "DEFAULT_LIMITS",
    "Limits",
    "ParseError",
    "Program",
    "SourceError",
    "parse",
    "program_sexpr",
    "sexpr",
]
