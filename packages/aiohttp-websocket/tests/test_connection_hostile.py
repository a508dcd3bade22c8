"""Hostile WebSocket peers against both of our endpoints over real loopback sockets.

The peers are raw sockets written here: they complete the handshake by
hand and then send frames built byte by byte. Each abuse must end in the
documented close code (1009 too big, 1007 invalid UTF-8, 1002 protocol
error) with bounded buffering; floods keep going after the limit, so an
endpoint that buffered them all would never answer and the ``wait_for``
guard fails the test.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
import zlib
from collections.abc import AsyncIterator
from typing import Any

import pytest
from ws_harness import Endpoint, HandshakeProtocol

from aiohttp_websocket.frames import (
    OP_BINARY,
    OP_CLOSE,
    OP_CONTINUATION,
    OP_PING,
    OP_PONG,
    OP_TEXT,
    build_frame,
)
from aiohttp_websocket.handshake import ws_accept
from aiohttp_websocket.models import WebSocketError, WSMsgType

T = 10.0  # seconds: guard on every network wait
MASK = b"\x11\x22\x33\x44"
KEY = "dGhlIHNhbXBsZSBub25jZQ=="


def deflate(data: bytes) -> bytes:
    """A permessage-deflate payload: raw deflate, sync-flushed, without its empty tail."""
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    out = comp.compress(data) + comp.flush(zlib.Z_SYNC_FLUSH)
    assert out.endswith(b"\x00\x00\xff\xff")
    return out[:-4]


class Raw:
    """One raw WebSocket peer: frames out (masked when it is the client), frames in."""

    def __init__(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, *, client: bool
    ) -> None:
        self.reader = reader
        self.writer = writer
        self.mask = MASK if client else None

    def frame(self, opcode: int, payload: bytes, *, fin: bool = True, rsv1: bool = False) -> bytes:
        return bytes(build_frame(opcode, payload, fin=fin, rsv1=rsv1, mask=self.mask))

    async def read_frame(self) -> tuple[int, bytes]:
        async def read() -> tuple[int, bytes]:
            first, second = await self.reader.readexactly(2)
            size = second & 0x7F
            if size == 126:
                size = struct.unpack("!H", await self.reader.readexactly(2))[0]
            elif size == 127:
                size = struct.unpack("!Q", await self.reader.readexactly(8))[0]
            if second & 0x80:
                key = await self.reader.readexactly(4)
                data = await self.reader.readexactly(size)
                return first & 0x0F, bytes(b ^ key[i % 4] for i, b in enumerate(data))
            return first & 0x0F, await self.reader.readexactly(size)

        return await asyncio.wait_for(read(), T)

    async def flood(self, data: bytes, times: int) -> None:
        """Write ``data`` ``times`` times, stopping quietly when the other side closes."""
        with contextlib.suppress(ConnectionError):
            for _ in range(times):
                self.writer.write(data)
                await self.writer.drain()

    async def expect_close(self, code: int) -> None:
        """The next frames end with a close frame carrying ``code``, then the socket ends."""
        while True:
            opcode, payload = await self.read_frame()
            if opcode == OP_CLOSE:
                assert struct.unpack("!H", payload[:2])[0] == code
                break
        # A failed connection is dropped, not kept for a close reply (a reset when
        # our flood was still unread on the other side).
        with contextlib.suppress(ConnectionResetError):
            assert await asyncio.wait_for(self.reader.read(), T) == b""


@contextlib.asynccontextmanager
async def our_server(
    compress: bool = False, **kwargs: Any
) -> AsyncIterator[tuple[Raw, Endpoint, HandshakeProtocol]]:
    """Our server endpoint with a raw client connected to it."""
    protos: list[HandshakeProtocol] = []
    loop = asyncio.get_running_loop()

    def factory() -> HandshakeProtocol:
        proto = HandshakeProtocol(loop, Endpoint(), is_client=False, compress=compress, **kwargs)
        protos.append(proto)
        return proto

    server = await loop.create_server(factory, "127.0.0.1", 0)
    async with server:
        reader, writer = await asyncio.open_connection(
            "127.0.0.1", server.sockets[0].getsockname()[1]
        )
        ext = b"Sec-WebSocket-Extensions: permessage-deflate\r\n" if compress else b""
        writer.write(
            b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            b"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
            + KEY.encode()
            + b"\r\n"
            + ext
            + b"\r\n"
        )
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), T)
        assert head.startswith(b"HTTP/1.1 101 ")
        assert ws_accept(KEY).encode() in head
        assert (b"permessage-deflate" in head) == compress
        endpoint = await asyncio.wait_for(protos[0].ready, T)
        try:
            yield Raw(reader, writer, client=True), endpoint, protos[0]
        finally:
            writer.close()


@contextlib.asynccontextmanager
async def our_client(
    compress: bool = False, **kwargs: Any
) -> AsyncIterator[tuple[Raw, Endpoint, HandshakeProtocol]]:
    """Our client endpoint connected to a raw server."""
    peers: asyncio.Queue[Raw] = asyncio.Queue()

    async def accept(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        key = head.split(b"Sec-WebSocket-Key: ", 1)[1].split(b"\r\n", 1)[0].decode()
        ext = b"Sec-WebSocket-Extensions: permessage-deflate\r\n" if compress else b""
        writer.write(
            b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            b"Sec-WebSocket-Accept: " + ws_accept(key).encode() + b"\r\n" + ext + b"\r\n"
        )
        peers.put_nowait(Raw(reader, writer, client=False))

    server = await asyncio.start_server(accept, "127.0.0.1", 0)
    async with server:
        loop = asyncio.get_running_loop()
        endpoint = Endpoint()
        _, proto = await loop.create_connection(
            lambda: HandshakeProtocol(loop, endpoint, is_client=True, compress=compress, **kwargs),
            "127.0.0.1",
            server.sockets[0].getsockname()[1],
        )
        await asyncio.wait_for(proto.ready, T)
        peer = await asyncio.wait_for(peers.get(), T)
        try:
            yield peer, endpoint, proto
        finally:
            peer.writer.close()
            if proto.transport is not None:
                proto.transport.close()


SIDES = [our_server, our_client]
SIDE_IDS = ["server", "client"]


async def expect_error(endpoint: Endpoint, code: int) -> None:
    msg = await asyncio.wait_for(endpoint.receive(), T)
    assert msg.type is WSMsgType.ERROR, msg
    assert isinstance(msg.data, WebSocketError)
    assert msg.data.code == code


@pytest.mark.parametrize("side", SIDES, ids=SIDE_IDS)
@pytest.mark.parametrize("opcode", [OP_TEXT, OP_BINARY])
async def test_endless_fragments_past_max_msg_size_are_1009(side: Any, opcode: int) -> None:
    async with side(max_msg_size=10_000) as (peer, ours, _):
        first = peer.frame(opcode, b"a" * 100, fin=False)
        more = peer.frame(OP_CONTINUATION, b"a" * 100, fin=False)
        flood = asyncio.ensure_future(peer.flood(first + more * 1000, 100))
        try:
            await expect_error(ours, 1009)
            await peer.expect_close(1009)
        finally:
            flood.cancel()
        # Refused before buffering it all: at most the limit was assembled.
        assert ours.close_code == 1009


@pytest.mark.parametrize("side", SIDES, ids=SIDE_IDS)
async def test_deflate_bomb_in_one_frame_is_1009(side: Any) -> None:
    bomb = deflate(b"\x00" * (64 * 1024 * 1024))
    assert len(bomb) < 128 * 1024
    async with side(compress=True, max_msg_size=1024 * 1024) as (peer, ours, _):
        peer.writer.write(peer.frame(OP_BINARY, bomb, rsv1=True))
        await expect_error(ours, 1009)
        await peer.expect_close(1009)


@pytest.mark.parametrize("side", SIDES, ids=SIDE_IDS)
async def test_deflate_bomb_in_fragments_is_1009(side: Any) -> None:
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    piece = comp.compress(b"\x00" * (1024 * 1024)) + comp.flush(zlib.Z_SYNC_FLUSH)
    async with side(compress=True, max_msg_size=4 * 1024 * 1024) as (peer, ours, _):
        data = peer.frame(OP_TEXT, piece, fin=False, rsv1=True)
        data += peer.frame(OP_CONTINUATION, piece, fin=False) * 1000
        flood = asyncio.ensure_future(peer.flood(data, 1))
        try:
            await expect_error(ours, 1009)
            await peer.expect_close(1009)
        finally:
            flood.cancel()


def watch_pause_reading(proto: Any) -> asyncio.Event:
    """An event set when ``proto`` pauses reading."""
    paused = asyncio.Event()
    original = proto.pause_reading

    def pause_reading() -> None:
        original()
        paused.set()

    proto.pause_reading = pause_reading
    return paused


@pytest.mark.parametrize("side", SIDES, ids=SIDE_IDS)
async def test_ping_flood_while_not_reading_pauses_the_transport(side: Any) -> None:
    """Control frames count towards the queue's limit: a flood pauses reading."""
    async with side() as (peer, ours, proto):
        paused = watch_pause_reading(proto)
        ping = peer.frame(OP_PING, b"p" * 125)
        flood = asyncio.ensure_future(peer.flood(ping * 1000, 10_000))
        try:
            await asyncio.wait_for(paused.wait(), T)
            reader = ours._reader
            assert reader is not None
            # Bounded by the limit plus what one read from the socket can carry.
            assert len(reader) < 10_000
            # Reading the queue resumes the transport; the pings are answered in order.
            ours._autoping = False
            msg = await asyncio.wait_for(ours.receive(), T)
            assert msg.type is WSMsgType.PING and msg.data == b"p" * 125
        finally:
            flood.cancel()


