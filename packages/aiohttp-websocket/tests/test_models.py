"""The public value types."""

from __future__ import annotations

import json

import pytest

from aiohttp_websocket.models import (
    WS_CLOSED_MESSAGE,
    WS_CLOSING_MESSAGE,
    ClientConnectionError,
    ClientConnectionResetError,
    ClientError,
    WebSocketError,
    WSCloseCode,
    WSMessage,
    WSMessageTypeError,
    WSMsgType,
)


def test_opcodes_match_rfc6455() -> None:
    assert [int(t) for t in (WSMsgType.CONTINUATION, WSMsgType.TEXT, WSMsgType.BINARY)] == [0, 1, 2]
    assert (WSMsgType.CLOSE, WSMsgType.PING, WSMsgType.PONG) == (8, 9, 10)
    assert (WSMsgType.CLOSING, WSMsgType.CLOSED, WSMsgType.ERROR) == (0x100, 0x101, 0x102)
    assert WSMsgType.text is WSMsgType.TEXT
    assert WSMsgType.closed is WSMsgType.CLOSED


def test_close_codes() -> None:
    assert WSCloseCode.OK == 1000
    assert WSCloseCode.ABNORMAL_CLOSURE == 1006
    assert WSCloseCode.MESSAGE_TOO_BIG == 1009
    assert WSCloseCode.BAD_GATEWAY == 1014


def test_message_json_and_constants() -> None:
    msg = WSMessage(WSMsgType.TEXT, '{"a": [1, 2]}', None)
    assert msg.json() == {"a": [1, 2]}
    assert msg.json(loads=lambda s: json.loads(s)["a"]) == [1, 2]
    assert WS_CLOSED_MESSAGE == (WSMsgType.CLOSED, None, None)
    assert WS_CLOSING_MESSAGE.type is WSMsgType.CLOSING


def test_websocket_error() -> None:
    err = WebSocketError(WSCloseCode.PROTOCOL_ERROR, "bad frame")
    assert err.code == 1002
    assert str(err) == "bad frame"
    assert err.args == (1002, "bad frame")


def test_message_type_error_is_type_error() -> None:
    with pytest.raises(TypeError):
        raise WSMessageTypeError("Received message 2:b'' is not WSMsgType.TEXT")


def test_connection_reset_error_hierarchy() -> None:
    # aiohttp's hierarchy: a client error and a ConnectionResetError at once.
    assert ClientConnectionResetError.__mro__[1:] == (
        ClientConnectionError,
        ClientError,
        ConnectionResetError,
        ConnectionError,
        OSError,
        Exception,
        BaseException,
        object,
    )
