"""Application state, startup/cleanup hooks, AppRunner/TCPSite and the access log."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

# AppKey gives typed, collision-free keys for application state.
EVENTS = web.AppKey("events", list[str])
POOL = web.AppKey("pool", dict[str, int])


async def pool_ctx(app: web.Application) -> AsyncIterator[None]:
    """A cleanup context: code before the yield runs at startup, after it at cleanup."""
    app[POOL] = {"connections": 1}
    app[EVENTS].append("pool opened")
    yield
    app[EVENTS].append("pool closed")


async def on_startup(app: web.Application) -> None:
    app[EVENTS].append("startup")


async def on_shutdown(app: web.Application) -> None:
    app[EVENTS].append("shutdown")


async def add_header(request: web.Request, response: web.StreamResponse) -> None:
    """on_response_prepare runs just before each response's head is sent."""
    response.headers["X-App"] = "docs"


async def status(request: web.Request) -> web.Response:
    return web.json_response(request.app[POOL])


class ListLogger(AbstractAccessLogger):
    """An access logger that records one line per request in the application state."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        assert isinstance(request, web.Request)  # an application's request
        request.app[EVENTS].append(f"{request.method} {request.path} {response.status}")


def create_app() -> web.Application:
    app = web.Application()
    app[EVENTS] = []
    app.cleanup_ctx.append(pool_ctx)
    app.on_startup.append(on_startup)
    app.on_shutdown.append(on_shutdown)
    app.on_response_prepare.append(add_header)
    app.router.add_get("/status", status)
    return app


async def main() -> list[str]:
    app = create_app()
    runner = web.AppRunner(app, access_log_class=ListLogger)
    await runner.setup()  # runs on_startup and the cleanup contexts
    site = web.TCPSite(runner, "127.0.0.1", 0)  # port 0: the OS picks a free port
    await site.start()
    host, port = runner.addresses[0][:2]
    try:
        async with aiohttp.ClientSession() as session:
            async with session.get(f"http://{host}:{port}/status") as resp:
                assert await resp.json() == {"connections": 1}
                assert resp.headers["X-App"] == "docs"
    finally:
        await runner.cleanup()  # on_shutdown, then cleanup contexts unwind
    events = app[EVENTS]
    assert events == ["pool opened", "startup", "GET /status 200", "shutdown", "pool closed"]
    return events


if __name__ == "__main__":
    print(asyncio.run(main()))