@pytest.mark.parametrize("side", SIDES, ids=SIDE_IDS)
async def test_ping_flood_from_a_peer_that_never_reads_pongs_stays_bounded(side: Any) -> None:
    """Autoping waits for the transport to drain; meanwhile reading pauses."""
    paused = asyncio.Event()
    async with side() as (peer, ours, proto):
        pause_reading, pause_writing = proto.pause_reading, proto.pause_writing

        def check() -> None:
            if proto._reading_paused and proto.writing_paused:
                paused.set()

        def pause_reading_hook() -> None:
            pause_reading()
            check()

        def pause_writing_hook() -> None:
            pause_writing()
            check()

        proto.pause_reading = pause_reading_hook  # type: ignore[method-assign]
        proto.pause_writing = pause_writing_hook  # type: ignore[method-assign]
        # A peer that never reads: its receive buffer fills, then ours.
        sock = peer.writer.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        ping = peer.frame(OP_PING, b"p" * 125)
        flood = asyncio.ensure_future(peer.flood(ping * 1000, 100_000))
        receiving = asyncio.ensure_future(ours.receive())
        try:
            await asyncio.wait_for(paused.wait(), T)
            reader = ours._reader
            assert reader is not None
            assert len(reader) < 10_000
            transport = proto.transport
            assert transport is not None
            assert transport.get_write_buffer_size() < 1024 * 1024
        finally:
            flood.cancel()
            receiving.cancel()
            with contextlib.suppress(BaseException):
                await receiving


