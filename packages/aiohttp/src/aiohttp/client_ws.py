"""``aiohttp.client_ws``: re-exports from aiohttp_client."""

from aiohttp_client.client_ws import (
    DEFAULT_WS_CLIENT_TIMEOUT as DEFAULT_WS_CLIENT_TIMEOUT,
    ClientWSTimeout as ClientWSTimeout,
    ClientWebSocketResponse as ClientWebSocketResponse,
)

__all__ = [
    "DEFAULT_WS_CLIENT_TIMEOUT",
    "ClientWSTimeout",
    "ClientWebSocketResponse",
]
