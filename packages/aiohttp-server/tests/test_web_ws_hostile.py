"""Hostile WebSocket clients against ``WebSocketResponse`` over real loopback sockets.

A raw socket written here does the handshake by hand and then floods
frames: the limits of ``WebSocketResponse`` (``max_msg_size``, the receive
queue's flow control through the HTTP protocol) must hold when the
connection is served by the real ``RequestHandler``.
"""

from __future__ import annotations

import asyncio
import contextlib
import struct
import zlib
from collections.abc import AsyncIterator
from typing import Any

import pytest

from aiohttp_server.web_protocol import RequestHandler
from aiohttp_server.web_request import BaseRequest
from aiohttp_server.web_response import StreamResponse
from aiohttp_server.web_server import Server
from aiohttp_server.web_ws import WebSocketResponse
from aiohttp_websocket.frames import OP_BINARY, OP_CLOSE, OP_CONTINUATION, OP_PING, build_frame
from aiohttp_websocket.handshake import ws_accept
from aiohttp_websocket.models import WSMsgType

T = 10.0
MASK = b"\x01\x02\x03\x04"
KEY = "dGhlIHNhbXBsZSBub25jZQ=="


def frame(opcode: int, payload: bytes, *, fin: bool = True, rsv1: bool = False) -> bytes:
    return bytes(build_frame(opcode, payload, fin=fin, rsv1=rsv1, mask=MASK))


class Peer:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    async def flood(self, data: bytes, times: int) -> None:
        with contextlib.suppress(ConnectionError):
            for _ in range(times):
                self.writer.write(data)
                await self.writer.drain()

    async def close_code(self) -> int:
        """The code of the next close frame from the server."""

        async def read() -> int:
            while True:
                first, second = await self.reader.readexactly(2)
                size = second & 0x7F
                if size == 126:
                    size = struct.unpack("!H", await self.reader.readexactly(2))[0]
                elif size == 127:
                    size = struct.unpack("!Q", await self.reader.readexactly(8))[0]
                payload = await self.reader.readexactly(size)
                if first & 0x0F == OP_CLOSE:
                    code: int = struct.unpack("!H", payload[:2])[0]
                    return code

        return await asyncio.wait_for(read(), T)


@contextlib.asynccontextmanager
async def ws_server(
    handler: Any, *, deflate: bool = False
) -> AsyncIterator[tuple[Peer, list[RequestHandler]]]:
    protocols: list[RequestHandler] = []

    class Tracking(Server):
        def __call__(self) -> RequestHandler:
            proto = super().__call__()
            protocols.append(proto)
            return proto

    server = Tracking(handler)
    srv = await asyncio.get_running_loop().create_server(server, "127.0.0.1", 0)
    reader, writer = await asyncio.open_connection("127.0.0.1", srv.sockets[0].getsockname()[1])
    try:
        ext = b"Sec-WebSocket-Extensions: permessage-deflate\r\n" if deflate else b""
        writer.write(
            b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            b"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
            + KEY.encode()
            + b"\r\n"
            + ext
            + b"\r\n"
        )
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), T)
        assert head.startswith(b"HTTP/1.1 101 ") and ws_accept(KEY).encode() in head
        yield Peer(reader, writer), protocols
    finally:
        writer.close()
        srv.close()
        await asyncio.wait_for(server.shutdown(1.0), T)


async def test_fragments_past_max_msg_size_close_1009() -> None:
    results: list[Any] = []

    async def handler(request: BaseRequest) -> StreamResponse:
        ws = WebSocketResponse(max_msg_size=64 * 1024)
        await ws.prepare(request)
        results.append(await ws.receive())
        return ws

    async with ws_server(handler) as (peer, _):
        data = frame(OP_BINARY, b"a" * 1000, fin=False)
        data += frame(OP_CONTINUATION, b"a" * 1000, fin=False) * 1000
        flood = asyncio.ensure_future(peer.flood(data, 100))
        try:
            assert await peer.close_code() == 1009
        finally:
            flood.cancel()
    assert results[0].type is WSMsgType.ERROR


async def test_deflate_bomb_closes_1009() -> None:
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    bomb = comp.compress(b"\0" * (64 * 1024 * 1024)) + comp.flush(zlib.Z_SYNC_FLUSH)

    async def handler(request: BaseRequest) -> StreamResponse:
        ws = WebSocketResponse(max_msg_size=1024 * 1024)
        await ws.prepare(request)
        await ws.receive()
        return ws

    async with ws_server(handler, deflate=True) as (peer, _):
        peer.writer.write(frame(OP_BINARY, bomb[:-4], rsv1=True))
        assert await peer.close_code() == 1009


async def test_ping_flood_to_a_handler_that_does_not_read_pauses_the_connection() -> None:
    started = asyncio.Event()
    done = asyncio.Event()

    async def handler(request: BaseRequest) -> StreamResponse:
        ws = WebSocketResponse()
        await ws.prepare(request)
        started.set()
        await done.wait()
        return ws

    async with ws_server(handler) as (peer, protocols):
        await asyncio.wait_for(started.wait(), T)
        proto = protocols[0]
        paused = asyncio.Event()
        pause = proto.pause_reading

        def pause_reading() -> None:
            pause()
            paused.set()

        proto.pause_reading = pause_reading  # type: ignore[method-assign]
        flood = asyncio.ensure_future(peer.flood(frame(OP_PING, b"p" * 100) * 1000, 10_000))
        try:
            await asyncio.wait_for(paused.wait(), T)
        finally:
            flood.cancel()
            done.set()


@pytest.mark.parametrize(
    "offer",
    [
        b"permessage-deflate; server_max_window_bits=\xb2",
        b"permessage-deflate; client_max_window_bits=" + b"9" * 5000,
        b"permessage-deflate; server_max_window_bits=\xb9, x-unknown; a=b",
    ],
    ids=["superscript-digit", "5000-digits", "superscript-and-unknown"],
)
async def test_malformed_deflate_offer_is_ignored(offer: bytes) -> None:
    """The handshake succeeds without compression; it is never a 500."""

    async def handler(request: BaseRequest) -> StreamResponse:
        ws = WebSocketResponse()
        await ws.prepare(request)
        await ws.close()
        return ws

    server = Server(handler)
    srv = await asyncio.get_running_loop().create_server(server, "127.0.0.1", 0)
    reader, writer = await asyncio.open_connection("127.0.0.1", srv.sockets[0].getsockname()[1])
    try:
        writer.write(
            b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            b"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: " + KEY.encode() + b"\r\n"
            b"Sec-WebSocket-Extensions: " + offer + b"\r\n\r\n"
        )
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), T)
        assert head.startswith(b"HTTP/1.1 101 ")
        assert b"sec-websocket-extensions" not in head.lower()
    finally:
        writer.close()
        srv.close()
        await asyncio.wait_for(server.shutdown(1.0), T)
