"""Walking the token list: look, take, expect; errors at a token; the node count."""

from __future__ import annotations

from chainrule.lang.errors import ParseError
from chainrule.lang.limits import Limits
from chainrule.lang.text import prepare
from chainrule.lang.tokens import Tok, Token, tokenize


class TokenCursor:
    """The tokens of one source text and a position in them, within the limits."""

    def __init__(self, source: str, limits: Limits) -> None:
        self.limits = limits
        if len(source) > limits.max_length:
            raise ParseError(
                f"program is {len(source):,} characters long; the limit is {limits.max_length:,}",
                source,
                limits.max_length,
                kind="limit",
            )
        self.source = source = prepare(source)  # one kind of line break, no bidi controls
        self.tokens = tokenize(source, limits.max_name_length)
        self.i = 0
        self.nodes = 0

    @property
    def tok(self) -> Token:
        """The current token."""
        return self.tokens[self.i]

    def advance(self) -> Token:
        """Take the current token and move past it."""
        t = self.tokens[self.i]
        self.i += 1
        return t

    def peek(self) -> Token:
        """The token after the current one (EOF at the end)."""
        return self.tokens[min(self.i + 1, len(self.tokens) - 1)]

    def at(self, text: str, kind: Tok = Tok.OP) -> bool:
        """True if the current token is text of kind (an operator unless told)."""
        t = self.tokens[self.i]
        return t.kind is kind and t.text == text

    def error(self, message: str, tok: Token | None = None, kind: str = "syntax") -> ParseError:
        """Return a ParseError at tok (default: the current token)."""
        t = tok or self.tok
        return ParseError(message, self.source, t.start, max(t.end, t.start + 1), kind=kind)

    def expect(self, text: str, context: str) -> Token:
        """Take the operator text, or raise a ParseError saying what came instead."""
        if not self.at(text):
            raise self.error(f"expected '{text}' {context}, found {self.describe(self.tok)}")
        return self.advance()

    @staticmethod
    def describe(t: Token) -> str:
        """Name a token the way an error message shows it."""
        if t.kind is Tok.EOF:
            return "end of input"
        if t.kind is Tok.SEP:
            return "end of line" if t.text == "\n" else "';'"
        if t.kind is Tok.KEYWORD:
            return f"the keyword '{t.text}'"
        return f"'{t.text}'"

    def count(self, start: int, weight: int = 1) -> None:
        """Count weight more nodes; raise the node-limit error at start when over."""
        self.nodes += weight
        if self.nodes > self.limits.max_nodes:
            raise ParseError(
                f"program has more than {self.limits.max_nodes:,} nodes",
                self.source,
                start,
                kind="limit",
            )

    def col(self, t: Token) -> int:
        """The 1-based column of a token."""
        return t.start - self.source.rfind("\n", 0, t.start)
