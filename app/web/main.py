"""The FastAPI application: create_app() wires settings, routers and error handlers."""

from __future__ import annotations

from fastapi import FastAPI

from app.web.config import Settings, get_settings
from app.web.errors import install_error_handlers
from app.web.routes import grade, health


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the application (uvicorn calls this as a factory)."""
    settings = settings or get_settings()
    app = FastAPI(
        title="chainrule",
        version="0.1.0",
        summary="The chain rule at work: values, gradients and the computation graph.",
    )
    app.state.settings = settings
    install_error_handlers(app)
    app.include_router(health.router)
    app.include_router(grade.router)
    return app
