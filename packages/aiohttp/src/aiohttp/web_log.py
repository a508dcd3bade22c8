"""``aiohttp.web_log``: re-exports from aiohttp_server."""

from aiohttp_server.web_log import (
    AccessLogger as AccessLogger,
)

__all__ = [
    "AccessLogger",
]
