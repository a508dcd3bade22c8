"""Connection pooling with TCPConnector, observed through request tracing."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from types import SimpleNamespace

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer

Counts = dict[str, int]
Callback = Callable[[aiohttp.ClientSession, SimpleNamespace, object], Awaitable[None]]


async def hello(request: web.Request) -> web.Response:
    return web.Response(text="hi")


def counting_trace(counts: Counts) -> aiohttp.TraceConfig[SimpleNamespace]:
    """A TraceConfig whose callbacks count connection and request events."""

    def bump(name: str) -> Callback:
        # Every callback gets the session, a per-request context namespace and
        # the event's parameters (a Trace...Params object).
        async def callback(
            session: aiohttp.ClientSession, ctx: SimpleNamespace, params: object
        ) -> None:
            counts[name] = counts.get(name, 0) + 1

        return callback

    trace: aiohttp.TraceConfig[SimpleNamespace] = aiohttp.TraceConfig()
    trace.on_connection_create_end.append(bump("new connection"))
    trace.on_connection_reuseconn.append(bump("reused"))
    trace.on_connection_queued_start.append(bump("queued"))
    trace.on_request_end.append(bump("requests"))
    return trace


async def main() -> Counts:
    app = web.Application()
    app.router.add_get("/", hello)
    async with TestServer(app) as server:
        counts: Counts = {}
        # limit: connections in all; limit_per_host: per (host, port, ssl).
        connector = aiohttp.TCPConnector(limit=2, limit_per_host=2)
        async with aiohttp.ClientSession(
            connector=connector, trace_configs=[counting_trace(counts)]
        ) as session:

            async def fetch() -> str:
                async with session.get(server.make_url("/")) as resp:
                    return await resp.text()

            # Ten concurrent requests share at most two keep-alive connections;
            # the others wait in the connector's queue.
            assert await asyncio.gather(*(fetch() for _ in range(10))) == ["hi"] * 10
    assert counts["requests"] == 10
    assert counts["new connection"] <= 2
    assert counts["new connection"] + counts["reused"] == 10
    return counts


if __name__ == "__main__":
    print(asyncio.run(main()))
