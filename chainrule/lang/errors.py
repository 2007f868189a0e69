"""SourceError: every error at a place in the source carries its line, column and a caret
snippet; ParseError is the language's (the builder's EvalError is the other)."""

from __future__ import annotations


def line_column(source: str, offset: int) -> tuple[int, int]:
    """Return the 1-based (line, column) of a character offset in source."""
    offset = max(0, min(offset, len(source)))
    line = source.count("\n", 0, offset) + 1
    start = source.rfind("\n", 0, offset) + 1
    return line, offset - start + 1


def caret_snippet(source: str, start: int, end: int | None = None, width: int = 80) -> str:
    """Return the offending line (clipped to width) with carets under start..end."""
    start = max(0, min(start, len(source)))
    line_start = source.rfind("\n", 0, start) + 1
    line_end = source.find("\n", start)
    if line_end < 0:
        line_end = len(source)
    col = start - line_start
    span = max(1, min((end if end is not None else start + 1), line_end) - start)
    lo = max(0, col - width // 2) if col >= width else 0
    text = source[line_start + lo : min(line_end, line_start + lo + width)]
    text = "".join(ch if ch.isprintable() else "?" for ch in text)
    span = max(1, min(span, len(text) - (col - lo) if len(text) > col - lo else 1))
    return f"{text}\n{' ' * (col - lo)}{'^' * span}"


class SourceError(ValueError):
    """An error at a span of a program's source: message, kind, line, column and snippet."""

    def __init__(
        self, message: str, source: str, start: int, end: int | None = None, kind: str = "syntax"
    ) -> None:
        self.message = message
        self.kind = kind
        self.start = max(0, min(start, len(source)))
        self.end = max(self.start + 1, end if end is not None else self.start + 1)
        self.line, self.column = line_column(source, self.start)
        self.length = self.end - self.start
        self.snippet = caret_snippet(source, self.start, self.end)
        super().__init__(f"{self.line}:{self.column}: {message}")

    def format(self) -> str:
        """Return 'line:column: message' followed by the caret snippet."""
        return f"{self.line}:{self.column}: {self.message}\n{self.snippet}"


class ParseError(SourceError):
    """A malformed program, with the position of the problem."""