@pytest.mark.parametrize("side", SIDES, ids=SIDE_IDS)
async def test_close_with_invalid_utf8_reason_is_1007(side: Any) -> None:
    async with side() as (peer, ours, _):
        peer.writer.write(peer.frame(OP_CLOSE, struct.pack("!H", 1000) + b"\xc3\x28"))
        await expect_error(ours, 1007)
        await peer.expect_close(1007)


@pytest.mark.parametrize("side", SIDES, ids=SIDE_IDS)
@pytest.mark.parametrize("payload", [struct.pack("!H", 1005), struct.pack("!H", 999), b"\x03"])
async def test_close_with_invalid_code_is_1002(side: Any, payload: bytes) -> None:
    async with side() as (peer, ours, _):
        peer.writer.write(peer.frame(OP_CLOSE, payload))
        await expect_error(ours, 1002)
        await peer.expect_close(1002)


@pytest.mark.parametrize("side", SIDES, ids=SIDE_IDS)
async def test_frames_after_close_are_ignored(side: Any) -> None:
    async with side() as (peer, ours, _):
        ours._autoclose = False
        peer.writer.write(peer.frame(OP_CLOSE, struct.pack("!H", 1000) + b"bye"))
        msg = await asyncio.wait_for(ours.receive(), T)
        assert msg.type is WSMsgType.CLOSE and msg.data == 1000 and msg.extra == "bye"
        peer.writer.write(
            peer.frame(OP_TEXT, b"after close")
            + peer.frame(OP_PING, b"after close")
            + b"\xff garbage that is not a frame"
        )
        await peer.writer.drain()
        reader = ours._reader
        assert reader is not None
        assert len(reader) == 0
        assert await asyncio.wait_for(ours.close(), T) is True
        assert (await peer.read_frame())[0] == OP_CLOSE


