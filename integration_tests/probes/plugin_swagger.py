"""aiohttp-swagger as its README shows: docstring specs served as swagger.json plus the UI."""

from __future__ import annotations

import asyncio
import warnings

from aiohttp_swagger import setup_swagger

import aiohttp
from aiohttp import web


async def ping(request: web.Request) -> web.Response:
    """
    ---
    description: Checks that the service is up.
    tags:
    - Health check
    produces:
    - text/plain
    responses:
        "200":
            description: successful operation, returns "pong"
    """
    return web.Response(text="pong")


async def main() -> None:
    app = web.Application()
    app.router.add_route("GET", "/ping", ping)
    with warnings.catch_warnings():
        # The plugin stores its settings under string keys, which aiohttp warns about.
        warnings.simplefilter("ignore", web.NotAppKeyWarning)
        setup_swagger(app, swagger_url="/api/doc", ui_version=3, title="Probe API")
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    base = f"http://127.0.0.1:{runner.addresses[0][1]}"
    try:
        async with aiohttp.ClientSession() as session:
            async with session.get(f"{base}/api/doc/swagger.json") as resp:
                assert resp.status == 200
                spec = await resp.json()
            assert spec["info"]["title"] == "Probe API", spec["info"]
            operation = spec["paths"]["/ping"]["get"]
            assert operation["tags"] == ["Health check"]
            assert operation["responses"]["200"]["description"].startswith("successful")
            async with session.get(f"{base}/api/doc/") as resp:
                assert resp.status == 200
                assert "swagger" in (await resp.text()).lower()
            async with session.get(f"{base}/ping") as resp:
                assert await resp.text() == "pong"
    finally:
        await runner.cleanup()
    print("swagger ok")


asyncio.run(main())
