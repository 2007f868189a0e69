"""Layout once per structure: DOT with its numbers taken out, and SVG with them put back.

Every number of a drawing sits in a fixed-size cell (`style.slot`), so the layout depends
only on the rest of the DOT text: its *skeleton*. `split` swaps each number for a short
token (`~0`, `~1`, ... in base 36); `dot` lays the skeleton out once; `fill` writes the
numbers of any later request with the same structure into that SVG, token by token.
"""

from __future__ import annotations

import re

from chainrule.render.long_edges import route
from chainrule.render.style import GRAD_COLOUR, HANDLE_COLOUR, SLOT_ATTR

_CELL = re.compile(
    rf"(<td {re.escape(SLOT_ATTR)}[^>]*>(?:<font [^>]*>)?)([^<]*)((?:</font>)?</td>)"
)
# a plain node's label (style.plain_label): title, value, gradient; the last two re-labelled
_PLAIN = re.compile(r'(label="(?:[^"\\]|\\.)*?\\n)([^"\\]*)(\\n)([^"\\]*)(")')
# a plain node as dot drew it: its title, value and gradient texts, marked up after the layout
_PLAIN_SVG = re.compile(
    r'(class="node value[^"]*plain( handle)?[^"]*">\n<title>[^<]*</title>\n'
    r"<(?:path|polygon)[^>]*/>\n<text )"
    r"([^>]*>[^<]*</text>\n<text [^>]*>[^<]*</text>\n<text )"
)
_TOKEN = re.compile(r">~([0-9a-z]+)</text>")
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
_COMMENT = re.compile(r"<!--[^>]*-->\n?")  # dot escapes ">" inside its comments
_FAMILY = ' font-family="Helvetica,sans-Serif"'
_GRAPH = '<g id="graph0" class="graph"'


def _token(i: int) -> str:
    out = _DIGITS[i % 36]
    while i >= 36:
        i //= 36
        out = _DIGITS[i % 36] + out
    return "~" + out


def split(dot: str) -> tuple[str, list[str]]:
    """Return (skeleton, numbers): dot with each number cell's text replaced by a token."""
    numbers: list[str] = []

    def token(m: re.Match[str]) -> str:
        numbers.append(m[2])
        return m[1] + _token(len(numbers) - 1) + m[3]

    def pair(m: re.Match[str]) -> str:
        numbers.extend((m[2], m[4]))
        k = len(numbers)
        return m[1] + _token(k - 2) + m[3] + _token(k - 1) + m[5]

    return _PLAIN.sub(pair, _CELL.sub(token, dot)), numbers


def fill(layout: str, numbers: list[str]) -> str:
    """Return the laid-out skeleton's SVG with the numbers written in place of the tokens
    (escaped as dot writes them: "-" as "&#45;")."""

    def number(m: re.Match[str]) -> str:
        i = int(m[1], 36)
        return f">{numbers[i].replace('-', '&#45;')}</text>" if i < len(numbers) else m[0]

    return _TOKEN.sub(number, layout)


def _mark_up(m: re.Match[str]) -> str:
    """A plain node's title bold (a name) or grey (a handle), its gradient coloured."""
    title = f'fill="{HANDLE_COLOUR}" ' if m[2] else 'font-weight="bold" '
    return m[1] + title + m[3] + f'fill="{GRAD_COLOUR}" '


def slim(svg: str) -> str:
    """Return dot's SVG with its far edges drawn (chainrule/render/long_edges.py), plain
    nodes marked up (`_mark_up`), without comments and with the font family said once
    (inherited)."""
    out = _PLAIN_SVG.sub(_mark_up, _COMMENT.sub("", route(svg)))
    if _FAMILY in out and _GRAPH in out:
        out = out.replace(_FAMILY, "").replace(_GRAPH, _GRAPH + _FAMILY, 1)
    return out
