"""``WebSocketResponse`` over a real server, against clients we did not write.

Peers: the `websockets` package, httpx for refused handshakes, and raw
sockets for byte-exact cases.
"""

from __future__ import annotations

import asyncio
import base64
import os
import struct
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest
import websockets
from websockets.asyncio.client import connect
from websockets.extensions.permessage_deflate import ClientPerMessageDeflateFactory

from aiohttp_server import web
from aiohttp_server.web_ws import WebSocketReady, WebSocketResponse
from aiohttp_websocket.models import (
    ClientConnectionResetError,
    WebSocketError,
    WSMessageTypeError,
    WSMsgType,
)

T = 5  # seconds: guard on every network wait

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@pytest.fixture
async def serve() -> AsyncIterator[Callable[[Handler], Awaitable[int]]]:
    runners: list[web.AppRunner] = []

    async def start(handler: Handler) -> int:
        app = web.Application()
        app.router.add_route("*", "/ws", handler)
        runner = web.AppRunner(app)
        await runner.setup()
        runners.append(runner)
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port: int = runner.addresses[0][1]
        return port

    yield start
    for runner in runners:
        await runner.cleanup()


def _connect(port: int, **kwargs: Any) -> Any:
    kwargs.setdefault("ping_interval", None)
    return connect(f"ws://127.0.0.1:{port}/ws", proxy=None, **kwargs)


async def _echo(request: web.Request, **kwargs: Any) -> WebSocketResponse:
    ws = WebSocketResponse(**kwargs)
    await ws.prepare(request)
    while True:
        msg = await ws.receive()
        if msg.type is WSMsgType.TEXT:
            if msg.data == "close-me":
                await ws.close(code=4002, message=b"server says bye")
            else:
                await ws.send_str(msg.data)
        elif msg.type is WSMsgType.BINARY:
            await ws.send_bytes(msg.data)
        elif msg.type in (WSMsgType.CLOSE, WSMsgType.CLOSED, WSMsgType.ERROR):
            break
    return ws


@pytest.mark.parametrize(("server_compress", "client_compression"), [
    (True, "deflate"), (True, None), (False, "deflate"),
])  # fmt: skip
async def test_websockets_client_round_trips(
    serve: Callable[[Handler], Awaitable[int]],
    server_compress: bool,
    client_compression: str | None,
) -> None:
    holder: list[WebSocketResponse] = []

    async def handler(request: web.Request) -> WebSocketResponse:
        ws = WebSocketResponse(compress=server_compress)
        holder.append(ws)
        await ws.prepare(request)
        async for msg in ws:
            if msg.type is WSMsgType.TEXT:
                await ws.send_str(msg.data)
            else:
                await ws.send_bytes(msg.data)
        return ws

    port = await serve(handler)
    async with _connect(port, compression=client_compression) as client:
        big = os.urandom(100) * 1000
        await client.send("text ☃")
        assert await asyncio.wait_for(client.recv(), T) == "text ☃"
        await client.send(big)
        assert await asyncio.wait_for(client.recv(), T) == big
        await client.send(["frag", "mented"])
        assert await asyncio.wait_for(client.recv(), T) == "fragmented"
        await client.send([b"\x00", b"\x01"])
        assert await asyncio.wait_for(client.recv(), T) == b"\x00\x01"
        await asyncio.wait_for(await client.ping(b"hello?"), T)
        extensions = client.response.headers.get("Sec-WebSocket-Extensions")
        await client.close(4000, "client done")
    ws = holder[0]
    negotiated = server_compress and client_compression is not None
    assert (extensions is not None) is negotiated
    assert bool(ws.compress) is negotiated
    assert ws.closed
    assert ws.close_code == 4000


async def test_server_close_code_reaches_client(serve: Callable[[Handler], Awaitable[int]]) -> None:
    port = await serve(_echo)
    async with _connect(port) as client:
        await client.send("close-me")
        with pytest.raises(websockets.ConnectionClosed):
            await asyncio.wait_for(client.recv(), T)
    assert client.close_code == 4002
    assert client.close_reason == "server says bye"


async def test_handler_returning_open_socket_closes_it(
    serve: Callable[[Handler], Awaitable[int]],
) -> None:
    async def handler(request: web.Request) -> WebSocketResponse:
        ws = WebSocketResponse()
        await ws.prepare(request)
        await ws.send_str("only this")
        return ws

    port = await serve(handler)
    async with _connect(port) as client:
        assert await asyncio.wait_for(client.recv(), T) == "only this"
        with pytest.raises(websockets.ConnectionClosedOK):
            await asyncio.wait_for(client.recv(), T)
    assert client.close_code == 1000


