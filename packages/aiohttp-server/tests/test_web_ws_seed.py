"""The documented aiohttp WebSocket handler, written as users write it, runs unchanged.

The handler is the usual shape: ``prepare()``, ``async for msg in ws`` and a
branch on ``WSMsgType``, using only names the ``aiohttp.web`` namespace
offers (here through ``aiohttp_server.web``, which the meta-package
re-exports as ``aiohttp.web``). The peer is the `websockets` package.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosedOK

from aiohttp_server import web

T = 5  # seconds: guard on every network wait

ERRORS: web.AppKey[list[BaseException | None]] = web.AppKey("errors")
CLOSED: web.AppKey[asyncio.Future[int | None]] = web.AppKey("closed")


async def websocket_handler(request: web.Request) -> web.WebSocketResponse:
    ws = web.WebSocketResponse()
    await ws.prepare(request)

    async for msg in ws:
        if msg.type == web.WSMsgType.TEXT:
            if msg.data == "close":
                await ws.close()
            else:
                await ws.send_str(msg.data + "/answer")
        elif msg.type == web.WSMsgType.BINARY:
            await ws.send_bytes(msg.data[::-1])
        elif msg.type == web.WSMsgType.ERROR:
            request.app[ERRORS].append(ws.exception())

    request.app[CLOSED].set_result(ws.close_code)
    return ws


@pytest.fixture
async def port() -> AsyncIterator[tuple[int, web.Application]]:
    app = web.Application()
    app[ERRORS] = []
    app[CLOSED] = asyncio.get_running_loop().create_future()
    app.add_routes([web.get("/ws", websocket_handler)])
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield runner.addresses[0][1], app
    await runner.cleanup()


async def test_seed_handler_echoes_and_closes_on_request(
    port: tuple[int, web.Application],
) -> None:
    number, app = port

    async def talk() -> None:
        async with connect(f"ws://127.0.0.1:{number}/ws", proxy=None) as client:
            await client.send("hello")
            assert await client.recv() == "hello/answer"
            await client.send(b"\x01\x02\x03")
            assert await client.recv() == b"\x03\x02\x01"
            await client.send("close")
            with pytest.raises(ConnectionClosedOK):
                await client.recv()
            assert client.close_code == 1000

    await asyncio.wait_for(talk(), T)
    assert await asyncio.wait_for(app[CLOSED], T) == 1000
    assert app[ERRORS] == []


async def test_seed_handler_ends_when_the_client_closes(
    port: tuple[int, web.Application],
) -> None:
    number, app = port

    async def talk() -> None:
        async with connect(f"ws://127.0.0.1:{number}/ws", proxy=None) as client:
            await client.send("x")
            assert await client.recv() == "x/answer"
            await client.close(code=4002, reason="bye")

    await asyncio.wait_for(talk(), T)
    # The loop ended on the client's close frame; the handler returned.
    assert await asyncio.wait_for(app[CLOSED], T) == 4002
    assert app[ERRORS] == []
