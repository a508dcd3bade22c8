"""aiohttp-middlewares as its docs show: CORS, error, timeout, https and shield middlewares."""

from __future__ import annotations

import asyncio
import re

from aiohttp_middlewares import (
    cors_middleware,
    error_context,
    error_middleware,
    https_middleware,
    shield_middleware,
    timeout_middleware,
)

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

ORIGIN = "http://localhost:3000"


async def hello(request: web.Request) -> web.Response:
    return web.json_response({"scheme": request.scheme, "secure": request.secure})


async def broken(request: web.Request) -> web.Response:
    raise ValueError("wrong value")


async def slow(request: web.Request) -> web.Response:
    await asyncio.Event().wait()
    raise AssertionError("unreachable")


async def create(request: web.Request) -> web.Response:
    return web.json_response(await request.json(), status=201)


async def api_error(request: web.Request) -> web.Response:
    with error_context(request) as context:
        return web.json_response({"api": context.data}, status=context.status)


async def main() -> None:
    app = web.Application(
        middlewares=[
            cors_middleware(origins=[re.compile(r"^https?://localhost")], max_age=600),
            error_middleware(config={re.compile(r"^/api"): api_error}),
            https_middleware(),
            # Only /slow is limited: no other request can be cut short on a busy box.
            timeout_middleware(0.05, ignore=[re.compile(r"^/(?!slow$)")]),
            shield_middleware(methods=("POST",)),
        ]
    )
    app.router.add_get("/", hello)
    app.router.add_get("/broken", broken)
    app.router.add_get("/slow", slow)
    app.router.add_post("/api/items", create)
    async with TestClient(TestServer(app)) as client:
        resp = await client.get("/", headers={"Origin": ORIGIN})
        assert await resp.json() == {"scheme": "http", "secure": False}
        assert resp.headers["Access-Control-Allow-Origin"] == ORIGIN

        resp = await client.get("/", headers={"X-Forwarded-Proto": "https"})
        assert await resp.json() == {"scheme": "https", "secure": True}
        assert "Access-Control-Allow-Origin" not in resp.headers

        resp = await client.options(
            "/api/items",
            headers={"Origin": ORIGIN, "Access-Control-Request-Method": "POST"},
        )
        assert resp.status == 200, resp.status
        assert resp.headers["Access-Control-Allow-Origin"] == ORIGIN
        assert "POST" in resp.headers["Access-Control-Allow-Methods"]
        assert resp.headers["Access-Control-Max-Age"] == "600"

        resp = await client.get("/", headers={"Origin": "http://evil.example"})
        assert "Access-Control-Allow-Origin" not in resp.headers

        resp = await client.get("/broken")
        assert resp.status == 500
        assert await resp.json() == {"detail": "wrong value"}

        resp = await client.get("/missing")
        assert resp.status == 404
        assert await resp.json() == {"detail": "Not Found"}

        resp = await client.get("/api/items")
        assert resp.status == 405, resp.status
        assert await resp.json() == {"api": {"detail": "Method Not Allowed"}}

        resp = await client.post("/api/items", json={"name": "x"})
        assert resp.status == 201
        assert await resp.json() == {"name": "x"}

        resp = await client.get("/slow")
        assert resp.status == 500, resp.status
        assert "detail" in await resp.json()
    print("middlewares ok")


asyncio.run(main())
