"""Handshake helpers, checked against RFC 6455's example and the `websockets` package."""

from __future__ import annotations

import base64

import pytest
from multidict import CIMultiDict
from websockets.utils import accept_key

from aiohttp_websocket.handshake import (
    WS_KEY,
    make_ws_key,
    select_protocol,
    server_handshake,
    ws_accept,
)
from aiohttp_websocket.models import WSHandshakeError


def test_rfc_example() -> None:
    assert WS_KEY == b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
    assert ws_accept("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="


def test_make_key_is_random_16_bytes() -> None:
    keys = {make_ws_key() for _ in range(20)}
    assert len(keys) == 20
    for key in keys:
        assert len(base64.b64decode(key)) == 16
        assert ws_accept(key) == accept_key(key)


def test_select_protocol() -> None:
    assert select_protocol("chat, superchat", ["superchat", "chat"]) == "chat"
    assert select_protocol("a,b", ["b"]) == "b"
    assert select_protocol("a", ["b"]) is None
    assert select_protocol(None, ["b"]) is None


def _request(**extra: str) -> CIMultiDict[str]:
    headers = CIMultiDict(
        {
            "Upgrade": "websocket",
            "Connection": "keep-alive, Upgrade",
            "Sec-WebSocket-Version": "13",
            "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
        }
    )
    for name, value in extra.items():
        headers[name.replace("_", "-")] = value
    return headers


def test_server_handshake_ok() -> None:
    result = server_handshake(
        _request(Sec_WebSocket_Protocol="x, y", Sec_WebSocket_Extensions="permessage-deflate"),
        protocols=["y"],
    )
    assert result.protocol == "y"
    assert result.compress == 15
    assert result.notakeover is False
    headers = dict(result.headers)
    assert headers["Sec-WebSocket-Accept"] == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
    assert headers["Sec-WebSocket-Protocol"] == "y"
    assert headers["Sec-WebSocket-Extensions"] == "permessage-deflate"
    assert headers["Upgrade"] == "websocket"


def test_server_handshake_compress_disabled() -> None:
    result = server_handshake(
        _request(Sec_WebSocket_Extensions="permessage-deflate"), compress=False
    )
    assert result.compress == 0
    assert "Sec-WebSocket-Extensions" not in dict(result.headers)


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"Upgrade": "h2c"}, "No WebSocket UPGRADE hdr"),
        ({"Connection": "keep-alive"}, "No CONNECTION upgrade hdr"),
        ({"Sec-WebSocket-Version": "12"}, "Unsupported version"),
        ({"Sec-WebSocket-Key": "short"}, "Handshake error"),
        ({"Sec-WebSocket-Key": base64.b64encode(b"x" * 15).decode()}, "Handshake error"),
        ({"Sec-WebSocket-Key": ""}, "Handshake error"),
    ],
)
def test_server_handshake_rejects(override: dict[str, str], message: str) -> None:
    headers = _request()
    headers.update(override)
    with pytest.raises(WSHandshakeError, match=message):
        server_handshake(headers)
