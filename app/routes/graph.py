"""GET /api/graph.svg: the drawing of a program at values given in the query string."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from app.deps import ContextDep
from app.dispatch import Handler, PooledRoute, pooled
from app.error_image import accepts_image, error_image
from app.errors import ReplyError
from app.playground import large_in_query
from app.schemas.common import (
    NAME_LENGTH,
    PROBLEM_RESPONSES,
    QUERY_NAME,
    QUERY_OPTIONS,
    DrawOptions,
    DrawQuery,
)
from app.services import dot_text, etag_of
from chainrule.errors import invalid_request
from chainrule.lang.numbers import read_number
from chainrule.render.size import Dot


class ImageErrorRoute(PooledRoute):
    """A route that answers a client asking for an image (an <img>) with a picture of the
    problem, whatever went wrong: its query refused before the route ran included (here,
    or in the pool process that drew a large program)."""

    def guard(self, handler: Handler) -> Handler:
        """handler, with an error answered as a picture for a client that takes images."""

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except Exception as exc:
                image = await error_image(request, exc) if accepts_image(request) else None
                if image is None:
                    raise
                return image

        return route


router = APIRouter(prefix="/api", tags=["graph"], route_class=ImageErrorRoute)

SVG_MEDIA = "image/svg+xml"


def query_values(request: Request) -> dict[str, float]:
    """Return the input values: every query parameter that is not an option."""
    values: dict[str, float] = {}
    for key, text in request.query_params.multi_items():
        if key in QUERY_OPTIONS:
            continue
        if not QUERY_NAME.fullmatch(key):
            name = key[:NAME_LENGTH]
            raise ReplyError(invalid_request(f"'{name}' is not a name", field=name))
        try:
            values[key] = read_number(text, f"the value of '{key}'")  # the one reader
        except ValueError as exc:
            raise ReplyError(invalid_request(str(exc), field=key)) from None
    return values


def draw_query(query: Annotated[DrawQuery, Query()]) -> DrawOptions:
    """The drawing options of the query string (every other parameter is an input value)."""
    return query.options()


def _matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
    return "*" in tags or etag in tags


@router.get(
    "/graph.svg",
    response_class=Response,
    responses={
        200: {
            "content": {
                SVG_MEDIA: {
                    "schema": {"type": "string"},
                    "example": '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
                    '<svg width="560pt" height="160pt" viewBox="0.00 0.00 560.00 160.00" '
                    'xmlns="http://www.w3.org/2000/svg">\n<g id="graph0" class="graph">\n'
                    '<title>chainrule</title>\n<g id="n0" class="node value input">\n'
                    "<title>n0</title>\n<text>a</text><text>value 2</text>"
                    "<text>grad 2</text>\n</g>\n...\n</g>\n</svg>",
                }
            },
            "description": 'The drawing. Embed it: <img alt="the computation graph of '
            '(a+b)*(b+1)" src="/api/graph.svg?expression=(a%2Bb)*(b%2B1)&a=2&b=1">. '
            "A client that accepts images (an `<img>`) is answered an SVG image of the problem "
            "when the program cannot be drawn, under the problem's status.",
        },
        304: {"description": "Not modified: the If-None-Match ETag is still current."},
        **PROBLEM_RESPONSES,
        503: {
            "description": "graphviz is not available, or every drawing worker is busy "
            "(Retry-After says when to try again)."
        },
    },
    summary="Draw a program's computation graph as SVG",
)
@pooled(when=large_in_query)  # a large program is computed and drawn in the worker's pool
async def graph_svg(
    request: Request,
    ctx: ContextDep,
    expression: Annotated[
        str,
        Query(
            description="The program. Add input values as more parameters: &a=2&b=1.",
            openapi_examples={
                "seed": {"summary": "(a+b)*(b+1) at a=2, b=1", "value": "(a+b)*(b+1)"},
                "named": {
                    "summary": "with named steps",
                    "value": "c = a + b; d = b + 1; e = c * d",
                },
            },
        ),
    ],
    options: Annotated[DrawOptions, Depends(draw_query)],
) -> Response:
    """Every other query parameter is an input value: `?expression=a*b&a=2&b=3`.

    Cacheable: the ETag is a hash of the drawing's DOT text; send it back in
    If-None-Match for a 304. The drawing's size is checked before anything is drawn; the
    layout is reused for any values of the same program (`dot` runs once per structure).
    """
    values = query_values(request)
    services, budget = ctx.services, ctx.budget

    def work() -> Dot:
        """Compute and write the DOT in one go: on the event loop only for small programs."""
        computed = services.compute_now(
            expression, values, options.expand_calls, budget, options.expand
        )
        return dot_text(computed, options, budget)

    dot = await services.offload(expression, options.expand_calls, work)
    etag = etag_of(dot)
    headers = {
        "ETag": etag,
        "Cache-Control": f"public, max-age={services.settings.svg_max_age}",
    }
    if _matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    svg = await services.svg(dot, budget)
    return Response(svg, media_type=SVG_MEDIA, headers=headers)
