"""``aiohttp.web_ws``: re-exports from aiohttp_server."""

from aiohttp_server.web_ws import (
    WSMsgType as WSMsgType,
    WebSocketReady as WebSocketReady,
    WebSocketResponse as WebSocketResponse,
)

__all__ = [
    "WSMsgType",
    "WebSocketReady",
    "WebSocketResponse",
]