async def test_subprotocol_negotiation(serve: Callable[[Handler], Awaitable[int]]) -> None:
    seen: list[Any] = []

    async def handler(request: web.Request) -> WebSocketResponse:
        ws = WebSocketResponse(protocols=("chat", "superchat"))
        seen.append(ws.can_prepare(request))
        await ws.prepare(request)
        seen.append(ws.ws_protocol)
        await ws.close()
        return ws

    port = await serve(handler)
    async with _connect(port, subprotocols=["superchat", "chat"]) as client:
        assert client.subprotocol == "superchat"
    assert seen == [WebSocketReady(True, "superchat"), "superchat"]


async def test_no_common_subprotocol(serve: Callable[[Handler], Awaitable[int]]) -> None:
    async def handler(request: web.Request) -> WebSocketResponse:
        ws = WebSocketResponse(protocols=("chat",))
        await ws.prepare(request)
        await ws.close()
        return ws

    port = await serve(handler)
    async with _connect(port, subprotocols=["other"]) as client:
        assert client.subprotocol is None
        assert "Sec-WebSocket-Protocol" not in client.response.headers


async def test_refused_handshakes(serve: Callable[[Handler], Awaitable[int]]) -> None:
    readiness: list[WebSocketReady] = []

    async def handler(request: web.Request) -> WebSocketResponse:
        ws = WebSocketResponse()
        readiness.append(ws.can_prepare(request))
        await ws.prepare(request)
        return ws

    port = await serve(handler)
    url = f"http://127.0.0.1:{port}/ws"
    good = {
        "Upgrade": "websocket",
        "Connection": "Upgrade",
        "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": base64.b64encode(os.urandom(16)).decode(),
    }
    async with httpx.AsyncClient(timeout=T, trust_env=False) as client:
        resp = await client.post(url, headers=good)
        assert resp.status_code == 405
        assert resp.headers["Allow"] == "GET"
        cases = [
            ({"Upgrade": "h2c"}, "No WebSocket UPGRADE hdr"),
            ({"Connection": "keep-alive"}, "No CONNECTION upgrade hdr"),
            ({"Sec-WebSocket-Version": "14"}, "Unsupported version: 14"),
            ({"Sec-WebSocket-Key": "c2hvcnQ="}, "Handshake error"),
        ]
        for override, text in cases:
            resp = await client.get(url, headers={**good, **override})
            assert resp.status_code == 400
            assert text in resp.text
    assert readiness == [WebSocketReady(False, None)] * 5
    assert not any(readiness)


async def test_frames_pipelined_behind_the_handshake(
    serve: Callable[[Handler], Awaitable[int]],
) -> None:
    port = await serve(_echo)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    mask = b"\x0a\x0b\x0c\x0d"
    payload = b"early bird"
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    writer.write(
        b"GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        b"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
        + bytes([0x81, 0x80 | len(payload)])
        + mask
        + masked
    )
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), T)
    assert head.startswith(b"HTTP/1.1 101 Switching Protocols\r\n")
    assert b"s3pPLMBiTxaQ9kYGzzhZRbK+xOo=" in head
    assert await asyncio.wait_for(reader.readexactly(2 + len(payload)), T) == (
        bytes([0x81, len(payload)]) + payload
    )
    writer.close()


async def test_message_too_big_closes_1009(serve: Callable[[Handler], Awaitable[int]]) -> None:
    errors: list[Any] = []

    async def handler(request: web.Request) -> WebSocketResponse:
        ws = WebSocketResponse(max_msg_size=1000)
        await ws.prepare(request)
        msg = await ws.receive()
        errors.extend((msg, ws.close_code, ws.exception()))
        return ws

    port = await serve(handler)
    async with _connect(port) as client:
        await client.send(b"x" * 1001)
        with pytest.raises(websockets.ConnectionClosedError):
            await asyncio.wait_for(client.recv(), T)
    assert client.close_code == 1009
    assert errors[0].type is WSMsgType.ERROR
    assert isinstance(errors[0].data, WebSocketError)
    assert errors[0].data.code == 1009
    # As aiohttp's server: the connection failed, so its close code is abnormal.
    assert errors[1] == 1006
    assert errors[2] is errors[0].data


