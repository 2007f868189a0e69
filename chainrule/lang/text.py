"""A program's text as the tokenizer sees it: one kind of line break, no bidi controls.

Every line break a reader's editor or browser shows (CR LF, a bare CR, NEL, VT, FF, U+2028,
U+2029) becomes "\\n" once, here, so a comment ends where a reader sees it end and every
line and column counts the lines a reader sees. Bidirectional controls (U+202A-E,
U+2066-9, U+200E/F, U+061C) can make text display in another order than it runs (the
"Trojan Source" class, CVE-2021-42574): they are refused anywhere, comments included.
"""

from __future__ import annotations

import re

from chainrule.lang.errors import ParseError

LINE_BREAK = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
BIDI_CONTROL = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_HIDDEN = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\r\x0b\x0c\x85\u2028\u2029]")


def normalize_breaks(text: str) -> str:
    """Return text with every kind of line break written as one "\\n"."""
    if text.isascii() and "\r" not in text and "\x0b" not in text and "\x0c" not in text:
        return text  # the common case, no copy
    return LINE_BREAK.sub("\n", text)


def prepare(source: str) -> str:
    """Return source with its line breaks normalised; ParseError at the first bidi control."""
    source = normalize_breaks(source)
    if not source.isascii():
        m = BIDI_CONTROL.search(source)
        if m is not None:
            raise ParseError(
                f"bidirectional control character U+{ord(m.group()):04X} is not allowed "
                "anywhere in a program (it makes text display in a different order than "
                "it runs); delete it",
                source,
                m.start(),
                kind="character",
            )
    return source


def visible(text: str) -> str:
    """Return text with bidi controls and unusual line breaks written as \\uXXXX escapes
    (for feedback that echoes what a person sent)."""
    if text.isascii() and "\r" not in text and "\x0b" not in text and "\x0c" not in text:
        return text
    if _HIDDEN.search(text) is None:  # e.g. feedback naming ∂e/∂c: nothing to escape
        return text
    return _HIDDEN.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
