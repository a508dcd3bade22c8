"""The access log: one line per request, in a format of your choice, to any logger."""

from __future__ import annotations

import asyncio
import logging

import aiohttp
from aiohttp import web


class ListHandler(logging.Handler):
    """Keeps formatted records in memory (a real program would log to a file)."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


async def hello(request: web.Request) -> web.Response:
    return web.Response(text="hello")


async def main() -> list[str]:
    logger = logging.getLogger("docs.access")
    logger.setLevel(logging.INFO)
    handler = ListHandler()
    logger.addHandler(handler)

    app = web.Application()
    app.router.add_get("/hello", hello)
    # %a remote address, %r request line, %s status, %b response size (head
    # included), %{Name}i a request header, %Tf the time taken in seconds.
    runner = web.AppRunner(
        app, access_log=logger, access_log_format='%a "%r" %s "%{User-Agent}i" %b'
    )
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        async with aiohttp.ClientSession(headers={"User-Agent": "docs-agent"}) as session:
            for path in ("/hello", "/missing"):
                async with session.get(f"http://127.0.0.1:{port}{path}") as resp:
                    await resp.read()
    finally:
        await runner.cleanup()
        logger.removeHandler(handler)

    # Drop the size, which depends on the Date and Server headers.
    lines = [line.rsplit(" ", 1)[0] for line in handler.lines]
    assert lines == [
        '127.0.0.1 "GET /hello HTTP/1.1" 200 "docs-agent"',
        '127.0.0.1 "GET /missing HTTP/1.1" 404 "docs-agent"',
    ]
    return lines


if __name__ == "__main__":
    print(asyncio.run(main()))
