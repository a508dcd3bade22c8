"""Timeouts for the whole request or for each read, set per session or per request."""

from __future__ import annotations

import asyncio

import attrs

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer


async def stuck(request: web.Request) -> web.Response:
    await asyncio.Event().wait()  # never answers, until the client gives up
    raise AssertionError("unreachable")


async def quick(request: web.Request) -> web.Response:
    return web.Response(text="fast")


async def main() -> list[str]:
    app = web.Application()
    app.router.add_get("/stuck", stuck)
    app.router.add_get("/quick", quick)
    async with TestServer(app) as server:
        outcomes: list[str] = []
        # The session's default: at most 5 s for a whole request.
        timeout = aiohttp.ClientTimeout(total=5)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            async with session.get(server.make_url("/quick")) as resp:
                outcomes.append(await resp.text())
            # Timeouts are immutable attrs classes: derive variants with attrs.evolve.
            assert attrs.evolve(timeout, sock_read=0.2) == aiohttp.ClientTimeout(5, sock_read=0.2)
            # A request may override it: here, give up when no data comes for 0.2 s.
            try:
                read_timeout = aiohttp.ClientTimeout(sock_read=0.2)
                await session.get(server.make_url("/stuck"), timeout=read_timeout)
            except aiohttp.ServerTimeoutError:
                outcomes.append("read timed out")
            # A total timeout raises asyncio.TimeoutError (TimeoutError on 3.11+).
            try:
                await session.get(server.make_url("/stuck"), timeout=aiohttp.ClientTimeout(0.2))
            except asyncio.TimeoutError:
                outcomes.append("request timed out")
    assert outcomes == ["fast", "read timed out", "request timed out"]
    return outcomes


if __name__ == "__main__":
    print(asyncio.run(main()))
