"""``aiohttp.web_app``: re-exports from aiohttp_server."""

from aiohttp_server.web_app import (
    AppKey as AppKey,
    Application as Application,
    CleanupError as CleanupError,
)

__all__ = [
    "AppKey",
    "Application",
    "CleanupError",
]