async def test_heartbeat_without_pong(serve: Callable[[Handler], Awaitable[int]]) -> None:
    results: list[Any] = []

    async def handler(request: web.Request) -> WebSocketResponse:
        ws = WebSocketResponse(heartbeat=0.05)
        await ws.prepare(request)
        results.append(await ws.receive())
        results.append(ws.close_code)
        return ws

    port = await serve(handler)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        b"GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        b"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
    )
    await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), T)
    # The server pings, we never answer, it gives up and drops the connection.
    assert await asyncio.wait_for(reader.readexactly(2), T) == b"\x89\x00"
    assert await asyncio.wait_for(reader.read(), T) == b""
    writer.close()
    msg, code = results
    assert msg.type is WSMsgType.ERROR
    assert isinstance(msg.data, asyncio.TimeoutError)
    assert code == 1006


async def test_misuse_raises(serve: Callable[[Handler], Awaitable[int]]) -> None:
    ws = WebSocketResponse()
    for call in (ws.send_str("x"), ws.receive(), ws.close(), ws.ping()):
        with pytest.raises(RuntimeError, match=r"Call \.prepare\(\) first"):
            await call
    outcomes: list[Any] = []

    async def handler(request: web.Request) -> WebSocketResponse:
        ws = WebSocketResponse()
        await ws.prepare(request)
        with pytest.raises(RuntimeError, match=r"Cannot call \.write"):
            await ws.write(b"x")
        with pytest.raises(RuntimeError, match="Already started"):
            ws.can_prepare(request)
        try:
            await ws.receive_str()
        except WSMessageTypeError as exc:
            outcomes.append(exc)
        outcomes.append(ws.get_extra_info("peername"))
        await ws.close()
        try:
            await ws.send_str("too late")
        except ConnectionResetError as exc:
            outcomes.append(exc)
        return ws

    port = await serve(handler)
    async with _connect(port) as client:
        await client.send(b"binary")
        with pytest.raises(websockets.ConnectionClosedOK):
            await asyncio.wait_for(client.recv(), T)
    assert isinstance(outcomes[0], TypeError)
    assert outcomes[1][0] == "127.0.0.1"
    # aiohttp raises its ClientConnectionResetError on the server too.
    assert type(outcomes[2]) is ClientConnectionResetError
    assert str(outcomes[2]) == "Cannot write to closing transport"


async def test_close_frame_and_code_from_raw_client(
    serve: Callable[[Handler], Awaitable[int]],
) -> None:
    done: asyncio.Future[Any] = asyncio.get_running_loop().create_future()

    async def handler(request: web.Request) -> WebSocketResponse:
        ws = WebSocketResponse()
        await ws.prepare(request)
        msg = await ws.receive()
        done.set_result((msg.type, msg.data, msg.extra, ws.close_code, ws.closed))
        return ws

    port = await serve(handler)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        b"GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        b"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
    )
    await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), T)
    payload = struct.pack("!H", 1001) + b"away"
    writer.write(bytes([0x88, 0x80 | len(payload)]) + b"\x00" * 4 + payload)
    assert await asyncio.wait_for(done, T) == (WSMsgType.CLOSE, 1001, "away", 1001, True)
    # autoclose answered with a normal close frame, then the server hung up.
    assert await asyncio.wait_for(reader.read(), T) == b"\x88\x02\x03\xe8"
    writer.close()


async def test_deflate_parameters_negotiated_with_websockets(
    serve: Callable[[Handler], Awaitable[int]],
) -> None:
    negotiated: list[Any] = []

    async def handler(request: web.Request) -> WebSocketResponse:
        ws = WebSocketResponse()
        await ws.prepare(request)
        negotiated.append(ws.compress)
        async for msg in ws:
            await ws.send_str(msg.data)
        return ws

    port = await serve(handler)
    offer = ClientPerMessageDeflateFactory(
        server_no_context_takeover=True,
        client_no_context_takeover=True,
        server_max_window_bits=10,
        client_max_window_bits=10,
    )
    async with _connect(port, extensions=[offer], compression=None) as client:
        answer = client.response.headers["Sec-WebSocket-Extensions"]
        for _ in range(3):
            await client.send("abc" * 1000)
            assert await asyncio.wait_for(client.recv(), T) == "abc" * 1000
    assert answer == "permessage-deflate; server_max_window_bits=10; server_no_context_takeover"
    assert negotiated == [10]
