"""``aiohttp.web_middlewares``: re-exports from aiohttp_server."""

from aiohttp_server.web_middlewares import (
    middleware as middleware,
    normalize_path_middleware as normalize_path_middleware,
)

__all__ = [
    "middleware",
    "normalize_path_middleware",
]
