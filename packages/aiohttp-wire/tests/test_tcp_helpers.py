"""Socket options set through real loopback transports."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import pytest

from aiohttp_wire.tcp_helpers import tcp_keepalive, tcp_nodelay


@pytest.fixture
async def transport() -> AsyncIterator[asyncio.Transport]:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(asyncio.Protocol, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    tr, _ = await loop.create_connection(asyncio.Protocol, "127.0.0.1", port)
    yield tr
    tr.close()
    server.close()
    await server.wait_closed()


def _opt(tr: asyncio.Transport, level: int, name: int) -> int:
    sock: socket.socket = tr.get_extra_info("socket")
    return sock.getsockopt(level, name)


async def test_keepalive_is_enabled(transport: asyncio.Transport) -> None:
    assert _opt(transport, socket.SOL_SOCKET, socket.SO_KEEPALIVE) == 0
    tcp_keepalive(transport)
    assert _opt(transport, socket.SOL_SOCKET, socket.SO_KEEPALIVE) != 0


async def test_nodelay_toggles(transport: asyncio.Transport) -> None:
    tcp_nodelay(transport, True)
    assert _opt(transport, socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
    tcp_nodelay(transport, False)
    assert _opt(transport, socket.IPPROTO_TCP, socket.TCP_NODELAY) == 0


async def test_unix_socket_is_left_alone() -> None:
    loop = asyncio.get_running_loop()
    left, right = socket.socketpair()
    tr, _ = await loop.connect_accepted_socket(asyncio.Protocol, left)
    tcp_nodelay(tr, True)  # no TCP on a Unix socket: a no-op, not an error
    tcp_keepalive(tr)
    tr.close()
    right.close()


async def test_missing_socket_is_a_no_op() -> None:
    class NoSocket(asyncio.Transport):
        def get_extra_info(self, name: str, default: object = None) -> object:
            return default

    tcp_nodelay(NoSocket(), True)
    tcp_keepalive(NoSocket())
