"""``aiohttp.log``: re-exports from aiohttp_wire."""

from aiohttp_wire.log import (
    access_logger as access_logger,
    client_logger as client_logger,
    internal_logger as internal_logger,
    server_logger as server_logger,
    web_logger as web_logger,
    ws_logger as ws_logger,
)

__all__ = [
    "access_logger",
    "client_logger",
    "internal_logger",
    "server_logger",
    "web_logger",
    "ws_logger",
]
