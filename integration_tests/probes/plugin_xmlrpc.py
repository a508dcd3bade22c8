"""aiohttp-xmlrpc behind aiohttp-basicauth: an XML-RPC view and its client."""

from __future__ import annotations

import asyncio

from aiohttp_basicauth import BasicAuthMiddleware
from aiohttp_xmlrpc import handler
from aiohttp_xmlrpc.client import ServerProxy

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer


class Calculator(handler.XMLRPCView):
    def rpc_add(self, a: int, b: int) -> int:
        return a + b


async def main() -> None:
    app = web.Application(middlewares=[BasicAuthMiddleware(username="u", password="p")])
    app.router.add_route("*", "/rpc", Calculator)
    async with TestServer(app) as server:
        async with aiohttp.ClientSession() as session:
            async with session.post(server.make_url("/rpc"), data=b"") as resp:
                assert resp.status == 401, resp.status
                assert resp.headers["WWW-Authenticate"].startswith("Basic")
        async with aiohttp.ClientSession(auth=aiohttp.BasicAuth("u", "p")) as session:
            proxy = ServerProxy(str(server.make_url("/rpc")), client=session)
            assert await proxy.add(2, 3) == 5
    print("xmlrpc ok")


asyncio.run(main())
