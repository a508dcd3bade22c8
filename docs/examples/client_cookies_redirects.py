"""Cookies kept by the session's jar, and redirects followed, inspected or refused."""

from __future__ import annotations

import asyncio

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer


async def login(request: web.Request) -> web.Response:
    response = web.Response(text="logged in")
    response.set_cookie("session", "abc123", httponly=True)
    return response


async def whoami(request: web.Request) -> web.Response:
    return web.Response(text=request.cookies.get("session", "anonymous"))


async def moved(request: web.Request) -> web.Response:
    raise web.HTTPMovedPermanently("/whoami")


async def loop(request: web.Request) -> web.Response:
    raise web.HTTPFound("/loop")


async def main() -> list[object]:
    app = web.Application()
    app.router.add_get("/login", login)
    app.router.add_get("/whoami", whoami)
    app.router.add_get("/moved", moved)
    app.router.add_get("/loop", loop)
    async with TestServer(app) as server:
        results: list[object] = []
        # The default jar refuses cookies from IP-address hosts such as
        # 127.0.0.1; unsafe=True accepts them.
        jar = aiohttp.CookieJar(unsafe=True)
        async with aiohttp.ClientSession(cookie_jar=jar) as session:
            async with session.get(server.make_url("/login")) as resp:
                assert resp.cookies["session"].value == "abc123"
            results.append(await (await session.get(server.make_url("/whoami"))).text())
            results.append([(c.key, c.value) for c in jar])

            # Redirects are followed (up to max_redirects=10); history keeps the hops.
            async with session.get(server.make_url("/moved")) as resp:
                results.append((resp.url.path, [r.status for r in resp.history]))
            async with session.get(server.make_url("/moved"), allow_redirects=False) as resp:
                results.append((resp.status, resp.headers["Location"]))
            try:
                await session.get(server.make_url("/loop"), max_redirects=3)
            except aiohttp.TooManyRedirects as exc:
                results.append(len(exc.history))

        # Cookies can also be sent explicitly, without a jar.
        async with aiohttp.ClientSession(cookies={"session": "given"}) as session:
            results.append(await (await session.get(server.make_url("/whoami"))).text())
    assert results == [
        "abc123",
        [("session", "abc123")],
        ("/whoami", [301]),
        (301, "/whoami"),
        3,
        "given",
    ]
    return results


if __name__ == "__main__":
    print(asyncio.run(main()))
