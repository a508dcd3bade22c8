"""Responses: JSON, streaming, files, redirects and error statuses."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

REPORT = web.AppKey("report", Path)


async def as_json(request: web.Request) -> web.Response:
    return web.json_response({"ok": True}, headers={"Cache-Control": "no-store"})


async def countdown(request: web.Request) -> web.StreamResponse:
    # A StreamResponse sends its head at prepare(), then the body in pieces
    # (chunked, as no Content-Length was set).
    response = web.StreamResponse(headers={"Content-Type": "text/plain"})
    await response.prepare(request)
    for n in range(3, 0, -1):
        await response.write(f"{n}\n".encode())
    await response.write_eof()
    return response


async def report(request: web.Request) -> web.FileResponse:
    # FileResponse streams from disk and answers Range and conditional requests.
    return web.FileResponse(request.app[REPORT])


async def old_place(request: web.Request) -> web.Response:
    raise web.HTTPFound(location="/json")  # HTTP exceptions are responses too


async def bad_request(request: web.Request) -> web.Response:
    raise web.HTTPBadRequest(reason="Nope", text="missing parameter")


async def main() -> list[object]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "report.txt"
        path.write_bytes(b"0123456789")
        app = web.Application()
        app[REPORT] = path
        app.router.add_get("/json", as_json)
        app.router.add_get("/countdown", countdown)
        app.router.add_get("/report", report)
        app.router.add_get("/old", old_place)
        app.router.add_get("/bad", bad_request)
        async with TestClient(TestServer(app)) as client:
            results: list[object] = []
            resp = await client.get("/json")
            results.append((await resp.json(), resp.headers["Cache-Control"]))
            resp = await client.get("/countdown")
            results.append((await resp.text(), resp.headers.get("Transfer-Encoding")))
            resp = await client.get("/report", headers={"Range": "bytes=2-4"})
            results.append((resp.status, await resp.read()))
            resp = await client.get("/old")  # the client follows the redirect
            results.append((str(resp.url.path), resp.history[0].status))
            resp = await client.get("/bad")
            results.append((resp.status, resp.reason, await resp.text()))
    assert results == [
        ({"ok": True}, "no-store"),
        ("3\n2\n1\n", "chunked"),
        (206, b"234"),
        ("/json", 302),
        (400, "Nope", "missing parameter"),
    ]
    return results


if __name__ == "__main__":
    print(asyncio.run(main()))
