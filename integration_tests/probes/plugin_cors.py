"""aiohttp-cors as its README shows: resource options, preflight and actual requests."""

from __future__ import annotations

import asyncio

import aiohttp_cors

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

ORIGIN = "http://client.example"


async def handler(request: web.Request) -> web.Response:
    return web.Response(text="Hello!", headers={"X-Server": "ours"})


class Things(web.View, aiohttp_cors.CorsViewMixin):
    cors_config = {ORIGIN: aiohttp_cors.ResourceOptions(allow_headers="*", allow_methods="*")}

    async def get(self) -> web.Response:
        return web.json_response(["a", "b"])

    async def post(self) -> web.Response:
        return web.json_response(await self.request.json(), status=201)


async def main() -> None:
    app = web.Application()
    cors = aiohttp_cors.setup(app)
    resource = cors.add(app.router.add_resource("/hello"))
    cors.add(
        resource.add_route("GET", handler),
        {
            ORIGIN: aiohttp_cors.ResourceOptions(
                allow_credentials=True,
                expose_headers=("X-Server",),
                allow_headers=("X-Requested-With",),
                max_age=3600,
            )
        },
    )
    view_route = app.router.add_route("*", "/things", Things)
    cors.add(view_route)
    async with TestClient(TestServer(app)) as client:
        resp = await client.get("/hello", headers={"Origin": ORIGIN})
        assert resp.status == 200
        assert await resp.text() == "Hello!"
        assert resp.headers["Access-Control-Allow-Origin"] == ORIGIN, resp.headers
        assert resp.headers["Access-Control-Allow-Credentials"] == "true"
        assert resp.headers["Access-Control-Expose-Headers"] == "X-Server"

        resp = await client.get("/hello", headers={"Origin": "http://evil.example"})
        assert resp.status == 200
        assert "Access-Control-Allow-Origin" not in resp.headers

        resp = await client.options(
            "/hello",
            headers={
                "Origin": ORIGIN,
                "Access-Control-Request-Method": "GET",
                "Access-Control-Request-Headers": "X-Requested-With",
            },
        )
        assert resp.status == 200, (resp.status, await resp.text())
        assert resp.headers["Access-Control-Allow-Origin"] == ORIGIN
        assert resp.headers["Access-Control-Allow-Methods"] == "GET"
        assert resp.headers["Access-Control-Allow-Headers"].upper() == "X-REQUESTED-WITH"
        assert resp.headers["Access-Control-Max-Age"] == "3600"

        resp = await client.options(
            "/hello", headers={"Origin": ORIGIN, "Access-Control-Request-Method": "DELETE"}
        )
        assert resp.status == 403, resp.status

        resp = await client.options(
            "/things",
            headers={
                "Origin": ORIGIN,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "Content-Type",
            },
        )
        assert resp.status == 200, (resp.status, await resp.text())
        assert resp.headers["Access-Control-Allow-Methods"] == "POST"
        resp = await client.post("/things", json={"x": 1}, headers={"Origin": ORIGIN})
        assert resp.status == 201
        assert await resp.json() == {"x": 1}
        assert resp.headers["Access-Control-Allow-Origin"] == ORIGIN
    print("cors ok")


asyncio.run(main())
