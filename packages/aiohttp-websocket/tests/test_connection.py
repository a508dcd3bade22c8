"""The shared asyncio messaging API over real loopback sockets.

Peers: the `websockets` package (both directions) and raw sockets for
misbehaviour. The HTTP handshake glue lives in ws_harness.py.
"""

from __future__ import annotations

import asyncio
import json
import os
import struct
from collections.abc import AsyncIterator
from typing import Any

import pytest
import websockets
from websockets.asyncio.client import connect
from websockets.asyncio.server import ServerConnection, serve
from websockets.frames import CloseCode
from ws_harness import Endpoint, open_client, start_server

from aiohttp_websocket.connection import WebSocketDataQueue
from aiohttp_websocket.frames import (
    OP_BINARY,
    OP_CLOSE,
    OP_PING,
    OP_PONG,
    OP_TEXT,
    PIECE,
    build_frame,
)
from aiohttp_websocket.handshake import ws_accept
from aiohttp_websocket.models import (
    ClientConnectionResetError,
    WebSocketError,
    WSCloseCode,
    WSMessage,
    WSMessageTypeError,
    WSMsgType,
)
from aiohttp_wire.base_protocol import BaseProtocol
from aiohttp_wire.streams import EofStream

T = 5  # seconds: guard on every network wait


# -- our server endpoint, `websockets` as the client ----------------------------------


async def _echo_server(**kwargs: Any) -> tuple[asyncio.Server, asyncio.Queue[Endpoint]]:
    return await start_server(Endpoint, **kwargs)


def _port(server: asyncio.Server) -> int:
    port: int = server.sockets[0].getsockname()[1]
    return port


async def _serve_echo(endpoint: Endpoint) -> list[WSMessage]:
    """Echo TEXT/BINARY until the connection ends; return every non-data message."""
    others = []
    while True:
        msg = await endpoint.receive()
        if msg.type is WSMsgType.TEXT:
            await endpoint.send_str(msg.data)
        elif msg.type is WSMsgType.BINARY:
            await endpoint.send_bytes(msg.data)
        elif msg.type is WSMsgType.CLOSED:
            return others
        else:
            others.append(msg)


@pytest.mark.parametrize("compression", [None, "deflate"])
async def test_server_with_websockets_client(compression: str | None) -> None:
    server, accepted = await _echo_server()
    async with server:
        uri = f"ws://127.0.0.1:{_port(server)}/"
        async with connect(uri, compression=compression, proxy=None, ping_interval=None) as ws:
            ours = await asyncio.wait_for(accepted.get(), T)
            assert bool(ours.compress) is (compression is not None)
            echo = asyncio.ensure_future(_serve_echo(ours))
            await ws.send("héllo " * 100)
            assert await asyncio.wait_for(ws.recv(), T) == "héllo " * 100
            await ws.send(b"\x00\xff" * 40_000)
            assert await asyncio.wait_for(ws.recv(), T) == b"\x00\xff" * 40_000
            # Large enough to be received directly and echoed as header + payload.
            big = os.urandom(3 * PIECE + 1)
            await ws.send(big)
            assert await asyncio.wait_for(ws.recv(), T) == big
            # A fragmented message.
            await ws.send(["frag", "men", "ted"])
            assert await asyncio.wait_for(ws.recv(), T) == "fragmented"
            # autoping answers the client's PING.
            pong_waiter = await ws.ping(b"are you there")
            await asyncio.wait_for(pong_waiter, T)
            await ws.close(4000, "done")
        others = await asyncio.wait_for(echo, T)
    assert [(m.type, m.data, m.extra) for m in others] == [(WSMsgType.CLOSE, 4000, "done")]
    assert ours.closed
    assert ours.close_code == 4000
    # Our reply was a normal close.
    assert ws.close_code == CloseCode.NORMAL_CLOSURE


async def test_server_initiated_close_with_websockets_client() -> None:
    server, accepted = await _echo_server()
    async with server:
        uri = f"ws://127.0.0.1:{_port(server)}/"
        async with connect(uri, proxy=None, ping_interval=None) as ws:
            ours = await asyncio.wait_for(accepted.get(), T)
            assert await asyncio.wait_for(ours.close(code=4321, message=b"bye"), T) is True
            with pytest.raises(websockets.ConnectionClosed):
                await asyncio.wait_for(ws.recv(), T)
            assert ws.close_code == 4321
            assert ws.close_reason == "bye"
    assert ours.close_code == 4321  # echoed back by websockets
    assert await ours.close() is False
    assert (await ours.receive()).type is WSMsgType.CLOSED


# -- our client endpoint, `websockets` as the server ----------------------------------


async def _ws_echo(conn: ServerConnection) -> None:
    async for message in conn:
        if message == "close-me":
            await conn.close(4001, "as you wish")
            return
        await conn.send(message)


