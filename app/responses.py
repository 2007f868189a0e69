"""The one writer of JSON answers: every answer (a route's, a stream's line) is valid JSON.

JSON has no NaN or Infinity: a non-finite number is written as the documented string
"inf", "-inf" or "nan", and text that is not Unicode (a lone surrogate) as U+FFFD, in
every answer, whatever produced it. The fast path is pydantic-core's writer; only an
answer whose bytes show such a number (or whose text cannot be written) is walked.
"""

from __future__ import annotations

import math
import re
from typing import Any

from fastapi.responses import JSONResponse
from pydantic_core import PydanticSerializationError, to_json, to_jsonable_python

_NON_FINITE = (b"Infinity", b"NaN")
_SURROGATES = re.compile("[\ud800-\udfff]")  # in a str, a surrogate is always half a character


def plain(x: Any) -> Any:
    """Return plain JSON data x with non-finite floats as "inf"/"-inf"/"nan" and text that
    UTF-8 cannot encode with U+FFFD in its place."""
    if isinstance(x, float):
        if math.isfinite(x):
            return x
        return "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")
    if isinstance(x, str):
        return _SURROGATES.sub("\ufffd", x) if _unencodable(x) else x
    if isinstance(x, dict):
        return {plain(k): plain(v) for k, v in x.items()}
    if isinstance(x, list):
        return [plain(v) for v in x]
    return x


def _unencodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def json_bytes(content: Any) -> bytes:
    """Return content as JSON bytes that every JSON parser reads (see the module)."""
    try:
        out = to_json(content)
    except PydanticSerializationError:  # text that is not Unicode: the slow path
        return to_json(plain(to_jsonable_python(content)))
    if any(token in out for token in _NON_FINITE):  # (or a string holding the word)
        return to_json(plain(to_jsonable_python(content)))
    return out


class JSONBytes(JSONResponse):
    """JSON serialised by pydantic-core (several times faster than json.dumps), valid JSON
    whatever the content (json_bytes)."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        """Return content as JSON bytes."""
        return json_bytes(content)
