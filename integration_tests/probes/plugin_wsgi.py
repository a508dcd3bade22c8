"""aiohttp-wsgi as its README shows: a WSGI application mounted in an aiohttp app."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from typing import Any

from aiohttp_wsgi import WSGIHandler

import aiohttp
from aiohttp import web


def wsgi_app(
    environ: dict[str, Any], start_response: Callable[[str, list[tuple[str, str]]], Any]
) -> Iterable[bytes]:
    body = environ["wsgi.input"].read()
    status = "201 Created" if environ["REQUEST_METHOD"] == "POST" else "200 OK"
    start_response(
        status,
        [
            ("Content-Type", "text/plain; charset=utf-8"),
            ("X-Path-Info", environ["PATH_INFO"]),
            ("X-Script-Name", environ["SCRIPT_NAME"]),
        ],
    )
    query = environ["QUERY_STRING"]
    return [b"method=", environ["REQUEST_METHOD"].encode(), b" query=", query.encode(), b" ", body]


async def native(request: web.Request) -> web.Response:
    return web.Response(text="native")


async def main() -> None:
    app = web.Application()
    app.router.add_get("/native", native)
    app.router.add_route("*", "/legacy{path_info:.*}", WSGIHandler(wsgi_app))
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    base = f"http://127.0.0.1:{runner.addresses[0][1]}"
    try:
        async with aiohttp.ClientSession() as session:
            async with session.post(f"{base}/legacy/items?x=1", data=b"payload") as resp:
                assert resp.status == 201, resp.status
                assert resp.headers["X-Path-Info"] == "/items"
                assert resp.headers["X-Script-Name"] == "/legacy"
                assert await resp.text() == "method=POST query=x=1 payload"
            async with session.get(f"{base}/legacy/") as resp:
                assert resp.status == 200
                assert await resp.text() == "method=GET query= "
            async with session.get(f"{base}/native") as resp:
                assert await resp.text() == "native"
    finally:
        await runner.cleanup()
    print("wsgi ok")


asyncio.run(main())