async def _ws_server(**kwargs: Any) -> AsyncIterator[int]:
    async with serve(_ws_echo, "127.0.0.1", 0, ping_interval=None, **kwargs) as server:
        yield next(iter(server.sockets)).getsockname()[1]


@pytest.fixture(params=[None, "deflate"])
async def ws_port(request: pytest.FixtureRequest) -> AsyncIterator[int]:
    async for port in _ws_server(compression=request.param):
        yield port


async def test_client_large_messages_with_websockets_server(ws_port: int) -> None:
    # Large enough to be masked and written piece by piece, then received
    # straight into a buffer of its size; odd sizes shift the mask phase.
    ours = await open_client(ws_port, Endpoint(autoping=False))
    for size in (2 * PIECE, 3 * PIECE + 3, 600_001):
        payload = os.urandom(size)
        await ours.send_bytes(payload)
        assert await asyncio.wait_for(ours.receive_bytes(), T) == payload
    text = "é" * (PIECE + 5)
    await ours.send_str(text)
    assert await asyncio.wait_for(ours.receive_str(), T) == text
    assert await asyncio.wait_for(ours.close(), T)


async def test_client_with_websockets_server(ws_port: int) -> None:
    ours = await open_client(ws_port, Endpoint(autoping=False))
    await ours.send_str("hi")
    assert await asyncio.wait_for(ours.receive_str(), T) == "hi"
    await ours.send_bytes(bytearray(b"\x01" * 100_000))
    assert await asyncio.wait_for(ours.receive_bytes(), T) == b"\x01" * 100_000
    await ours.send_json({"a": [1, 2]})
    assert await asyncio.wait_for(ours.receive_json(), T) == {"a": [1, 2]}
    await ours.send_frame(b"raw", WSMsgType.BINARY)
    assert await asyncio.wait_for(ours.receive_bytes(), T) == b"raw"
    # Without autoping the PONG is handed to us.
    await ours.ping(b"p1")
    msg = await asyncio.wait_for(ours.receive(), T)
    assert (msg.type, msg.data) == (WSMsgType.PONG, b"p1")
    assert await asyncio.wait_for(ours.close(), T) is True
    assert ours.closed
    assert ours.close_code == 1000
    assert ours.exception() is None


async def test_client_compression_negotiated(ws_port: int) -> None:
    ours = await open_client(ws_port)
    await ours.send_str("x" * 10_000)
    assert await asyncio.wait_for(ours.receive_str(), T) == "x" * 10_000
    await ours.send_str("y" * 10_000, compress=0)
    assert await asyncio.wait_for(ours.receive_str(), T) == "y" * 10_000
    await asyncio.wait_for(ours.close(), T)


async def test_client_sees_peer_close(ws_port: int) -> None:
    ours = await open_client(ws_port)
    await ours.send_str("close-me")
    msg = await asyncio.wait_for(ours.receive(), T)
    assert (msg.type, msg.data, msg.extra) == (WSMsgType.CLOSE, 4001, "as you wish")
    assert ours.closed
    assert ours.close_code == 4001
    assert (await ours.receive()).type is WSMsgType.CLOSED
    with pytest.raises(ClientConnectionResetError):
        await ours.send_str("too late")


async def test_async_iteration_stops_on_close(ws_port: int) -> None:
    ours = await open_client(ws_port)
    for text in ("a", "b", "close-me"):
        await ours.send_str(text)
    got = [msg.data async for msg in ours]
    assert got == ["a", "b"]
    assert ours.close_code == 4001


async def test_closed_receive_limit(ws_port: int) -> None:
    ours = await open_client(ws_port)
    await asyncio.wait_for(ours.close(), T)
    for _ in range(4):
        assert (await ours.receive()).type is WSMsgType.CLOSED
    with pytest.raises(RuntimeError, match="closed"):
        await ours.receive()


async def test_wrong_message_types(ws_port: int) -> None:
    ours = await open_client(ws_port)
    await ours.send_bytes(b"b")
    with pytest.raises(WSMessageTypeError, match=r"is not WSMsgType\.TEXT"):
        await asyncio.wait_for(ours.receive_str(), T)
    await ours.send_str("s")
    with pytest.raises(TypeError, match=r"is not WSMsgType\.BINARY"):
        await asyncio.wait_for(ours.receive_bytes(), T)
    with pytest.raises(TypeError, match="must be str"):
        await ours.send_str(b"x")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="byte-ish"):
        await ours.send_bytes("x")  # type: ignore[arg-type]
    await asyncio.wait_for(ours.close(), T)


