"""Serving from the command line: ``python -m aiohttp.web module:init_func``."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import tempfile
from pathlib import Path

import aiohttp
from aiohttp import web


async def hello(request: web.Request) -> web.Response:
    return web.Response(text="hello from the command line")


def init_func(argv: list[str]) -> web.Application:
    """The entry point: receives the arguments left over after the options."""
    app = web.Application()
    app.router.add_get("/", hello)
    return app


async def main() -> str:
    """Run ``python -m aiohttp.web -U <socket> server_cli:init_func`` and query it."""
    with tempfile.TemporaryDirectory() as tmp:
        sock_path = os.path.join(tmp, "app.sock")
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(Path(__file__).parent)}
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "aiohttp.web", "-U", sock_path, "server_cli:init_func",
            env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        assert proc.stdout is not None
        try:
            # run_app prints a banner once it is listening.
            await asyncio.wait_for(wait_for_banner(proc.stdout), 10)
            connector = aiohttp.UnixConnector(path=sock_path)
            async with aiohttp.ClientSession(connector=connector) as session:
                async with session.get("http://localhost/") as resp:
                    text = await resp.text()
        finally:
            proc.send_signal(signal.SIGINT)  # run_app shuts down gracefully on Ctrl+C
            code = await asyncio.wait_for(proc.wait(), 10)
    assert (text, code) == ("hello from the command line", 0)
    return text


async def wait_for_banner(stdout: asyncio.StreamReader) -> None:
    while line := await stdout.readline():
        if line.startswith(b"======== Running on"):
            return
    raise RuntimeError("the server exited before listening")


if __name__ == "__main__":
    print(asyncio.run(main()))