@pytest.mark.parametrize("side", SIDES, ids=SIDE_IDS)
@pytest.mark.parametrize(
    ("wire", "code"),
    [
        (lambda p: p.frame(OP_PING, b"x" * 126), 1002),
        (lambda p: p.frame(OP_PING, b"x", fin=False), 1002),
        (lambda p: p.frame(OP_CONTINUATION, b"x"), 1002),
        (lambda p: p.frame(OP_TEXT, b"a", fin=False) + p.frame(OP_TEXT, b"b"), 1002),
        (lambda p: p.frame(OP_TEXT, b"x", rsv1=True), 1002),
        (lambda p: p.frame(0x3, b"x"), 1002),
        (
            lambda p: p.frame(OP_TEXT, b"ok \xf0\x9f", fin=False) + p.frame(OP_CONTINUATION, b"!"),
            1007,
        ),
    ],
    ids=[
        "long-ping",
        "fragmented-ping",
        "lone-continuation",
        "interleaved",
        "rsv1-off",
        "reserved-op",
        "split-utf8",
    ],
)
async def test_protocol_violations_close_with_their_code(side: Any, wire: Any, code: int) -> None:
    async with side() as (peer, ours, _):
        peer.writer.write(wire(peer))
        await expect_error(ours, code)
        await peer.expect_close(code)


async def test_server_refuses_unmasked_and_client_refuses_masked_frames() -> None:
    async with our_server() as (peer, ours, _):
        peer.writer.write(build_frame(OP_TEXT, b"unmasked"))
        await expect_error(ours, 1002)
    async with our_client() as (peer, ours, _):
        peer.writer.write(build_frame(OP_TEXT, b"masked", mask=MASK))
        await expect_error(ours, 1002)


async def test_pong_flood_while_not_reading_pauses_the_transport() -> None:
    async with our_server() as (peer, ours, proto):
        paused = watch_pause_reading(proto)
        flood = asyncio.ensure_future(peer.flood(peer.frame(OP_PONG, b"") * 1000, 10_000))
        try:
            await asyncio.wait_for(paused.wait(), T)
            reader = ours._reader
            assert reader is not None
            assert len(reader) < 100_000
        finally:
            flood.cancel()


@pytest.mark.parametrize("side", SIDES, ids=SIDE_IDS)
@pytest.mark.parametrize("opcode", [OP_TEXT, OP_BINARY])
async def test_empty_message_flood_while_not_reading_pauses_the_transport(
    side: Any, opcode: int
) -> None:
    """Every queued message counts towards the limit, even an empty one."""
    async with side() as (peer, ours, proto):
        paused = watch_pause_reading(proto)
        flood = asyncio.ensure_future(peer.flood(peer.frame(opcode, b"") * 1000, 10_000))
        try:
            await asyncio.wait_for(paused.wait(), T)
            reader = ours._reader
            assert reader is not None
            assert len(reader) < 100_000
            msg = await asyncio.wait_for(ours.receive(), T)
            assert msg.type is (WSMsgType.TEXT if opcode == OP_TEXT else WSMsgType.BINARY)
            assert not msg.data
        finally:
            flood.cancel()


