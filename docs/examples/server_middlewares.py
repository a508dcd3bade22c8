"""Middlewares: wrap every handler, turn errors into JSON, normalise paths."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def json_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Answer HTTP errors and crashes with a JSON body instead of plain text."""
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise  # redirects and other non-errors pass through
        return web.json_response({"error": exc.reason}, status=exc.status)
    except Exception:
        return web.json_response({"error": "internal"}, status=500)


@web.middleware
async def server_header(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Add a header to every response that a handler returns."""
    response = await handler(request)
    response.headers["X-Served-By"] = "docs"
    return response


async def hello(request: web.Request) -> web.Response:
    return web.Response(text="hello")


async def crash(request: web.Request) -> web.Response:
    raise RuntimeError("bug")


def create_app() -> web.Application:
    # Middlewares run in list order on the way in, in reverse on the way out.
    # This normalize_path_middleware redirects /hello/ to /hello when only that exists.
    normalize = web.normalize_path_middleware(append_slash=False, remove_slash=True)
    app = web.Application(middlewares=[normalize, json_errors, server_header])
    app.router.add_get("/hello", hello)
    app.router.add_get("/crash", crash)
    return app


async def main() -> list[object]:
    async with TestClient(TestServer(create_app())) as client:
        results: list[object] = []
        resp = await client.get("/hello")
        results.append((await resp.text(), resp.headers["X-Served-By"]))
        resp = await client.get("/hello/")
        results.append((resp.url.path, [r.status for r in resp.history]))
        resp = await client.get("/nowhere")
        results.append((resp.status, await resp.json()))
        resp = await client.get("/crash")
        results.append((resp.status, await resp.json()))
    assert results == [
        ("hello", "docs"),
        ("/hello", [308]),
        (404, {"error": "Not Found"}),
        (500, {"error": "internal"}),
    ]
    return results


if __name__ == "__main__":
    print(asyncio.run(main()))
