"""A heartbeat notices a peer that stopped answering, without any traffic from it."""

from __future__ import annotations

import asyncio

import aiohttp
from aiohttp import WSCloseCode, WSMsgType, web
from aiohttp.test_utils import TestServer


async def unresponsive(request: web.Request) -> web.WebSocketResponse:
    # autoping=False hands pings to the handler instead of answering them:
    # to the client this server looks hung.
    ws = web.WebSocketResponse(autoping=False)
    await ws.prepare(request)
    async for _msg in ws:
        pass
    return ws


async def main() -> tuple[object, ...]:
    app = web.Application()
    app.router.add_get("/ws", unresponsive)
    async with TestServer(app) as server:
        async with aiohttp.ClientSession() as session:
            # Ping every 0.2 s; no pong within half of that drops the connection.
            async with session.ws_connect(server.make_url("/ws"), heartbeat=0.2) as ws:
                msg = await asyncio.wait_for(ws.receive(), 10)
                result = (
                    msg.type,
                    isinstance(msg.data, aiohttp.ServerTimeoutError),
                    ws.close_code,
                )
    assert result == (WSMsgType.ERROR, True, WSCloseCode.ABNORMAL_CLOSURE)
    return result


if __name__ == "__main__":
    print(asyncio.run(main()))
