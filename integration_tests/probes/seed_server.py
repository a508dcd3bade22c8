"""A seed-style aiohttp server program, unchanged but for the port it is given."""

from __future__ import annotations

import sys

from aiohttp import WSMsgType, web


async def health(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def echo_json(request: web.Request) -> web.Response:
    return web.json_response(await request.json())


async def form(request: web.Request) -> web.Response:
    data = await request.post()
    return web.Response(text=f"hello {data['name']}")


async def item(request: web.Request) -> web.Response:
    return web.json_response({"id": int(request.match_info["id"])})


async def websocket(request: web.Request) -> web.WebSocketResponse:
    ws = web.WebSocketResponse()
    await ws.prepare(request)
    async for msg in ws:
        if msg.type == WSMsgType.TEXT:
            if msg.data == "close":
                await ws.close()
            else:
                await ws.send_str(msg.data + "/answer")
        elif msg.type == WSMsgType.BINARY:
            await ws.send_bytes(msg.data)
        elif msg.type == WSMsgType.ERROR:
            print(f"ws connection closed with exception {ws.exception()}")
    return ws


def create_app() -> web.Application:
    app = web.Application()
    app.router.add_get("/health", health)
    app.router.add_post("/echo", echo_json)
    app.router.add_post("/form", form)
    app.router.add_get(r"/items/{id:\d+}", item)
    app.router.add_get("/ws", websocket)
    return app


if __name__ == "__main__":
    web.run_app(create_app(), host="127.0.0.1", port=int(sys.argv[1]))
