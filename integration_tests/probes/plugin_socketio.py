"""python-socketio: its aiohttp server mode and its AsyncClient (aiohttp underneath), both ways."""

from __future__ import annotations

import asyncio
from typing import Any

import socketio

from aiohttp import web


async def main() -> None:
    sio = socketio.AsyncServer(async_mode="aiohttp")
    app = web.Application()
    sio.attach(app)
    connected: list[Any] = []

    @sio.event
    async def connect(sid: str, environ: dict[str, Any], auth: Any) -> None:
        connected.append(auth)

    @sio.on("echo")
    async def echo(sid: str, data: str) -> str:
        await sio.emit("reply", {"back": data}, to=sid)
        return f"ack:{data}"

    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    for transports in (["websocket"], ["polling"], ["polling", "websocket"]):
        client = socketio.AsyncClient()
        replies: asyncio.Queue[Any] = asyncio.Queue()

        @client.on("reply")
        async def on_reply(data: Any, replies: asyncio.Queue[Any] = replies) -> None:
            await replies.put(data)

        await client.connect(url, transports=transports, auth={"token": "t"})
        assert await client.call("echo", "hi", timeout=10) == "ack:hi", transports
        assert await asyncio.wait_for(replies.get(), 10) == {"back": "hi"}, transports
        await client.disconnect()
    assert connected == [{"token": "t"}] * 3, connected
    await runner.cleanup()
    print("socketio ok")


asyncio.run(main())
