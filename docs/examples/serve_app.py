"""The example application of ``nox -s serve``: a health check and a WebSocket echo."""

from __future__ import annotations

import sys

from aiohttp import WSMsgType, web


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


if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8080
    web.run_app(create_app(), host="127.0.0.1", port=port)
