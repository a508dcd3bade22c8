"""aiohttp-retry as its README shows: RetryClient over our ClientSession against our server."""

from __future__ import annotations

import asyncio
from collections import Counter
from types import SimpleNamespace
from typing import Any

from aiohttp_retry import ExponentialRetry, ListRetry, RetryClient

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer

hits: Counter[str] = Counter()


async def flaky(request: web.Request) -> web.Response:
    hits["flaky"] += 1
    if hits["flaky"] < 3:
        return web.Response(status=503, text="busy")
    return web.Response(text=f"ok after {hits['flaky']}")


async def teapot(request: web.Request) -> web.Response:
    hits["teapot"] += 1
    return web.Response(status=418)


async def echo(request: web.Request) -> web.Response:
    hits["echo"] += 1
    body = await request.json()
    if hits["echo"] == 1:
        return web.Response(status=500)
    return web.json_response(body)


async def drop(request: web.Request) -> web.Response:
    hits["drop"] += 1
    if hits["drop"] == 1:
        assert request.transport is not None
        request.transport.close()
    return web.Response(text="second time lucky")


async def main() -> None:
    app = web.Application()
    app.router.add_get("/flaky", flaky)
    app.router.add_get("/teapot", teapot)
    app.router.add_post("/echo", echo)
    app.router.add_get("/drop", drop)
    attempts: list[int] = []

    async def on_start(session: aiohttp.ClientSession, ctx: SimpleNamespace, params: Any) -> None:
        attempts.append(ctx.trace_request_ctx["current_attempt"])

    trace = aiohttp.TraceConfig()
    trace.on_request_start.append(on_start)

    async with TestServer(app) as server:
        options = ExponentialRetry(attempts=4, start_timeout=0.001)
        async with RetryClient(retry_options=options, trace_configs=[trace]) as client:
            async with client.get(server.make_url("/flaky")) as resp:
                assert resp.status == 200
                assert await resp.text() == "ok after 3"
            assert attempts == [1, 2, 3], attempts

            async with client.post(server.make_url("/echo"), json={"n": 1}) as resp:
                assert resp.status == 200
                assert await resp.json() == {"n": 1}

            statuses = ListRetry(timeouts=[0.001] * 3, statuses={418})
            async with client.get(server.make_url("/teapot"), retry_options=statuses) as resp:
                assert resp.status == 418
            assert hits["teapot"] == 3, hits

            raising = RetryClient(client_session=client._client, raise_for_status=True)
            failure: aiohttp.ClientResponseError | None = None
            try:
                async with raising.get(
                    server.make_url("/teapot"), retry_options=ListRetry(timeouts=[0.001])
                ):
                    pass
            except aiohttp.ClientResponseError as exc:
                failure = exc
            assert failure is not None and failure.status == 418, failure

            dropped = ExponentialRetry(
                attempts=2, start_timeout=0.001, exceptions={aiohttp.ClientConnectionError}
            )
            async with client.get(server.make_url("/drop"), retry_options=dropped) as resp:
                assert await resp.text() == "second time lucky"
            assert hits["drop"] == 2
    print("retry ok")


asyncio.run(main())
