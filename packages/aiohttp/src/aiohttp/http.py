"""``aiohttp.http``: re-exports from aiohttp_server, aiohttp_websocket, aiohttp_wire."""

from aiohttp_wire.http_version import (
    HttpVersion as HttpVersion,
    HttpVersion10 as HttpVersion10,
    HttpVersion11 as HttpVersion11,
)
from aiohttp_wire.http_parser import (
    HeadersParser as HeadersParser,
    HttpParser as HttpParser,
    HttpRequestParser as HttpRequestParser,
    HttpResponseParser as HttpResponseParser,
    RawRequestMessage as RawRequestMessage,
    RawResponseMessage as RawResponseMessage,
)
from aiohttp_wire.http_writer import (
    StreamWriter as StreamWriter,
    RESPONSES as RESPONSES,
)
from aiohttp_server.web_response import (
    SERVER_SOFTWARE as SERVER_SOFTWARE,
)
from aiohttp_wire.http_exceptions import (
    HttpProcessingError as HttpProcessingError,
)
from aiohttp_websocket.models import (
    WSCloseCode as WSCloseCode,
    WSMessage as WSMessage,
    WSMsgType as WSMsgType,
    WebSocketError as WebSocketError,
    WS_CLOSED_MESSAGE as WS_CLOSED_MESSAGE,
    WS_CLOSING_MESSAGE as WS_CLOSING_MESSAGE,
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
    "HttpVersion",
    "HttpVersion10",
    "HttpVersion11",
    "HeadersParser",
    "HttpParser",
    "HttpRequestParser",
    "HttpResponseParser",
    "RawRequestMessage",
    "RawResponseMessage",
    "StreamWriter",
    "RESPONSES",
    "SERVER_SOFTWARE",
    "HttpProcessingError",
    "WSCloseCode",
    "WSMessage",
    "WSMsgType",
    "WebSocketError",
    "WS_CLOSED_MESSAGE",
    "WS_CLOSING_MESSAGE",
    "WebSocketReader",
    "WebSocketWriter",
    "WS_KEY",
    "ws_ext_gen",
    "ws_ext_parse",
]
