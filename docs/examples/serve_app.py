"""The example application of ``nox -s serve``: a health check and a WebSocket echo."""

from __future__ import annotations

import asyncio
import sys

from aiohttp import WSMsgType, web
from aiohttp.test_utils import TestClient, TestServer


async def health(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def echo(request: web.Request) -> web.WebSocketResponse:
    ws = web.WebSocketResponse()
    await ws.prepare(request)
    async for msg in ws:
        if msg.type == WSMsgType.TEXT:
            await ws.send_str(msg.data)
        elif msg.type == WSMsgType.BINARY:
            await ws.send_bytes(msg.data)
    return ws


def create_app() -> web.Application:
    app = web.Application()
    app.add_routes([web.get("/health", health), web.get("/ws", echo)])
    return app


async def main() -> str:
    """Check both routes on a free loopback port."""
    async with TestClient(TestServer(create_app())) as client:
        resp = await client.get("/health")
        assert await resp.json() == {"status": "ok"}
        async with client.ws_connect("/ws") as ws:
            await ws.send_str("ping")
            return await ws.receive_str()


if __name__ == "__main__":
    if sys.argv[1:] == ["--check"]:
        print(asyncio.run(main()))
    else:
        port = int(sys.argv[1]) if len(sys.argv) > 1 else 8080
        web.run_app(create_app(), host="127.0.0.1", port=port)
