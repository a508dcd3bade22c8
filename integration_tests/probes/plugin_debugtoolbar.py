"""aiohttp-debugtoolbar: the toolbar injected into HTML pages and the exception page."""

from __future__ import annotations

import asyncio

import aiohttp_debugtoolbar
import aiohttp_jinja2
import jinja2

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer


async def page(request: web.Request) -> web.Response:
    return web.Response(text="<html><body>hello</body></html>", content_type="text/html")


async def boom(request: web.Request) -> web.Response:
    raise RuntimeError("kaboom")


async def main() -> None:
    app = web.Application()
    aiohttp_jinja2.setup(app, loader=jinja2.DictLoader({}))
    aiohttp_debugtoolbar.setup(app, intercept_exc="debug", hosts=["127.0.0.1"])
    app.router.add_get("/", page)
    app.router.add_get("/boom", boom)
    async with TestClient(TestServer(app)) as client:
        resp = await client.get("/")
        text = await resp.text()
        assert resp.status == 200 and "hello" in text and "pDebugToolbarHandle" in text, text
        resp = await client.get("/boom")
        assert resp.status == 500 and "kaboom" in await resp.text()
        resp = await client.get("/_debugtoolbar")
        assert resp.status == 200
    print("debugtoolbar ok")


asyncio.run(main())
