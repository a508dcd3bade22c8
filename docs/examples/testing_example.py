"""Start an application on a free port by hand and talk to it."""

from __future__ import annotations

import asyncio

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer


async def hello(request: web.Request) -> web.Response:
    return web.Response(text="ok")


async def main() -> str:
    app = web.Application()
    app.router.add_get("/", hello)
    async with TestClient(TestServer(app)) as client:
        response = await client.get("/")
        return await response.text()


if __name__ == "__main__":
    print(asyncio.run(main()))
