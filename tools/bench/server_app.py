"""The application ``server.py`` loads, written against ``aiohttp`` only.

Routes: ``GET /text`` (plain text), ``GET /json`` (a small JSON object),
``GET /item/{id}`` (a dynamic route answering with its match) and
``POST /echo`` (answers with the request body). It listens on 127.0.0.1 on
a free port and prints ``READY <port>`` once it accepts connections; it
stops on SIGINT/SIGTERM. Access logging is off so that only the framework
is measured. The same file runs under our ``aiohttp`` or the real one.
"""

from __future__ import annotations

import asyncio
import signal

from aiohttp import web

__all__ = ["make_app"]

TEXT = "Hello, World!"


async def text(request: web.Request) -> web.Response:
    return web.Response(text=TEXT)


async def json_(request: web.Request) -> web.Response:
    return web.json_response({"message": TEXT})


async def item(request: web.Request) -> web.Response:
    return web.Response(text=f"item {request.match_info['id']}")


async def echo(request: web.Request) -> web.Response:
    return web.Response(body=await request.read(), content_type="application/octet-stream")


def make_app() -> web.Application:
    """The benchmarked application."""
    app = web.Application()
    app.router.add_get("/text", text)
    app.router.add_get("/json", json_)
    app.router.add_get("/item/{id}", item)
    app.router.add_post("/echo", echo)
    return app


async def _serve() -> None:
    runner = web.AppRunner(make_app(), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    print(f"READY {port}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await runner.cleanup()


if __name__ == "__main__":
    asyncio.run(_serve())
