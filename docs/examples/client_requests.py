"""Client requests: query parameters, JSON, forms, multipart, streamed uploads and downloads."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer


async def echo(request: web.Request) -> web.Response:
    """Describe what arrived, so that the client side can be checked."""
    body = await request.read()
    return web.json_response(
        {
            "query": dict(request.query),
            "type": request.content_type,
            "chunked": "chunked" in request.headers.get("Transfer-Encoding", ""),
            "size": len(body),
        }
    )


async def download(request: web.Request) -> web.Response:
    return web.Response(body=b"x" * 1_000_000)


async def generate() -> AsyncIterator[bytes]:
    """An async generator body is streamed with chunked transfer coding."""
    for _ in range(10):
        yield b"y" * 1000


async def main() -> list[object]:
    app = web.Application()
    app.router.add_route("*", "/echo", echo)
    app.router.add_get("/download", download)
    async with TestServer(app) as server:
        url = server.make_url("/echo")
        results: list[object] = []
        # One session for many requests: it pools connections and keeps cookies.
        async with aiohttp.ClientSession() as session:
            async with session.get(url, params={"q": "a b", "n": 1}) as resp:
                results.append((await resp.json())["query"])
            async with session.post(url, json={"k": "v"}) as resp:
                results.append((await resp.json())["type"])
            async with session.post(url, data={"field": "value"}) as resp:
                results.append((await resp.json())["type"])

            form = aiohttp.FormData()
            form.add_field("file", b"z" * 500, filename="z.bin")
            async with session.post(url, data=form) as resp:
                results.append((await resp.json())["type"])

            async with session.put(url, data=generate()) as resp:
                info = await resp.json()
                results.append((info["chunked"], info["size"]))

            # Read a large body piece by piece instead of all at once.
            async with session.get(server.make_url("/download")) as resp:
                total = 0
                async for chunk in resp.content.iter_chunked(64 * 1024):
                    total += len(chunk)
                results.append(total)
    assert results == [
        {"q": "a b", "n": "1"},
        "application/json",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
        (True, 10_000),
        1_000_000,
    ]
    return results


if __name__ == "__main__":
    print(asyncio.run(main()))
