"""The tokenizer: text to a list of tokens with offsets."""

from __future__ import annotations

import re
from enum import Enum
from typing import NamedTuple

from chainrule.lang.errors import ParseError
from chainrule.lang.limits import DEFAULT_LIMITS


class Tok(Enum):
    """Token kinds."""

    NUM = "number"
    NAME = "name"
    KEYWORD = "keyword"
    OP = "operator"
    SEP = "end of statement"
    EOF = "end of input"


KEYWORDS = frozenset({"def", "grad"})
"""Words the tokenizer makes KEYWORD tokens: never a name of a value or a function."""


class Token(NamedTuple):
    """One token: its kind, its text and where it starts and ends."""

    kind: Tok
    text: str
    start: int
    end: int


_TOKEN = re.compile(
    r"""
    (?P<ws>[ \t\r]+|\#[^\n]*)
  | (?P<num>(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>\*\*|[-+*/^(),=])
  | (?P<sep>[\n;])
    """,
    re.VERBOSE | re.ASCII,
)

_DESCRIBE = {"\t": "tab", "\x00": "NUL"}


def _describe(ch: str) -> str:
    if ch in _DESCRIBE:
        return _DESCRIBE[ch]
    if ch.isprintable() and not ch.isspace():
        return f"'{ch}' (U+{ord(ch):04X})"
    return f"U+{ord(ch):04X}"


def tokenize(source: str, max_name_length: int = DEFAULT_LIMITS.max_name_length) -> list[Token]:
    """Split source into tokens; unknown characters raise ParseError at their position.

    A newline inside parentheses continues the statement, so long expressions can wrap.
    """
    tokens: list[Token] = []
    pos, n = 0, len(source)
    parens = 0
    match = _TOKEN.match
    while pos < n:
        m = match(source, pos)
        if m is None:
            ch = source[pos]
            hint = " (use ** or ^ for powers)" if ch in "×·" else ""
            raise ParseError(
                f"unexpected character {_describe(ch)}{hint}", source, pos, kind="character"
            )
        kind = m.lastgroup
        end = m.end()
        if kind == "num":
            if end < n and (source[end].isalpha() or source[end] == "_"):
                raise ParseError(
                    f"a number cannot run into a name: write {m.group()}*{source[end]}...",
                    source,
                    pos,
                    end + 1,
                    kind="syntax",
                )
            tokens.append(Token(Tok.NUM, m.group(), pos, end))
        elif kind == "name":
            if end - pos > max_name_length:
                raise ParseError(
                    f"name is {end - pos:,} characters long; the limit is {max_name_length}",
                    source,
                    pos,
                    end,
                    kind="limit",
                )
            text = m.group()
            tokens.append(Token(Tok.KEYWORD if text in KEYWORDS else Tok.NAME, text, pos, end))
        elif kind == "op":
            text = m.group()
            parens += (text == "(") - (text == ")" and parens > 0)
            tokens.append(Token(Tok.OP, text, pos, end))
        elif kind == "sep" and not (parens and m.group() == "\n"):
            tokens.append(Token(Tok.SEP, m.group(), pos, end))
        pos = end
    tokens.append(Token(Tok.EOF, "", n, n))
    return tokens
