"""Fetch a JSON document and fail loudly on an error status."""

from __future__ import annotations

import asyncio
import sys
from typing import Any

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer


async def fetch_json(url: str, **params: str) -> Any:
    async with aiohttp.ClientSession() as session, session.get(url, params=params) as response:
        response.raise_for_status()
        return await response.json()


async def main() -> Any:
    """Fetch from a throwaway server on a free loopback port."""

    async def items(request: web.Request) -> web.Response:
        return web.json_response({"q": request.query["q"]})

    app = web.Application()
    app.router.add_get("/items", items)
    async with TestServer(app) as server:
        result = await fetch_json(str(server.make_url("/items")), q="1")
        try:
            await fetch_json(str(server.make_url("/missing")))
        except aiohttp.ClientResponseError as exc:
            status = exc.status
    assert (result, status) == ({"q": "1"}, 404)
    return result


if __name__ == "__main__":
    print(asyncio.run(fetch_json(sys.argv[1]) if len(sys.argv) > 1 else main()))
