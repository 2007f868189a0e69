"""A problem as a picture: GET /api/graph.svg answers an <img> (a client that accepts images)
with an SVG image stating the error, under the problem's own status, instead of a broken
image. Every word is escaped; the problem's JSON is what the API answers (chainrule/errors.py)."""

from __future__ import annotations

import json
import textwrap
from typing import Any
from xml.sax.saxutils import escape

from fastapi import Request
from fastapi.responses import Response

from app.errors import find_reply, reply_body

SVG_MEDIA = "image/svg+xml"
WIDTH = 640
LINE = 18  # px between lines
WRAP = 84  # characters per line of the detail
MAX_LINES = 8


def accepts_image(request: Request) -> bool:
    """True when the client asks for an image (Accept names image/svg+xml or image/*)."""
    accept = request.headers.get("accept", "").lower()
    return "image/svg+xml" in accept or "image/*" in accept


def svg_of_problem(problem: dict[str, Any]) -> str:
    """Return an SVG image saying what the problem says (title, status, where, detail)."""
    title = f"{problem.get('title', 'Error')} ({problem.get('status', '')})"
    where = ""
    if problem.get("line"):
        where = f"line {problem['line']}, column {problem.get('column', '?')}: "
    detail = where + str(problem.get("detail", ""))
    lines = textwrap.wrap(detail, WRAP)[:MAX_LINES] or [""]
    height = 56 + LINE * len(lines)
    texts = "".join(
        f'<text x="16" y="{58 + LINE * k}">{escape(line)}</text>' for k, line in enumerate(lines)
    )
    label = escape(f"chainrule cannot draw this graph. {title}: {detail}", {'"': "&quot;"})
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{label}">'
        f"<title>{escape(title)}</title><desc>{escape(detail)}</desc>"
        f'<rect x="1" y="1" width="{WIDTH - 2}" height="{height - 2}" rx="6" fill="#fdecea" '
        'stroke="#b3261e" stroke-width="2"/>'
        '<g font-family="Helvetica, Arial, sans-serif" font-size="14" fill="#1d1f23">'
        f'<text x="16" y="30" font-weight="bold" fill="#8c1d18">chainrule: {escape(title)}</text>'
        f"{texts}</g></svg>"
    )


async def error_image(request: Request, exc: Exception) -> Response | None:
    """Return the SVG image answer for exc under its reply's status (chainrule/errors.py; None
    for an error the table does not know, which stays the 500)."""
    reply = find_reply(exc)
    if reply is None:
        return None
    problem = json.loads(reply_body(reply))
    headers = {"Cache-Control": "no-store", **reply.headers}
    return Response(
        svg_of_problem(problem), status_code=reply.status, media_type=SVG_MEDIA, headers=headers
    )
