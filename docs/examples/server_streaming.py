"""Streaming both ways on the server: read the body as it arrives, send a compressed stream."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer


async def digest(request: web.Request) -> web.Response:
    # request.content is a StreamReader: nothing is buffered beyond the chunk
    # being processed, and client_max_size does not apply.
    sha = hashlib.sha256()
    async for chunk in request.content.iter_chunked(64 * 1024):
        sha.update(chunk)
    return web.Response(text=sha.hexdigest())


async def report(request: web.Request) -> web.StreamResponse:
    response = web.StreamResponse()
    response.content_type = "text/csv"
    # Compress with the best coding the client accepts (Accept-Encoding).
    response.enable_compression()
    await response.prepare(request)
    await response.write(b"n,square\n")
    for n in range(1000):
        await response.write(f"{n},{n * n}\n".encode())
    await response.write_eof()
    return response


async def body(size: int) -> AsyncIterator[bytes]:
    for _ in range(size // 65536):
        yield b"\x01" * 65536


async def main() -> tuple[bool, str | None, int]:
    app = web.Application()
    app.router.add_post("/digest", digest)
    app.router.add_get("/report", report)
    async with TestServer(app) as server:
        async with aiohttp.ClientSession() as session:
            size = 8 * 1024 * 1024  # well over the default client_max_size
            async with session.post(server.make_url("/digest"), data=body(size)) as resp:
                matches = await resp.text() == hashlib.sha256(b"\x01" * size).hexdigest()
            async with session.get(server.make_url("/report")) as resp:
                encoding = resp.headers.get("Content-Encoding")
                rows = (await resp.text()).count("\n")  # decompressed transparently
    assert matches and encoding in ("deflate", "gzip") and rows == 1001
    return matches, encoding, rows


if __name__ == "__main__":
    print(asyncio.run(main()))
