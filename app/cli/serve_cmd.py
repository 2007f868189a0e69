"""`chainrule serve`: run the web service with uvicorn."""

from __future__ import annotations

import argparse
import os

from app.config import get_settings


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the serve subcommand."""
    settings = get_settings()
    p = sub.add_parser(
        "serve",
        help="run the playground and JSON API",
        description="Serve the playground and the JSON API with uvicorn. "
        "Defaults come from CHAINRULE_HOST, CHAINRULE_PORT, CHAINRULE_WORKERS.",
    )
    p.add_argument("--host", default=settings.host, help="interface (default %(default)s)")
    p.add_argument("--port", type=int, default=settings.port, help="port (default %(default)s)")
    p.add_argument(
        "--workers",
        type=int,
        default=settings.workers,
        help="worker processes (default %(default)s)",
    )
    p.add_argument("--log-level", default=settings.log_level, help="default %(default)s")
    p.add_argument("--reload", action="store_true", help="restart on code changes (development)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Start uvicorn on the create_app factory."""
    import uvicorn

    os.environ.setdefault("CHAINRULE_LOG_LEVEL", args.log_level)
    uvicorn.run(
        "app.web.main:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=None if args.reload else args.workers,
        reload=args.reload,
        log_level=args.log_level,
        timeout_keep_alive=get_settings().keep_alive_timeout,
        proxy_headers=True,
        forwarded_allow_ips="*",
    )
    return 0
