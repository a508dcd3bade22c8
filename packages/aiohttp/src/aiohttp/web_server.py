"""``aiohttp.web_server``: re-exports from aiohttp_server."""

from aiohttp_server.web_server import (
    Server as Server,
)

__all__ = [
    "Server",
]
