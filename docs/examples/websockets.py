"""WebSockets on both sides: messages, JSON, compression, heartbeat and close codes."""

from __future__ import annotations

import asyncio

import aiohttp
from aiohttp import WSCloseCode, WSMsgType, web
from aiohttp.test_utils import TestServer


async def chat(request: web.Request) -> web.WebSocketResponse:
    # heartbeat: ping every 10 s and drop a peer that does not answer;
    # compress: accept permessage-deflate when the client offers it.
    ws = web.WebSocketResponse(heartbeat=10.0, compress=True, protocols=("chat.v1",))
    await ws.prepare(request)
    async for msg in ws:
        if msg.type == WSMsgType.TEXT:
            if msg.data == "bye":
                # Close with an application code (4000-4999 are free to use).
                await ws.close(code=4001, message=b"goodbye")
                break
            await ws.send_str(msg.data.upper())
        elif msg.type == WSMsgType.BINARY:
            await ws.send_json({"received": len(msg.data)})
    return ws


async def main() -> list[object]:
    app = web.Application()
    app.router.add_get("/chat", chat)
    async with TestServer(app) as server:
        results: list[object] = []
        async with aiohttp.ClientSession() as session:
            async with session.ws_connect(
                server.make_url("/chat"), protocols=("chat.v1",), heartbeat=10.0, compress=15
            ) as ws:
                results.append((ws.protocol, ws.compress))
                await ws.send_str("hello")
                results.append(await ws.receive_str())
                await ws.send_bytes(b"\x00" * 10_000)
                results.append(await ws.receive_json())
                await ws.send_str("bye")
                msg = await ws.receive()  # the server's close frame: code and reason
                results.append((msg.type, msg.data, msg.extra, ws.close_code))

            # The client may close too; 1000 (normal) is the default code.
            async with session.ws_connect(server.make_url("/chat")) as ws:
                await ws.close()
                results.append((ws.closed, ws.close_code == WSCloseCode.OK))
    assert results == [
        ("chat.v1", 15),
        "HELLO",
        {"received": 10_000},
        (WSMsgType.CLOSE, 4001, "goodbye", 4001),
        (True, True),
    ]
    return results


if __name__ == "__main__":
    print(asyncio.run(main()))