@pytest.mark.parametrize("side", SIDES, ids=SIDE_IDS)
@pytest.mark.parametrize("opcode", [OP_TEXT, OP_BINARY])
async def test_endless_empty_fragments_keep_nothing(side: Any, opcode: int) -> None:
    """Empty continuation frames never reach the limit: they must not pile up either."""
    async with side() as (peer, ours, proto):
        ours._autoping = False
        data = (
            peer.frame(opcode, b"a", fin=False)
            + peer.frame(OP_CONTINUATION, b"", fin=False) * 50_000
            + peer.frame(OP_PING, b"mark")
        )
        peer.writer.write(data)
        # The PING comes after every empty fragment: once it is received, they were parsed.
        msg = await asyncio.wait_for(ours.receive(), T)
        assert msg.type is WSMsgType.PING and msg.data == b"mark"
        parser = proto._reader
        assert parser is not None
        assert len(parser._proto._frag_parts) + len(parser._proto._frag_text) <= 1
        peer.writer.write(peer.frame(OP_CONTINUATION, b"b"))
        msg = await asyncio.wait_for(ours.receive(), T)
        assert msg.data == ("ab" if opcode == OP_TEXT else b"ab")


@pytest.mark.parametrize("side", SIDES, ids=SIDE_IDS)
async def test_huge_announced_frame_is_1009_before_its_payload(side: Any) -> None:
    async with side(max_msg_size=1024 * 1024) as (peer, ours, _):
        head = bytes(peer.frame(OP_BINARY, b""))
        # Rewrite the header: a 64-bit length of 2**40 bytes, payload never sent.
        first = head[0]
        masked = 0x80 if peer.mask else 0
        header = bytes((first, masked | 127)) + struct.pack("!Q", 2**40)
        if peer.mask:
            header += peer.mask
        peer.writer.write(header + b"x" * 1000)
        await expect_error(ours, 1009)
        await peer.expect_close(1009)


@pytest.mark.parametrize("side", SIDES, ids=SIDE_IDS)
async def test_close_against_a_ping_flood_ends_at_the_close_timeout(side: Any) -> None:
    """The close timeout bounds the whole wait for the peer's close frame."""
    async with side() as (peer, ours, _):
        ours._close_timeout = 0.2
        flood = asyncio.ensure_future(peer.flood(peer.frame(OP_PING, b"p") * 100, 10**6))
        try:
            assert await asyncio.wait_for(ours.close(), T) is True
        finally:
            flood.cancel()
        assert ours.close_code == 1006
        assert isinstance(ours.exception(), asyncio.TimeoutError)


@pytest.mark.parametrize("side", SIDES, ids=SIDE_IDS)
async def test_messages_before_a_violation_in_the_same_read_are_delivered(side: Any) -> None:
    async with side() as (peer, ours, _):
        peer.writer.write(peer.frame(OP_TEXT, b"first") + b"\xff\x00")
        msg = await asyncio.wait_for(ours.receive(), T)
        assert msg.type is WSMsgType.TEXT and msg.data == "first"
        await expect_error(ours, 1002)


@pytest.mark.parametrize("side", SIDES, ids=SIDE_IDS)
async def test_bytes_after_close_in_the_same_read_are_ignored(side: Any) -> None:
    async with side() as (peer, ours, _):
        ours._autoclose = False
        peer.writer.write(peer.frame(OP_CLOSE, struct.pack("!H", 1000) + b"bye") + b"\xff garbage")
        msg = await asyncio.wait_for(ours.receive(), T)
        assert msg.type is WSMsgType.CLOSE and msg.data == 1000 and msg.extra == "bye"
