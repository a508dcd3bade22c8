"""aiohttp-fast-url-dispatcher as its README shows: a UrlDispatcher subclass swapped into an app.

It replaces ``app._router`` before routes are added and indexes resources by
their ``canonical`` path, so it leans on our router's subclassing seams.
"""

from __future__ import annotations

import asyncio

from aiohttp_fast_url_dispatcher import FastUrlDispatcher, attach_fast_url_dispatcher

import aiohttp
from aiohttp import web


async def show(request: web.Request) -> web.Response:
    resource = request.match_info.route.resource
    assert resource is not None
    return web.json_response({"canonical": resource.canonical, "match": dict(request.match_info)})


async def main() -> None:
    app = web.Application()
    dispatcher = FastUrlDispatcher()
    attach_fast_url_dispatcher(app, dispatcher)
    assert app.router is dispatcher
    app.router.add_get("/api/states", show)
    app.router.add_get("/api/states/{entity_id}", show)
    app.router.add_get("/api/{tail:.*}", show)
    sub = web.Application()
    sub.router.add_get("/x", show)
    app.add_subapp("/sub", sub)
    assert "/api/states" in dispatcher._resource_index
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    base = f"http://127.0.0.1:{runner.addresses[0][1]}"
    expected = {
        "/api/states": ("/api/states", {}),
        "/api/states/light.kitchen": ("/api/states/{entity_id}", {"entity_id": "light.kitchen"}),
        "/api/other/thing": ("/api/{tail}", {"tail": "other/thing"}),
        "/sub/x": ("/sub/x", {}),
    }
    try:
        async with aiohttp.ClientSession() as session:
            for path, (canonical, match) in expected.items():
                async with session.get(base + path) as resp:
                    assert resp.status == 200, (path, resp.status)
                    assert await resp.json() == {"canonical": canonical, "match": match}, path
            async with session.get(base + "/nope") as resp:
                assert resp.status == 404
            async with session.post(base + "/api/states") as resp:
                assert resp.status == 405
    finally:
        await runner.cleanup()
    print("fast url dispatcher ok")


asyncio.run(main())
