"""Session-wide defaults: base_url, headers, raise_for_status; and one-off requests."""

from __future__ import annotations

import asyncio

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer


async def whoami(request: web.Request) -> web.Response:
    return web.json_response({"agent": request.headers["User-Agent"], "path": request.path})


async def missing(request: web.Request) -> web.Response:
    raise web.HTTPNotFound()


async def main() -> list[object]:
    app = web.Application()
    app.router.add_get("/api/v1/whoami", whoami)
    app.router.add_get("/api/v1/missing", missing)
    async with TestServer(app) as server:
        results: list[object] = []
        # base_url: relative request URLs are joined to it (keep the trailing slash).
        # raise_for_status=True: every 4xx/5xx raises ClientResponseError.
        async with aiohttp.ClientSession(
            base_url=server.make_url("/api/v1/"),
            headers={"User-Agent": "docs-client/1.0"},
            raise_for_status=True,
        ) as session:
            async with session.get("whoami") as resp:
                results.append(await resp.json())
            try:
                await session.get("missing")
            except aiohttp.ClientResponseError as exc:
                results.append((exc.status, exc.message, exc.request_info.url.path))

        # aiohttp.request: a single request with a throwaway session.
        async with aiohttp.request("GET", server.make_url("/api/v1/whoami")) as resp:
            results.append(resp.status)
    assert results == [
        {"agent": "docs-client/1.0", "path": "/api/v1/whoami"},
        (404, "Not Found", "/api/v1/missing"),
        200,
    ]
    return results


if __name__ == "__main__":
    print(asyncio.run(main()))
