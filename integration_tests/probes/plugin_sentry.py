"""sentry-sdk's AioHttpIntegration: transactions named by route, errors captured, client spans."""

from __future__ import annotations

import asyncio
from typing import Any

import sentry_sdk
from sentry_sdk.integrations.aiohttp import AioHttpIntegration

events: list[dict[str, Any]] = []
sentry_sdk.init(
    dsn="http://key@127.0.0.1:9/1",
    integrations=[AioHttpIntegration()],
    traces_sample_rate=1.0,
    transport=events.append,
)

import aiohttp  # noqa: E402
from aiohttp import web  # noqa: E402
from aiohttp.test_utils import TestClient, TestServer  # noqa: E402


async def boom(request: web.Request) -> web.Response:
    raise ValueError("boom")


async def fetch(request: web.Request) -> web.Response:
    async with aiohttp.ClientSession() as session:
        async with session.get(request.url.with_path("/plain")) as resp:
            return web.Response(text="fetched:" + await resp.text())


async def plain(request: web.Request) -> web.Response:
    return web.Response(text="plain")


async def main() -> None:
    app = web.Application()
    app.router.add_get("/boom", boom)
    app.router.add_get("/fetch", fetch)
    app.router.add_get("/plain", plain)
    async with TestClient(TestServer(app)) as client:
        resp = await client.get("/boom")
        assert resp.status == 500
        resp = await client.get("/fetch")
        assert resp.status == 200
        assert await resp.text() == "fetched:plain"
    sentry_sdk.flush()
    (error,) = events
    assert error["transaction"] == "__main__.boom", error["transaction"]
    assert error["request"]["url"].endswith("/boom"), error["request"]
    assert [v["type"] for v in error["exception"]["values"]] == ["ValueError"]
    assert error["contexts"]["trace"]["op"] == "http.server"
    print("sentry ok")


asyncio.run(main())
