"""HTTP over a Unix socket: a UnixSite on the server side, a UnixConnector on the client."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

import aiohttp
from aiohttp import web


async def version(request: web.Request) -> web.Response:
    return web.json_response({"path": request.path, "host": request.host})


async def main() -> list[object]:
    app = web.Application()
    app.router.add_get("/version", version)
    runner = web.AppRunner(app)
    await runner.setup()
    answers: list[object] = []
    with tempfile.TemporaryDirectory() as tmp:
        socket_path = str(Path(tmp) / "api.sock")
        await web.UnixSite(runner, socket_path).start()
        connector = aiohttp.UnixConnector(path=socket_path)
        async with aiohttp.ClientSession(connector=connector) as session:
            # The host part only fills the Host header: every request goes to the socket.
            async with session.get("http://localhost/version") as resp:
                answers.append(await resp.json())
            # A UnixConnector also takes unix:// URLs, as Docker clients write them.
            async with session.get("unix://localhost/version") as resp:
                answers.append(resp.status)
        await runner.cleanup()
    assert answers == [{"path": "/version", "host": "localhost"}, 200]
    return answers


if __name__ == "__main__":
    print(asyncio.run(main()))
