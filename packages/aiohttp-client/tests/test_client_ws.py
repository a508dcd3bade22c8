"""``ClientWebSocketResponse`` through ``ClientSession.ws_connect``.

Peers: the `websockets` package as the server (compression on and off) and
raw asyncio socket servers for refused handshakes and misbehaving servers.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import struct
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from websockets.asyncio.server import ServerConnection, serve
from websockets.extensions.permessage_deflate import ServerPerMessageDeflateFactory

from aiohttp_client.client import ClientSession
from aiohttp_client.client_exceptions import (
    ClientConnectionResetError,
    ServerTimeoutError,
    WSServerHandshakeError,
)
from aiohttp_client.client_ws import (
    DEFAULT_WS_CLIENT_TIMEOUT,
    ClientWebSocketResponse,
    ClientWSTimeout,
)
from aiohttp_websocket.models import WebSocketError, WSMessageTypeError, WSMsgType

T = 5  # seconds: guard on every network wait
GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


async def _ws_handler(conn: ServerConnection) -> None:
    async for message in conn:
        if message == "close-me":
            await conn.close(4001, "as requested")
            return
        if message == "ping-me":
            await conn.ping(b"from server")
            continue
        await conn.send(message)


@pytest.fixture(params=[None, "deflate"], ids=["plain", "deflate"])
async def ws_server(request: pytest.FixtureRequest) -> AsyncIterator[tuple[str, bool]]:
    """A `websockets` echo server: its URL and whether it offers compression."""
    async with serve(
        _ws_handler, "127.0.0.1", 0, compression=request.param, ping_interval=None
    ) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        yield f"ws://127.0.0.1:{port}/", request.param is not None


@pytest.fixture
def ws_url(ws_server: tuple[str, bool]) -> str:
    return ws_server[0]


@pytest.fixture
async def session() -> AsyncIterator[ClientSession]:
    async with ClientSession() as session:
        yield session


def test_timeout_defaults() -> None:
    assert ClientWSTimeout(ws_receive=None, ws_close=10.0) == DEFAULT_WS_CLIENT_TIMEOUT
    assert ClientWSTimeout() == ClientWSTimeout(None, None)
    with pytest.raises(AttributeError):
        DEFAULT_WS_CLIENT_TIMEOUT.ws_close = 1  # type: ignore[misc]


@pytest.mark.parametrize("compress", [0, 15])
async def test_round_trips(
    session: ClientSession, ws_server: tuple[str, bool], compress: int
) -> None:
    ws_url, server_compresses = ws_server
    async with session.ws_connect(ws_url, compress=compress) as ws:
        assert isinstance(ws, ClientWebSocketResponse)
        await ws.send_str("héllo")
        assert await asyncio.wait_for(ws.receive_str(), T) == "héllo"
        data = bytes(range(256)) * 1000
        await ws.send_bytes(data)
        assert await asyncio.wait_for(ws.receive_bytes(), T) == data
        await ws.send_json({"k": [1, None]})
        assert await asyncio.wait_for(ws.receive_json(), T) == {"k": [1, None]}
        await ws.send_frame(b"frame", WSMsgType.BINARY)
        assert await asyncio.wait_for(ws.receive_bytes(), T) == b"frame"
        # autoping answers the server's PING; we only see the next message.
        await ws.send_str("ping-me")
        await ws.send_str("after ping")
        assert await asyncio.wait_for(ws.receive_str(), T) == "after ping"
        assert ws.get_extra_info("peername")[0] == "127.0.0.1"
        negotiated = ws.compress
    assert ws.closed
    assert ws.close_code == 1000
    assert bool(negotiated) is (compress != 0 and server_compresses)


async def test_subprotocol_and_pong_passthrough(session: ClientSession) -> None:
    async with serve(
        _ws_handler, "127.0.0.1", 0, ping_interval=None, subprotocols=["v2", "v1"]
    ) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        ws = await session.ws_connect(
            f"ws://127.0.0.1:{port}/", protocols=("v1", "v3"), autoping=False
        )
        await _pong_passthrough(ws)


async def _pong_passthrough(ws: ClientWebSocketResponse) -> None:
    assert ws.protocol == "v1"
    await ws.ping(b"mine")
    msg = await asyncio.wait_for(ws.receive(), T)
    assert (msg.type, msg.data) == (WSMsgType.PONG, b"mine")
    await ws.send_str("ping-me")
    msg = await asyncio.wait_for(ws.receive(), T)
    assert (msg.type, msg.data) == (WSMsgType.PING, b"from server")
    await ws.pong(b"from server")
    assert await ws.close() is True
    assert await ws.close() is False


async def test_server_initiated_close(session: ClientSession, ws_url: str) -> None:
    ws = await session.ws_connect(ws_url)
    await ws.send_str("close-me")
    msg = await asyncio.wait_for(ws.receive(), T)
    assert (msg.type, msg.data, msg.extra) == (WSMsgType.CLOSE, 4001, "as requested")
    assert ws.closed
    assert ws.close_code == 4001
    assert (await ws.receive()).type is WSMsgType.CLOSED
    with pytest.raises(ClientConnectionResetError):
        await ws.send_str("too late")


async def test_async_iteration(session: ClientSession, ws_url: str) -> None:
    async with session.ws_connect(ws_url) as ws:
        for text in ("one", "two", "close-me"):
            await ws.send_str(text)
        assert [msg.data async for msg in ws] == ["one", "two"]
    assert ws.close_code == 4001


async def test_receive_timeouts_and_types(session: ClientSession, ws_url: str) -> None:
    ws = await session.ws_connect(ws_url, timeout=ClientWSTimeout(ws_receive=0.01, ws_close=T))
    with pytest.raises(asyncio.TimeoutError):
        await ws.receive()
    ws2 = await session.ws_connect(ws_url, receive_timeout=0.01)
    with pytest.raises(asyncio.TimeoutError):
        await ws2.receive()
    await ws.send_bytes(b"bin")
    with pytest.raises(WSMessageTypeError):
        await asyncio.wait_for(ws.receive_str(timeout=T), T)
    with pytest.raises(TypeError):
        await ws.send_str(b"not str")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        await session.ws_connect(ws_url, timeout="1.0")
    await ws.close()
    await ws2.close()


# -- raw servers -----------------------------------------------------------------------

RawHandler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


@pytest.fixture
async def raw_server() -> AsyncIterator[Callable[[RawHandler], Awaitable[str]]]:
    servers: list[asyncio.Server] = []

    async def start(handler: RawHandler) -> str:
        server = await asyncio.start_server(handler, "127.0.0.1", 0)
        servers.append(server)
        port = server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}/"

    yield start
    for server in servers:
        server.close()
        await server.wait_closed()


async def _read_head(reader: asyncio.StreamReader) -> dict[str, str]:
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), T)
    lines = head.decode("latin-1").split("\r\n")[1:]
    return {
        name.strip().lower(): value.strip()
        for name, _, value in (line.partition(":") for line in lines if line)
    }


def _accept(key: str) -> str:
    return base64.b64encode(hashlib.sha1(key.encode() + GUID).digest()).decode()


def _switch(headers: dict[str, str], extra: str = "", accept: str | None = None) -> bytes:
    accept = _accept(headers["sec-websocket-key"]) if accept is None else accept
    return (
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Accept: {accept}\r\n{extra}\r\n"
    ).encode()


async def _read_client_frame(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    first, second = await asyncio.wait_for(reader.readexactly(2), T)
    assert second & 0x80, "client frames are masked"
    size = second & 0x7F
    if size == 126:
        size = struct.unpack("!H", await reader.readexactly(2))[0]
    elif size == 127:
        size = struct.unpack("!Q", await reader.readexactly(8))[0]
    mask = await reader.readexactly(4)
    data = await reader.readexactly(size)
    return first & 0x0F, bytes(b ^ mask[i % 4] for i, b in enumerate(data))


@pytest.mark.parametrize(
    ("response", "message"),
    [
        (lambda h: b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", "Invalid response status"),
        (
            lambda h: _switch(h).replace(b"Upgrade: websocket", b"Upgrade: h2c"),
            "Invalid upgrade header",
        ),
        (
            lambda h: _switch(h).replace(b"Connection: Upgrade", b"Connection: close"),
            "Invalid connection header",
        ),
        (lambda h: _switch(h, accept="bm9wZQ=="), "Invalid challenge response"),
        (
            lambda h: _switch(h, "Sec-WebSocket-Extensions: x-custom\r\n"),
            "Extension for deflate not supported",
        ),
        (
            lambda h: _switch(
                h, "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=8\r\n"
            ),
            "Invalid window size",
        ),
    ],
)
async def test_refused_handshakes(
    session: ClientSession,
    raw_server: Callable[[RawHandler], Awaitable[str]],
    response: Callable[[dict[str, str]], bytes],
    message: str,
) -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        headers = await _read_head(reader)
        writer.write(response(headers))
        await writer.drain()
        await reader.read()
        writer.close()

    url = await raw_server(handler)
    with pytest.raises(WSServerHandshakeError, match=message):
        await asyncio.wait_for(session.ws_connect(url, compress=15), T)


async def test_request_headers_and_pipelined_frame(
    session: ClientSession, raw_server: Callable[[RawHandler], Awaitable[str]]
) -> None:
    seen: dict[str, str] = {}

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        seen.update(await _read_head(reader))
        # The first frame travels in the same segment as the 101.
        writer.write(_switch(seen) + b"\x81\x05early")
        assert await _read_client_frame(reader) == (0x8, b"\x03\xe8")
        writer.write(b"\x88\x02\x03\xe8")
        await writer.drain()
        writer.close()

    url = await raw_server(handler)
    ws = await session.ws_connect(url, origin="http://example", protocols=("p",), compress=15)
    assert await asyncio.wait_for(ws.receive_str(), T) == "early"
    assert ws.compress == 0
    assert ws.protocol is None
    assert await asyncio.wait_for(ws.close(), T) is True
    assert ws.close_code == 1000
    assert seen["upgrade"] == "websocket"
    assert seen["sec-websocket-version"] == "13"
    assert len(base64.b64decode(seen["sec-websocket-key"])) == 16
    assert seen["sec-websocket-protocol"] == "p"
    assert seen["origin"] == "http://example"
    assert seen["sec-websocket-extensions"] == "permessage-deflate; client_max_window_bits"


async def _upgrade(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.write(_switch(await _read_head(reader)))
    await writer.drain()


async def test_masked_server_frame_is_a_protocol_error(
    session: ClientSession, raw_server: Callable[[RawHandler], Awaitable[str]]
) -> None:
    close_frame: asyncio.Future[tuple[int, bytes]] = asyncio.get_running_loop().create_future()

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _upgrade(reader, writer)
        writer.write(b"\x81\x81\x00\x00\x00\x00a")
        close_frame.set_result(await _read_client_frame(reader))
        await reader.read()
        writer.close()

    ws = await session.ws_connect(await raw_server(handler))
    msg = await asyncio.wait_for(ws.receive(), T)
    assert msg.type is WSMsgType.ERROR
    assert isinstance(msg.data, WebSocketError)
    assert msg.data.code == 1002
    assert ws.close_code == 1002
    assert await asyncio.wait_for(close_frame, T) == (0x8, b"\x03\xea")


async def test_heartbeat_timeout(
    session: ClientSession, raw_server: Callable[[RawHandler], Awaitable[str]]
) -> None:
    pings: list[tuple[int, bytes]] = []
    both_read = asyncio.get_running_loop().create_future()

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _upgrade(reader, writer)
        # Answer the first ping, then stay silent.
        pings.append(await _read_client_frame(reader))
        writer.write(b"\x8a\x00")
        pings.append(await _read_client_frame(reader))
        both_read.set_result(None)
        await reader.read()
        writer.close()

    ws = await session.ws_connect(await raw_server(handler), heartbeat=0.05)
    msg = await asyncio.wait_for(ws.receive(), T)
    assert msg.type is WSMsgType.ERROR
    assert isinstance(msg.data, ServerTimeoutError)
    assert ws.close_code == 1006
    assert isinstance(ws.exception(), ServerTimeoutError)
    await asyncio.wait_for(both_read, T)
    assert pings == [(0x9, b""), (0x9, b"")]


async def test_close_timeout(
    session: ClientSession, raw_server: Callable[[RawHandler], Awaitable[str]]
) -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _upgrade(reader, writer)
        await reader.read()
        writer.close()

    ws = await session.ws_connect(await raw_server(handler), timeout=ClientWSTimeout(ws_close=0.05))
    assert await asyncio.wait_for(ws.close(), T) is True
    assert ws.close_code == 1006
    assert isinstance(ws.exception(), asyncio.TimeoutError)


async def test_server_drops_connection(
    session: ClientSession, raw_server: Callable[[RawHandler], Awaitable[str]]
) -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _upgrade(reader, writer)
        writer.close()

    ws = await session.ws_connect(await raw_server(handler))
    msg = await asyncio.wait_for(ws.receive(), T)
    assert msg.type is WSMsgType.CLOSED
    assert ws.closed
    assert ws.close_code == 1006


async def test_message_too_big(
    session: ClientSession, raw_server: Callable[[RawHandler], Awaitable[str]]
) -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _upgrade(reader, writer)
        writer.write(b"\x82\x7e\x01\x00" + b"x" * 256)
        await reader.read()
        writer.close()

    ws = await session.ws_connect(await raw_server(handler), max_msg_size=255)
    msg = await asyncio.wait_for(ws.receive(), T)
    assert msg.type is WSMsgType.ERROR
    assert ws.close_code == 1009


async def test_deflate_parameters_from_websockets_server(session: ClientSession) -> None:
    answer = ServerPerMessageDeflateFactory(
        server_no_context_takeover=True,
        client_no_context_takeover=True,
        server_max_window_bits=11,
        client_max_window_bits=11,
        require_client_max_window_bits=True,
    )
    async with serve(
        _ws_handler, "127.0.0.1", 0, extensions=[answer], compression=None, ping_interval=None
    ) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        async with session.ws_connect(f"ws://127.0.0.1:{port}/", compress=15) as ws:
            assert ws.compress == 11
            assert ws.client_notakeover is True
            for _ in range(3):
                await ws.send_str("xyz" * 1000)
                assert await asyncio.wait_for(ws.receive_str(), T) == "xyz" * 1000


async def test_autoclose_off_then_receive_finishes_the_close(
    session: ClientSession, ws_url: str
) -> None:
    ws = await session.ws_connect(ws_url, autoclose=False)
    await ws.send_str("close-me")
    msg = await asyncio.wait_for(ws.receive(), T)
    assert (msg.type, msg.data) == (WSMsgType.CLOSE, 4001)
    assert not ws.closed
    # As aiohttp's client: the next receive() answers the close and reports CLOSED.
    assert (await asyncio.wait_for(ws.receive(), T)).type is WSMsgType.CLOSED
    assert ws.closed
    assert ws.close_code == 4001


async def test_receive_after_close_keeps_returning_closed(
    session: ClientSession, ws_url: str
) -> None:
    ws = await session.ws_connect(ws_url)
    assert await asyncio.wait_for(ws.close(), T) is True
    for _ in range(10):
        assert (await ws.receive()).type is WSMsgType.CLOSED
