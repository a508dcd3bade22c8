"""gql's aiohttp transports: a query over HTTP and a subscription over graphql-transport-ws."""

from __future__ import annotations

import asyncio
import json

from gql import Client, gql
from gql.transport.aiohttp import AIOHTTPTransport
from gql.transport.aiohttp_websockets import AIOHTTPWebsocketsTransport

from aiohttp import web


async def http_endpoint(request: web.Request) -> web.Response:
    query = await request.json()
    return web.json_response({"data": {"hello": "world " + json.dumps(query["variables"])}})


async def ws_endpoint(request: web.Request) -> web.WebSocketResponse:
    ws = web.WebSocketResponse(protocols=["graphql-transport-ws"])
    await ws.prepare(request)
    async for msg in ws:
        message = json.loads(msg.data)
        if message["type"] == "connection_init":
            await ws.send_json({"type": "connection_ack"})
        elif message["type"] == "subscribe":
            for n in range(3):
                data = {"type": "next", "id": message["id"], "payload": {"data": {"n": n}}}
                await ws.send_json(data)
            await ws.send_json({"type": "complete", "id": message["id"]})
        elif message["type"] == "ping":
            await ws.send_json({"type": "pong"})
    return ws


async def main() -> None:
    app = web.Application()
    app.router.add_post("/graphql", http_endpoint)
    app.router.add_get("/graphql", ws_endpoint)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    port = runner.addresses[0][1]
    async with Client(transport=AIOHTTPTransport(url=f"http://127.0.0.1:{port}/graphql")) as s:
        result = await s.execute(gql("query Q($a: Int) { hello }"), variable_values={"a": 1})
        assert result == {"hello": 'world {"a": 1}'}, result
    transport = AIOHTTPWebsocketsTransport(url=f"ws://127.0.0.1:{port}/graphql")
    async with Client(transport=transport) as s:
        received = [r async for r in s.subscribe(gql("subscription { n }"))]
        assert received == [{"n": 0}, {"n": 1}, {"n": 2}], received
    await runner.cleanup()
    print("gql ok")


asyncio.run(main())
