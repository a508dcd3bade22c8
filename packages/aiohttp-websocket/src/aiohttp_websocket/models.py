"""Public WebSocket value types: message kinds, messages, close codes and errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from enum import IntEnum
from typing import Any, NamedTuple

__all__ = [
    "WS_CLOSED_MESSAGE",
    "WS_CLOSING_MESSAGE",
    "ClientConnectionError",
    "ClientConnectionResetError",
    "ClientError",
    "WSCloseCode",
    "WSHandshakeError",
    "WSMessage",
    "WSMessageTypeError",
    "WSMsgType",
    "WebSocketError",
]


class WSCloseCode(IntEnum):
    """Close status codes from RFC 6455 section 7.4.1 and the IANA registry."""

    OK = 1000
    GOING_AWAY = 1001
    PROTOCOL_ERROR = 1002
    UNSUPPORTED_DATA = 1003
    ABNORMAL_CLOSURE = 1006
    INVALID_TEXT = 1007
    POLICY_VIOLATION = 1008
    MESSAGE_TOO_BIG = 1009
    MANDATORY_EXTENSION = 1010
    INTERNAL_ERROR = 1011
    SERVICE_RESTART = 1012
    TRY_AGAIN_LATER = 1013
    BAD_GATEWAY = 1014


class WSMsgType(IntEnum):
    """Frame opcodes, plus the pseudo types aiohttp uses for connection states."""

    CONTINUATION = 0x0
    TEXT = 0x1
    BINARY = 0x2
    CLOSE = 0x8
    PING = 0x9
    PONG = 0xA
    # Not on the wire: what ``receive()`` reports about the connection itself.
    CLOSING = 0x100
    CLOSED = 0x101
    ERROR = 0x102

    # Lower-case aliases kept for code written against older aiohttp releases.
    text = 0x1
    binary = 0x2
    close = 0x8
    ping = 0x9
    pong = 0xA
    closing = 0x100
    closed = 0x101
    error = 0x102


class WSMessage(NamedTuple):
    """One received message: ``data`` is str, bytes, a close code or an exception."""

    type: WSMsgType
    data: Any
    extra: str | None

    def json(self, *, loads: Callable[[Any], Any] = json.loads) -> Any:
        """Decode ``data`` as JSON."""
        return loads(self.data)


WS_CLOSED_MESSAGE = WSMessage(WSMsgType.CLOSED, None, None)
WS_CLOSING_MESSAGE = WSMessage(WSMsgType.CLOSING, None, None)


class WebSocketError(Exception):
    """A protocol violation by the peer, carrying the close code to answer with."""

    def __init__(self, code: int, message: str) -> None:
        self.code = code
        super().__init__(code, message)

    def __str__(self) -> str:
        return str(self.args[1])


class WSHandshakeError(Exception):
    """The opening handshake (or its extension negotiation) is unacceptable."""


class WSMessageTypeError(TypeError):
    """``receive_str``/``receive_bytes`` got a message of another type."""


# aiohttp raises ClientConnectionResetError from both WebSocket ends (writing
# after close). The server cannot import the client, so the class and its two
# bases live here; aiohttp_client.client_exceptions re-exports them.


class ClientError(Exception):
    """Base class of every client error."""


class ClientConnectionError(ClientError):
    """Base class for errors on the connection itself."""


class ClientConnectionResetError(ClientConnectionError, ConnectionResetError):
    """The connection was reset (or is closing) while it was being written to."""
