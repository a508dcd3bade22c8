"""aiohttp-remotes as its README shows: proxy headers, Secure, BasicAuth and AllowedHosts."""

from __future__ import annotations

import asyncio
import base64

from aiohttp_remotes import (
    AllowedHosts,
    BasicAuth,
    ForwardedRelaxed,
    Secure,
    XForwardedRelaxed,
    XForwardedStrict,
    setup,
)

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer


async def where(request: web.Request) -> web.Response:
    return web.json_response(
        {
            "remote": request.remote,
            "scheme": request.scheme,
            "host": request.host,
            "url": str(request.url),
            "secure": request.secure,
        }
    )


async def client_for(*tools: object) -> TestClient[web.Request, web.Application]:
    app = web.Application()
    app.router.add_get("/", where)
    app.router.add_get("/public", where)
    await setup(app, *tools)  # type: ignore[arg-type]
    client = TestClient(TestServer(app))
    await client.start_server()
    return client


async def main() -> None:
    client = await client_for(ForwardedRelaxed())
    try:
        resp = await client.get(
            "/", headers={"Forwarded": 'for="10.0.0.1";proto=https;host=example.com'}
        )
        got = await resp.json()
        assert got == {
            "remote": "10.0.0.1",
            "scheme": "https",
            "host": "example.com",
            "url": "https://example.com/",
            "secure": True,
        }, got
    finally:
        await client.close()

    client = await client_for(XForwardedRelaxed(), Secure())
    try:
        resp = await client.get(
            "/",
            headers={
                "X-Forwarded-For": "10.0.0.2",
                "X-Forwarded-Proto": "https",
                "X-Forwarded-Host": "shop.example",
            },
        )
        assert resp.status == 200
        got = await resp.json()
        assert got["remote"] == "10.0.0.2" and got["secure"] is True, got
        assert got["url"] == "https://shop.example/", got
        assert resp.headers["X-Frame-Options"] == "DENY"
        assert resp.headers["Strict-Transport-Security"].startswith("max-age=")
        assert resp.headers["X-Content-Type-Options"] == "nosniff"

        resp = await client.get("/", allow_redirects=False)
        assert resp.status == 308, resp.status
        assert resp.headers["Location"] == "https://127.0.0.1/", resp.headers
    finally:
        await client.close()

    client = await client_for(XForwardedStrict([["127.0.0.1"]]))
    try:
        resp = await client.get("/", headers={"X-Forwarded-For": "192.0.2.9"})
        assert (await resp.json())["remote"] == "192.0.2.9"
        resp = await client.get("/", headers={"X-Forwarded-For": "192.0.2.9, 192.0.2.10"})
        assert resp.status == 400, resp.status
    finally:
        await client.close()

    client = await client_for(BasicAuth("user", "secret", "realm", white_paths=["/public"]))
    try:
        resp = await client.get("/")
        assert resp.status == 401
        assert resp.headers["WWW-Authenticate"] == "Basic realm=realm", resp.headers
        resp = await client.get("/", auth=aiohttp.BasicAuth("user", "wrong"))
        assert resp.status == 401
        token = base64.b64encode(b"user:secret").decode()
        resp = await client.get("/", headers={"Authorization": f"Basic {token}"})
        assert resp.status == 200
        resp = await client.get("/", auth=aiohttp.BasicAuth("user", "secret"))
        assert resp.status == 200
        resp = await client.get("/public")
        assert resp.status == 200
    finally:
        await client.close()

    client = await client_for(AllowedHosts({"good.example"}))
    try:
        resp = await client.get("/", headers={"Host": "good.example"})
        assert resp.status == 200
        assert (await resp.json())["host"] == "good.example"
        resp = await client.get("/", headers={"Host": "bad.example"})
        assert resp.status == 400
    finally:
        await client.close()
    print("remotes ok")


asyncio.run(main())
