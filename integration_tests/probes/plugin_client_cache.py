"""aiohttp-client-cache as its README shows: CachedSession over our client and server."""

from __future__ import annotations

import asyncio

from aiohttp_client_cache import CacheBackend, CachedSession

from aiohttp import web

hits = {"n": 0}


async def counted(request: web.Request) -> web.Response:
    hits["n"] += 1
    return web.json_response(
        {"hits": hits["n"], "q": request.query.get("q")},
        headers={"Content-Disposition": 'attachment; filename="data.json"'},
    )


async def main() -> None:
    app = web.Application()
    app.router.add_get("/data", counted)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    base = f"http://127.0.0.1:{runner.addresses[0][1]}"
    try:
        async with CachedSession(cache=CacheBackend(expire_after=600)) as session:
            async with session.get(f"{base}/data", params={"q": "a"}) as resp:
                assert resp.status == 200
                assert await resp.json() == {"hits": 1, "q": "a"}
                assert not resp.from_cache
            async with session.get(f"{base}/data", params={"q": "a"}) as resp:
                assert resp.from_cache
                assert await resp.json() == {"hits": 1, "q": "a"}
                assert resp.content_type == "application/json"
                assert resp.charset == "utf-8"
                disposition = resp.content_disposition
                assert disposition is not None and disposition.filename == "data.json"
            async with session.get(f"{base}/data", params={"q": "b"}) as resp:
                assert not resp.from_cache
                assert await resp.json() == {"hits": 2, "q": "b"}
            async with session.disabled():
                async with session.get(f"{base}/data", params={"q": "a"}) as resp:
                    assert await resp.json() == {"hits": 3, "q": "a"}
            assert hits["n"] == 3
    finally:
        await runner.cleanup()
    print("client cache ok")


asyncio.run(main())
