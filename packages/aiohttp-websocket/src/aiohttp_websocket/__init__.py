"""RFC 6455 / 7692 WebSocket protocol core shared by the aiohttp client and server."""

from .connection import (
    WebSocketConnection,
    WebSocketDataQueue,
    WebSocketReader,
    WebSocketWriter,
)
from .deflate import ws_ext_gen, ws_ext_parse
from .handshake import WS_KEY, make_ws_key, ws_accept
from .models import (
    WS_CLOSED_MESSAGE,
    WS_CLOSING_MESSAGE,
    ClientConnectionError,
    ClientConnectionResetError,
    ClientError,
    WebSocketError,
    WSCloseCode,
    WSHandshakeError,
    WSMessage,
    WSMessageTypeError,
    WSMsgType,
)
from .protocol import WebSocketProtocol

__version__ = "0.1.0"

__all__ = [
    "WS_CLOSED_MESSAGE",
    "WS_CLOSING_MESSAGE",
    "WS_KEY",
    "ClientConnectionError",
    "ClientConnectionResetError",
    "ClientError",
    "WSCloseCode",
    "WSHandshakeError",
    "WSMessage",
    "WSMessageTypeError",
    "WSMsgType",
    "WebSocketConnection",
    "WebSocketDataQueue",
    "WebSocketError",
    "WebSocketProtocol",
    "WebSocketReader",
    "WebSocketWriter",
    "make_ws_key",
    "ws_accept",
    "ws_ext_gen",
    "ws_ext_parse",
]
