"""The playground page: GET / (rendered on the server, so links work without JavaScript),
POST / (the plain form: redirected to its shareable GET URL when that is short, else the
page itself), downloads, and /static."""

from __future__ import annotations

import json
import math
from functools import partial
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import QueryParams

from app.assets import STATIC_DIR, TEMPLATES_DIR
from app.deps import ContextDep, RequestContext
from app.dispatch import PooledRoute, pooled
from app.errors import ReplyError
from app.examples import EXAMPLES
from app.playground import (
    DEFAULT_VALUE,
    PageState,
    heavy_page,
    large_in_query,
    page_result,
    read_state,
    round_trip_text,
    steps_links,
)
from app.schemas.common import defaults_json, panel_json
from app.services import Computed, Services, answer
from chainrule.errors import invalid_request, not_found
from chainrule.render import to_dot
from chainrule.render.bitmap import png_pixels

templates = Jinja2Templates(directory=TEMPLATES_DIR)
DRAW_DEFAULTS_JSON = defaults_json()
PANEL_JSON = panel_json()

router = APIRouter(include_in_schema=False, route_class=PooledRoute)
router.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")


# The longest Location a redirect carries: well inside every proxy's response-header buffer
# (nginx's proxy_buffer_size; a header over it is "upstream sent too big header", which
# counts as the replica failing). A longer view is answered as the page itself.
MAX_LOCATION = 2_000


@router.get("/", response_class=HTMLResponse)
@pooled(when=large_in_query)  # a large program's page is made in the worker's pool
async def index(request: Request, ctx: ContextDep) -> HTMLResponse:
    """The playground, with the program and values of the URL computed and drawn."""
    return await page(request, ctx, read_state(request.query_params))


async def page(request: Request, ctx: RequestContext, state: PageState) -> HTMLResponse:
    """The playground page of a view (its share link in the page), computed, checked and
    drawn on the request's one budget."""
    outcome = await page_result(ctx.services, ctx.budget, state)
    if state.bad_values and "error" not in outcome:
        outcome["error"] = {"message": "not a number: " + ", ".join(state.bad_values)}
    query = state.query()
    # Never the request's Host header (a client can claim any): the configured public
    # origin, or a link relative to this page (the script makes it absolute for copying).
    base = ctx.settings.public_origin.rstrip("/") + "/"
    context = {
        "expression": state.expression,
        "line_count": state.expression.count("\n") + 1,
        "inputs": [
            {"name": k, "text": round_trip_text(state.values.get(k, DEFAULT_VALUE))}
            for k in outcome["inputs"]
        ],
        "options": state.options,
        "draw_defaults": DRAW_DEFAULTS_JSON,  # the script's defaults: what a link leaves out
        "panel": PANEL_JSON,  # the panel the page is drawn for (the script asks for others)
        "result": outcome.get("result"),
        "steps_links": steps_links(state, outcome["result"]) if "result" in outcome else {},
        "error": outcome.get("error"),
        "share_url": f"{base}?{query}",
        "downloads": {
            "svg": f"/api/graph.svg?{state.query(api=True)}",
            **{kind: f"/export/graph.{kind}?{query}" for kind in ("png", "pdf", "dot", "json")},
            "png_print": f"/export/graph.png?{query}&scale={PRINT_SCALE}",
        },
        "examples": [
            {
                "title": e.title,
                "explanation": e.explanation,
                "href": "/?" + urlencode([("expression", e.expression), *e.values.items()]),
            }
            for e in EXAMPLES
        ],
    }
    render = partial(templates.TemplateResponse, request, "index.html", context)
    if heavy_page(ctx.services, state):  # a large program's page: written off the loop too
        page: HTMLResponse = await run_in_threadpool(
            ctx.services.heavy, render, ctx.budget.seconds_left()
        )
        return page
    return render()


def short_location(state: PageState) -> str | None:
    """The shareable GET URL of a form's view when it is short enough to redirect to
    (MAX_LOCATION), else None (the answer is the page itself)."""
    location = f"/?{state.query()}"
    return location if len(location) <= MAX_LOCATION else None


async def large_form_page(request: Request, services: Services) -> bool:
    """True when a form post is answered with its page (no short URL) of a large program."""
    await request.body()  # kept, for the pool
    state = read_state(await request.form())
    return short_location(state) is None and heavy_page(services, state)


@router.post("/", response_model=None)
@pooled(when=large_form_page)
async def index_form(request: Request, ctx: ContextDep) -> Response:
    """The form without JavaScript: a 303 to the shareable GET URL of the same view when
    that URL is short (MAX_LOCATION), else the page itself, whose share link is that URL
    (a large program's page made in the worker's pool, app/pool.py, when there is one)."""
    state = read_state(await request.form())
    location = short_location(state)
    if location is not None:
        return RedirectResponse(location, status_code=303)
    return await page(request, ctx, state)


MEDIA = {
    "png": "image/png",
    "pdf": "application/pdf",
    "dot": "text/vnd.graphviz; charset=utf-8",
    "json": "application/json",
}
PRINT_SCALE = 3  # the page's high-resolution PNG link: 288 dpi, for slides and print
SCALE_RANGE = (0.25, 8.0)  # ?scale= of a PNG (the pixel budget may draw it smaller)


def export_scale(params: QueryParams) -> float:
    """Return the PNG scale of ?scale= (1 when absent); a 422 when it is not in range."""
    text = params.get("scale")
    if text is None:
        return 1.0
    try:
        scale = float(text)
    except ValueError:
        scale = math.nan
    low, high = SCALE_RANGE
    if not low <= scale <= high:
        detail = f"scale must be a number from {low:g} to {high:g}"
        raise ReplyError(invalid_request(detail, field="scale"))
    return scale


def _json_text(computed: Computed, precision: int) -> str:
    """The JSON download: the API's evaluate answer, indented."""
    return json.dumps(answer(computed, precision), indent=2, allow_nan=False)


@router.get("/export/graph.{kind}")
@pooled(when=large_in_query)  # a large program's download is made in the worker's pool
async def export(request: Request, kind: str, ctx: ContextDep) -> Response:
    """Download the view of the query as PNG (?scale=N for N × 96 dpi, within the pixel
    budget), PDF, DOT or JSON (the API's evaluate answer)."""
    if kind not in MEDIA:
        raise ReplyError(not_found(f"no export as '{kind[:16]}'"))
    params = request.query_params
    scale = export_scale(params)
    state = read_state(QueryParams([(k, v) for k, v in params.multi_items() if k != "scale"]))
    services, budget = ctx.services, ctx.budget
    expand = state.options.expand_calls
    computed = await services.compute(
        state.expression, state.values, expand, budget, state.options.expand
    )
    body: bytes | str
    headers = {"Content-Disposition": f'attachment; filename="chainrule.{kind}"'}
    if kind == "json":
        write = partial(_json_text, computed, state.options.precision)
        body = await services.offload(state.expression, expand, write)
    else:
        # the size is checked before the DOT is built; PNG and PDF at the one gate (a
        # RenderError is answered by its row of chainrule/errors.py)
        dot = await run_in_threadpool(
            partial(to_dot, computed.graph, state.options.dot(), budget=budget)
        )
        body = dot
        if kind == "png":
            body, bitmap = await services.renderer.png_async(dot, None, budget, scale)
            headers["X-Chainrule-Scale"] = f"{bitmap.scale:.4g}"
            width, height = png_pixels(body)
            headers["X-Chainrule-Pixels"] = f"{width}x{height}"
        elif kind == "pdf":
            body = await services.renderer.pdf_async(dot, None, budget)
    return Response(body, media_type=MEDIA[kind], headers=headers)
