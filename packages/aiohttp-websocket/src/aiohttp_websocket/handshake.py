"""Opening handshake helpers (RFC 6455 section 4) shared by client and server."""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from collections.abc import Iterable, Mapping
from typing import NamedTuple

from .deflate import ws_ext_gen, ws_ext_parse
from .models import WSHandshakeError

__all__ = [
    "WS_KEY",
    "ServerHandshake",
    "make_ws_key",
    "select_protocol",
    "server_handshake",
    "ws_accept",
]

#: The GUID every ``Sec-WebSocket-Accept`` value is derived with.
WS_KEY = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def ws_accept(key: str) -> str:
    """``Sec-WebSocket-Accept`` for a request's ``Sec-WebSocket-Key``."""
    return base64.b64encode(hashlib.sha1(key.encode() + WS_KEY).digest()).decode()


def make_ws_key() -> str:
    """A fresh random ``Sec-WebSocket-Key`` (16 random bytes, base64)."""
    return base64.b64encode(os.urandom(16)).decode()


def _tokens(value: str) -> list[str]:
    return [token for token in (part.strip() for part in value.split(",")) if token]


def select_protocol(offered: str | None, supported: Iterable[str]) -> str | None:
    """Pick the first subprotocol of a comma separated offer that we support."""
    if not offered:
        return None
    supported = tuple(supported)
    for proto in _tokens(offered):
        if proto in supported:
            return proto
    return None


class ServerHandshake(NamedTuple):
    """Outcome of validating an upgrade request on the server side."""

    protocol: str | None
    compress: int
    notakeover: bool
    headers: list[tuple[str, str]]


def server_handshake(
    headers: Mapping[str, str], protocols: Iterable[str] = (), compress: bool = True
) -> ServerHandshake:
    """Validate an upgrade request's headers and build the 101 response headers.

    ``headers`` must be case-insensitive (a ``CIMultiDict``). The method check
    is the caller's: a bad method is a 405, every failure here is a 400 whose
    message is the ``WSHandshakeError`` text.
    """
    upgrade = headers.get("Upgrade", "")
    if "websocket" not in {token.lower() for token in _tokens(upgrade)}:
        raise WSHandshakeError(
            f'No WebSocket UPGRADE hdr: {upgrade}\n Can "Upgrade" only to "WebSocket".'
        )
    connection = headers.get("Connection", "")
    if "upgrade" not in {token.lower() for token in _tokens(connection)}:
        raise WSHandshakeError(f"No CONNECTION upgrade hdr: {connection}")
    version = headers.get("Sec-WebSocket-Version", "")
    if version not in ("13", "8", "7"):
        raise WSHandshakeError(f"Unsupported version: {version}")
    key = headers.get("Sec-WebSocket-Key", "")
    try:
        valid_key = bool(key) and len(base64.b64decode(key, validate=True)) == 16
    except (binascii.Error, ValueError):
        valid_key = False
    if not valid_key:
        raise WSHandshakeError(f"Handshake error: {key!r}")
    protocol = select_protocol(headers.get("Sec-WebSocket-Protocol"), protocols)
    response = [
        ("Upgrade", "websocket"),
        ("Connection", "upgrade"),
        ("Sec-WebSocket-Accept", ws_accept(key)),
    ]
    if protocol is not None:
        response.append(("Sec-WebSocket-Protocol", protocol))
    wbits, notakeover = 0, False
    if compress:
        extensions = headers.get("Sec-WebSocket-Extensions")
        if extensions:
            wbits, notakeover = ws_ext_parse(extensions, isserver=True)
            if wbits:
                response.append(
                    (
                        "Sec-WebSocket-Extensions",
                        ws_ext_gen(compress=wbits, isserver=True, server_notakeover=notakeover),
                    )
                )
    return ServerHandshake(protocol, wbits, notakeover, response)
