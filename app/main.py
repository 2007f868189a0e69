"""The FastAPI application: create_app() wires settings, routers and error handlers."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from app.config import Settings, get_settings
from app.decode_gate import map_large_buffers
from app.errors import install_error_handlers
from app.http_deadlines import BodyReadTimeout, HeadAsGet, RelativeRedirects
from app.middleware import AccessLog, BodySizeLimit, SecurityHeaders
from app.ndjson import quiet_ended_streams
from app.responses import JSONBytes
from app.routes import docs, evaluate, examples, grade, graph, health, live, optimize, pages
from app.schemas.common import PROBLEM_RESPONSES
from app.schemas.service import VERSION
from app.services import Services

DESCRIPTION = (
    "Parse a small math program, run reverse-mode autodiff, and draw the computation "
    "graph. Errors are `application/problem+json` (RFC 9457). Non-finite results are "
    'sent as the strings "inf", "-inf" and "nan".'
)


def body_limits(settings: Settings) -> dict[str, int]:
    """Return each route's body limit where it is not CHAINRULE_MAX_BODY_BYTES: a batch of
    submissions or a data set is bulk; a stream's body is a run to resume (its data too)."""
    bulk = settings.max_bulk_body_bytes
    return {
        "/api/grade/batch": bulk,
        "/api/optimize": bulk,
        "/api/csv": bulk,
        "/api/optimize/stream": settings.max_stream_body_bytes,
    }


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Start the worker's pool processes with it, and stop them when it stops; have glibc
    give a bulk body's and answer's memory back when they are freed."""
    pool = app.state.services.pool
    if pool is not None:
        map_large_buffers()
        pool.warm()
    yield
    if pool is not None:
        pool.close()


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the application (uvicorn calls this as a factory)."""
    settings = settings or get_settings()
    app = FastAPI(
        title="chainrule",
        version=VERSION,
        summary="The chain rule at work: values, gradients and the computation graph.",
        description=DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        default_response_class=JSONBytes,  # every answer valid JSON (app/responses.py)
        lifespan=lifespan,
    )
    app.state.settings = settings
    quiet_ended_streams()  # (a stream ended for a silent reader is logged as such)
    app.state.services = Services(settings)
    install_error_handlers(app)
    install_middleware(app, settings)

    app.include_router(docs.router)
    app.include_router(health.router)
    app.include_router(examples.router)
    for api in (evaluate.router, graph.router, grade.router, optimize.router):
        app.include_router(api, responses=PROBLEM_RESPONSES)
    app.include_router(live.router)
    app.include_router(pages.router)
    return app


def install_middleware(app: FastAPI, settings: Settings) -> None:
    """Add middleware; the last added runs first (access log, headers, HEAD, read timeout,
    CORS, size limit)."""
    app.add_middleware(
        BodySizeLimit,
        limit=settings.max_body_bytes,
        limits=body_limits(settings),
    )
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type", "If-None-Match"],
            expose_headers=["ETag"],
        )
    app.add_middleware(BodyReadTimeout, timeout=settings.body_read_timeout)
    app.add_middleware(HeadAsGet)
    app.add_middleware(RelativeRedirects, origin=settings.public_origin)
    app.add_middleware(SecurityHeaders)
    if settings.access_log:
        logging.getLogger("uvicorn.access").disabled = True  # ours replaces it
        app.add_middleware(AccessLog)