async def test_receive_timeout_and_concurrency(ws_port: int) -> None:
    ours = await open_client(ws_port)
    with pytest.raises(asyncio.TimeoutError):
        await ours.receive(timeout=0.01)
    # The connection still works after a timeout.
    await ours.send_str("after")
    assert await asyncio.wait_for(ours.receive_str(), T) == "after"
    first = asyncio.ensure_future(ours.receive())
    await asyncio.sleep(0)  # let it start waiting
    with pytest.raises(RuntimeError, match="Concurrent call to receive"):
        await ours.receive()
    assert await asyncio.wait_for(ours.close(), T) is True
    # The waiting receive() is told the connection is closing.
    assert (await asyncio.wait_for(first, T)).type is WSMsgType.CLOSING


# -- raw peers: violations, silence, abrupt ends --------------------------------------


class RawPeer:
    """A raw-socket WebSocket client: handshake by hand, then bytes."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    @classmethod
    async def connect(cls, port: int) -> RawPeer:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        key = "dGhlIHNhbXBsZSBub25jZQ=="
        writer.write(
            b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            b"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: " + key.encode() + b"\r\n\r\n"
        )
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), T)
        assert head.startswith(b"HTTP/1.1 101 ")
        assert ws_accept(key).encode() in head
        return cls(reader, writer)

    async def read_frame(self) -> tuple[int, bytes]:
        first, second = await asyncio.wait_for(self.reader.readexactly(2), T)
        assert not second & 0x80, "server frames are unmasked"
        size = second & 0x7F
        if size == 126:
            size = struct.unpack("!H", await self.reader.readexactly(2))[0]
        elif size == 127:
            size = struct.unpack("!Q", await self.reader.readexactly(8))[0]
        return first & 0x0F, await asyncio.wait_for(self.reader.readexactly(size), T)


MASK = b"\x01\x02\x03\x04"


@pytest.mark.parametrize(
    ("wire", "code"),
    [
        (build_frame(OP_TEXT, b"unmasked"), 1002),
        (build_frame(OP_TEXT, b"\xff\xfe", mask=MASK), 1007),
        (build_frame(OP_BINARY, b"x" * 2000, mask=MASK), 1009),
    ],
)
async def test_violation_closes_with_code(wire: bytes, code: int) -> None:
    server, accepted = await _echo_server(max_msg_size=1000)
    async with server:
        peer = await RawPeer.connect(_port(server))
        ours = await asyncio.wait_for(accepted.get(), T)
        peer.writer.write(wire)
        msg = await asyncio.wait_for(ours.receive(), T)
        assert msg.type is WSMsgType.ERROR
        assert isinstance(msg.data, WebSocketError)
        assert msg.data.code == code
        opcode, payload = await peer.read_frame()
        assert opcode == OP_CLOSE
        assert struct.unpack("!H", payload[:2])[0] == code
        # A failed connection is dropped without waiting for a close reply.
        assert await asyncio.wait_for(peer.reader.read(), T) == b""
        peer.writer.close()
    assert ours.closed
    assert ours.close_code == code


async def test_autoping_and_pong_passthrough() -> None:
    server, accepted = await start_server(lambda: Endpoint(autoping=True))
    async with server:
        peer = await RawPeer.connect(_port(server))
        ours = await asyncio.wait_for(accepted.get(), T)
        receiving = asyncio.ensure_future(ours.receive())
        peer.writer.write(build_frame(OP_PING, b"hb", mask=MASK))
        assert await peer.read_frame() == (OP_PONG, b"hb")
        peer.writer.write(build_frame(OP_PONG, b"unsolicited", mask=MASK))
        peer.writer.write(build_frame(OP_TEXT, b"after", mask=MASK))
        assert (await asyncio.wait_for(receiving, T)).data == "after"
        peer.writer.close()


async def test_abrupt_disconnect() -> None:
    server, accepted = await _echo_server()
    async with server:
        peer = await RawPeer.connect(_port(server))
        ours = await asyncio.wait_for(accepted.get(), T)
        peer.writer.transport.abort()
        msg = await asyncio.wait_for(ours.receive(), T)
        assert msg.type is WSMsgType.CLOSED
        assert ours.closed
        assert ours.close_code == WSCloseCode.ABNORMAL_CLOSURE
        assert isinstance(ours.exception(), ConnectionResetError)


async def test_close_timeout_when_peer_never_replies() -> None:
    server, accepted = await start_server(lambda: Endpoint(timeout=0.05))
    async with server:
        peer = await RawPeer.connect(_port(server))
        ours = await asyncio.wait_for(accepted.get(), T)
        assert await asyncio.wait_for(ours.close(code=1001), T) is True
        assert await peer.read_frame() == (OP_CLOSE, b"\x03\xe9")
        assert ours.close_code == WSCloseCode.ABNORMAL_CLOSURE
        assert isinstance(ours.exception(), asyncio.TimeoutError)
        assert await asyncio.wait_for(peer.reader.read(), T) == b""


async def test_heartbeat_pings_and_gives_up_without_pong() -> None:
    server, accepted = await start_server(lambda: Endpoint(heartbeat=0.05))
    async with server:
        peer = await RawPeer.connect(_port(server))
        ours = await asyncio.wait_for(accepted.get(), T)
        receiving = asyncio.ensure_future(ours.receive())
        # Answer two pings, then go quiet.
        for _ in range(2):
            assert await peer.read_frame() == (OP_PING, b"")
            peer.writer.write(build_frame(OP_PONG, b"", mask=MASK))
        assert await peer.read_frame() == (OP_PING, b"")
        msg = await asyncio.wait_for(receiving, T)
        assert msg.type is WSMsgType.ERROR
        assert isinstance(msg.data, asyncio.TimeoutError)
        assert ours.close_code == WSCloseCode.ABNORMAL_CLOSURE
        assert ours.closed
        assert await asyncio.wait_for(peer.reader.read(), T) == b""


async def test_calls_before_attach_raise() -> None:
    ours = Endpoint()
    for call in (ours.send_str("x"), ours.receive(), ours.close(), ours.ping()):
        with pytest.raises(RuntimeError, match=r"Call \.prepare\(\) first"):
            await call


async def test_autoclose_off_returns_close_then_closing(ws_port: int) -> None:
    ours = await open_client(ws_port, Endpoint(autoclose=False))
    await ours.send_str("close-me")
    msg = await asyncio.wait_for(ours.receive(), T)
    assert msg.type is WSMsgType.CLOSE
    assert not ours.closed
    assert (await ours.receive()).type is WSMsgType.CLOSING
    assert await asyncio.wait_for(ours.close(), T) is True
    assert ours.close_code == 4001


# -- the queue alone -------------------------------------------------------------------


class _FlowProtocol(BaseProtocol):
    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__(loop)
        self.calls: list[str] = []

    def pause_reading(self) -> None:
        self.calls.append("pause")

    def resume_reading(self) -> None:
        self.calls.append("resume")


async def test_queue_flow_control_and_end() -> None:
    loop = asyncio.get_running_loop()
    proto = _FlowProtocol(loop)
    queue = WebSocketDataQueue(proto, 10, loop=loop)
    queue.feed_data(WSMessage(WSMsgType.BINARY, b"x" * 8, None), 8)
    assert proto.calls == []
    queue.feed_data(WSMessage(WSMsgType.BINARY, b"y" * 8, None), 8)
    queue.feed_data(WSMessage(WSMsgType.BINARY, b"z", None), 1)
    assert proto.calls == ["pause"]
    assert (await queue.read()).data == b"x" * 8
    assert proto.calls == ["pause", "resume"]
    queue.set_exception(WebSocketError(1002, "bad"))
    assert not queue.is_eof()
    assert (await queue.read()).data == b"y" * 8
    assert (await queue.read()).data == b"z"
    # Only what the queue paused is resumed, once.
    assert proto.calls == ["pause", "resume"]
    assert queue.is_eof()
    with pytest.raises(WebSocketError):
        await queue.read()


async def test_queue_eof_and_timeout() -> None:
    loop = asyncio.get_running_loop()
    queue = WebSocketDataQueue(_FlowProtocol(loop), 10, loop=loop)
    with pytest.raises(asyncio.TimeoutError):
        await queue.read(0.01)
    reading = asyncio.ensure_future(queue.read())
    await asyncio.sleep(0)
    queue.feed_eof()
    with pytest.raises(EofStream):
        await asyncio.wait_for(reading, T)


def test_json_roundtrip_helper() -> None:
    assert WSMessage(WSMsgType.TEXT, json.dumps([1]), None).json() == [1]


async def test_close_during_receive_still_waits_for_the_reply() -> None:
    server, accepted = await _echo_server()
    async with server:
        peer = await RawPeer.connect(_port(server))
        ours = await asyncio.wait_for(accepted.get(), T)
        receiving = asyncio.ensure_future(ours.receive())
        await asyncio.sleep(0)  # let it start waiting
        closing = asyncio.ensure_future(ours.close(code=4003))
        assert (await asyncio.wait_for(receiving, T)).type is WSMsgType.CLOSING
        assert await peer.read_frame() == (OP_CLOSE, b"\x0f\xa3")
        assert not closing.done()
        peer.writer.write(build_frame(OP_CLOSE, b"\x03\xe9", mask=MASK))
        assert await asyncio.wait_for(closing, T) is True
        assert ours.close_code == 1001
        assert await asyncio.wait_for(peer.reader.read(), T) == b""
