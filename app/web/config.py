"""Settings from the environment (prefix CHAINRULE_), e.g. CHAINRULE_RENDER_TIMEOUT=5."""

from __future__ import annotations

from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict

from app.lang import Limits


class Settings(BaseSettings):
    """Everything an operator can set without touching code."""

    model_config = SettingsConfigDict(env_prefix="CHAINRULE_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    log_level: str = "info"
    cors_origins: list[str] = []

    max_length: int = 20_000
    max_depth: int = 200
    max_nodes: int = 50_000
    max_exponent: float = 1_000.0
    max_body_bytes: int = 256 * 1024
    max_bulk_body_bytes: int = 8 * 1024 * 1024  # /api/grade/batch and /api/optimize

    optimize_timeout: float = 10.0  # wall-time limit of one POST /api/optimize run, seconds
    optimize_max_rows: int = 100_000
    optimize_max_steps: int = 100_000
    optimize_max_work: int = 1_000_000_000  # rows × steps × tape length
    optimize_max_history: int = 10_000  # recorded history points

    render_timeout: float = 5.0
    render_max_nodes: int = 2_000
    render_cache_size: int = 256

    svg_max_age: int = 3_600  # Cache-Control max-age of GET /api/graph.svg, in seconds
    inline_threshold: int = 2_000  # longer programs are parsed and run in a threadpool
    parse_cache_size: int = 512  # parsed programs kept, keyed by their source text
    access_log: bool = True  # one JSON line per request on the "chainrule.access" logger

    def limits(self) -> Limits:
        """Return the language limits these settings describe."""
        return Limits(
            max_length=self.max_length,
            max_depth=self.max_depth,
            max_nodes=self.max_nodes,
            max_exponent=self.max_exponent,
        )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the process-wide settings, read once from the environment."""
    return Settings()
