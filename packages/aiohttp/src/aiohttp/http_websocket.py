"""``aiohttp.http_websocket``: re-exports from aiohttp_websocket."""

from aiohttp_websocket.models import (
    WSCloseCode as WSCloseCode,
    WSMessage as WSMessage,
    WSMsgType as WSMsgType,
    WebSocketError as WebSocketError,
    WS_CLOSED_MESSAGE as WS_CLOSED_MESSAGE,
    WS_CLOSING_MESSAGE as WS_CLOSING_MESSAGE,
    WSMessageTypeError as WSMessageTypeError,
    WSHandshakeError as WSHandshakeError,
)
from aiohttp_websocket.connection import (
    WebSocketReader as WebSocketReader,
    WebSocketWriter as WebSocketWriter,
)
from aiohttp_websocket.handshake import (
    WS_KEY as WS_KEY,
)
from aiohttp_websocket.deflate import (
    ws_ext_gen as ws_ext_gen,
    ws_ext_parse as ws_ext_parse,
)

__all__ = [
    "WSCloseCode",
    "WSMessage",
    "WSMsgType",
    "WebSocketError",
    "WS_CLOSED_MESSAGE",
    "WS_CLOSING_MESSAGE",
    "WSMessageTypeError",
    "WSHandshakeError",
    "WebSocketReader",
    "WebSocketWriter",
    "WS_KEY",
    "ws_ext_gen",
    "ws_ext_parse",
]
