"""The chainrule language: text to a syntax tree (standard library only)."""

from app.lang.ast import Program, program_sexpr, sexpr
from app.lang.errors import ParseError, SourceError
from app.lang.limits import DEFAULT_LIMITS, Limits
from app.lang.parser import parse

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
