"""Hostile WebSocket servers against ``ClientSession.ws_connect`` over real loopback sockets.

A raw asyncio server written here answers the handshake by hand and then
floods frames: the client's ``max_msg_size`` and its receive queue's flow
control (through the client's connection protocol) must hold.
"""

from __future__ import annotations

import asyncio
import contextlib
import struct
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from aiohttp_client.client import ClientSession
from aiohttp_client.client_ws import ClientWSTimeout
from aiohttp_websocket.frames import OP_BINARY, OP_CLOSE, OP_CONTINUATION, OP_PING, build_frame
from aiohttp_websocket.handshake import ws_accept
from aiohttp_websocket.models import WebSocketError, WSMsgType

T = 10.0
Reader = asyncio.StreamReader
Writer = asyncio.StreamWriter


def frame(opcode: int, payload: bytes, *, fin: bool = True, rsv1: bool = False) -> bytes:
    return bytes(build_frame(opcode, payload, fin=fin, rsv1=rsv1))


async def close_code(reader: Reader) -> int:
    """The code of the next close frame from the (masking) client."""
    while True:
        first, second = await reader.readexactly(2)
        size = second & 0x7F
        if size == 126:
            size = struct.unpack("!H", await reader.readexactly(2))[0]
        elif size == 127:
            size = struct.unpack("!Q", await reader.readexactly(8))[0]
        key = await reader.readexactly(4)
        payload = bytes(b ^ key[i % 4] for i, b in enumerate(await reader.readexactly(size)))
        if first & 0x0F == OP_CLOSE:
            code: int = struct.unpack("!H", payload[:2])[0]
            return code


@contextlib.asynccontextmanager
async def raw_ws_server(
    after: Callable[[Reader, Writer], Awaitable[None]], *, deflate: bool = False
) -> AsyncIterator[str]:
    """A server completing the handshake, then running ``after``; yields its ws:// URL."""
    tasks: list[asyncio.Task[None]] = []

    async def serve(reader: Reader, writer: Writer) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        key = head.split(b"Sec-WebSocket-Key: ", 1)[1].split(b"\r\n", 1)[0].decode()
        ext = b"Sec-WebSocket-Extensions: permessage-deflate\r\n" if deflate else b""
        writer.write(
            b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            b"Sec-WebSocket-Accept: " + ws_accept(key).encode() + b"\r\n" + ext + b"\r\n"
        )
        with contextlib.suppress(ConnectionError, asyncio.IncompleteReadError):
            await after(reader, writer)
        writer.close()

    def on_connect(reader: Reader, writer: Writer) -> None:
        tasks.append(asyncio.ensure_future(serve(reader, writer)))

    server = await asyncio.start_server(on_connect, "127.0.0.1", 0)
    try:
        yield f"ws://127.0.0.1:{server.sockets[0].getsockname()[1]}/"
    finally:
        for task in tasks:
            task.cancel()
        server.close()
        await asyncio.wait_for(server.wait_closed(), T)


async def test_fragments_past_max_msg_size_are_1009() -> None:
    codes: list[int] = []

    async def after(reader: Reader, writer: Writer) -> None:
        data = frame(OP_BINARY, b"a" * 1000, fin=False)
        data += frame(OP_CONTINUATION, b"a" * 1000, fin=False) * 1000
        flood = asyncio.ensure_future(_flood(writer, data, 100))
        try:
            codes.append(await close_code(reader))
        finally:
            flood.cancel()

    async with raw_ws_server(after) as url:

        async def run() -> Any:
            async with (
                ClientSession() as session,
                session.ws_connect(url, max_msg_size=64 * 1024) as ws,
            ):
                return await ws.receive()

        msg = await asyncio.wait_for(run(), T)
    assert msg.type is WSMsgType.ERROR
    assert isinstance(msg.data, WebSocketError) and msg.data.code == 1009
    assert codes == [1009]


async def test_deflate_bomb_is_1009() -> None:
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    bomb = comp.compress(b"\0" * (64 * 1024 * 1024)) + comp.flush(zlib.Z_SYNC_FLUSH)

    async def after(reader: Reader, writer: Writer) -> None:
        writer.write(frame(OP_BINARY, bomb[:-4], rsv1=True))
        await writer.drain()
        await reader.read()

    async with raw_ws_server(after, deflate=True) as url:

        async def run() -> Any:
            async with (
                ClientSession() as session,
                session.ws_connect(url, max_msg_size=1024 * 1024, compress=15) as ws,
            ):
                return await ws.receive()

        msg = await asyncio.wait_for(run(), T)
    assert msg.type is WSMsgType.ERROR
    assert isinstance(msg.data, WebSocketError) and msg.data.code == 1009


async def test_ping_flood_while_not_reading_pauses_the_connection() -> None:
    async def after(reader: Reader, writer: Writer) -> None:
        await _flood(writer, frame(OP_PING, b"p" * 100) * 1000, 10_000)

    async with raw_ws_server(after) as url:

        async def run() -> None:
            # The flood never ends: do not wait long for a close reply on the way out.
            timeout = ClientWSTimeout(ws_close=0.1)
            async with ClientSession() as session, session.ws_connect(url, timeout=timeout) as ws:
                proto = ws._conn.protocol if ws._conn is not None else None  # type: ignore[attr-defined]
                assert proto is not None
                paused = asyncio.Event()
                pause = proto.pause_reading

                def pause_reading() -> None:
                    pause()
                    paused.set()

                proto.pause_reading = pause_reading
                if proto._reading_paused:
                    paused.set()
                await paused.wait()

        await asyncio.wait_for(run(), T)


async def _flood(writer: Writer, data: bytes, times: int) -> None:
    with contextlib.suppress(ConnectionError):
        for _ in range(times):
            writer.write(data)
            await writer.drain()
