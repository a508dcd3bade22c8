"""discord.py: its ClientWebSocketResponse subclass over ws_connect, and its HTTP client."""

from __future__ import annotations

import asyncio
import json

from discord.gateway import DiscordClientWebSocketResponse
from discord.http import HTTPClient, Route

import aiohttp
from aiohttp import web


async def gateway(request: web.Request) -> web.WebSocketResponse:
    ws = web.WebSocketResponse()
    await ws.prepare(request)
    async for msg in ws:
        if msg.type == aiohttp.WSMsgType.TEXT:
            await ws.send_str("echo:" + msg.data)
    return ws


async def users_me(request: web.Request) -> web.Response:
    assert request.headers["Authorization"] == "Bot token", request.headers
    user = {"id": "1", "username": "probe", "discriminator": "0", "avatar": None}
    return web.Response(body=json.dumps(user).encode(), content_type="application/json")


async def main() -> None:
    app = web.Application()
    app.router.add_get("/gateway", gateway)
    app.router.add_get("/api/v10/users/@me", users_me)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    base = f"http://127.0.0.1:{runner.addresses[0][1]}"
    async with aiohttp.ClientSession(ws_response_class=DiscordClientWebSocketResponse) as session:
        # discord.py's own arguments: a float timeout, max_msg_size=0, autoclose=False.
        ws = await session.ws_connect(
            f"{base}/gateway", max_msg_size=0, timeout=30.0, autoclose=False, compress=0
        )
        assert isinstance(ws, DiscordClientWebSocketResponse)
        await ws.send_str("hello")
        msg = await ws.receive()
        assert (msg.type, msg.data) == (aiohttp.WSMsgType.TEXT, "echo:hello"), msg
        await ws.close(code=4000)
        assert ws.closed
    Route.BASE = f"{base}/api/v10"
    http = HTTPClient(asyncio.get_running_loop())
    me = await http.static_login("token")
    assert me["username"] == "probe", me
    await http.close()
    await runner.cleanup()
    print("discord ok")


asyncio.run(main())
