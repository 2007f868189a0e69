"""`python -m app`: run the playground and JSON API with uvicorn (the service's start)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from app.config import get_settings


def build_parser() -> argparse.ArgumentParser:
    """Return the parser of the service's options (defaults from CHAINRULE_* settings)."""
    settings = get_settings()
    p = argparse.ArgumentParser(
        prog="python -m app",
        description="Serve the chainrule playground and the JSON API with uvicorn. "
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
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Start uvicorn on the create_app factory."""
    import uvicorn

    args = build_parser().parse_args(argv)
    os.environ.setdefault("CHAINRULE_LOG_LEVEL", args.log_level)
    uvicorn.run(
        "app.main:create_app",
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


if __name__ == "__main__":
    sys.exit(main())
