"""Run inside the full profile: our client talks HTTP and WebSocket to our server."""

from __future__ import annotations

import asyncio

import aiohttp
from aiohttp import web


async def health(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok", "query": request.query.get("q")})


async def echo(request: web.Request) -> web.WebSocketResponse:
    ws = web.WebSocketResponse()
    await ws.prepare(request)
    async for msg in ws:
        if msg.type == aiohttp.WSMsgType.TEXT:
            await ws.send_str(msg.data)
    return ws


async def main() -> None:
    app = web.Application()
    app.add_routes([web.get("/health", health), web.get("/ws", echo)])
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        async with aiohttp.ClientSession() as session:
            url = f"http://127.0.0.1:{port}"
            async with session.get(f"{url}/health", params={"q": "x"}) as resp:
                resp.raise_for_status()
                assert await resp.json() == {"status": "ok", "query": "x"}
            async with session.ws_connect(f"{url}/ws") as ws:
                await ws.send_str("ping")
                assert await ws.receive_str() == "ping"
    finally:
        await runner.cleanup()
    print("roundtrip ok")


asyncio.run(main())
