"""strawberry-graphql's aiohttp GraphQLView: queries, GraphiQL and graphql-transport-ws."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator

import strawberry
from strawberry.aiohttp.views import GraphQLView

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer


@strawberry.type
class Query:
    @strawberry.field
    def hello(self, name: str = "world") -> str:
        return f"hello {name}"


@strawberry.type
class Subscription:
    @strawberry.subscription
    async def count(self, to: int = 3) -> AsyncGenerator[int, None]:
        for n in range(to):
            yield n


async def main() -> None:
    app = web.Application()
    schema = strawberry.Schema(query=Query, subscription=Subscription)
    app.router.add_route("*", "/graphql", GraphQLView(schema=schema))
    async with TestClient(TestServer(app)) as client:
        resp = await client.post("/graphql", json={"query": '{ hello(name: "x") }'})
        assert (resp.status, await resp.json()) == (200, {"data": {"hello": "hello x"}})
        resp = await client.get("/graphql", headers={"Accept": "text/html"})
        assert (resp.status, resp.content_type) == (200, "text/html")
        async with client.ws_connect("/graphql", protocols=["graphql-transport-ws"]) as ws:
            await ws.send_json({"type": "connection_init"})
            assert (await ws.receive_json())["type"] == "connection_ack"
            query = {"query": "subscription { count(to: 3) }"}
            await ws.send_json({"type": "subscribe", "id": "1", "payload": query})
            seen: list[object] = []
            while not seen or seen[-1] != "complete":
                message = await asyncio.wait_for(ws.receive_json(), 10)
                if message["type"] == "next":
                    seen.append(message["payload"]["data"]["count"])
                else:
                    seen.append(message["type"])
            assert seen == [0, 1, 2, "complete"], seen
    print("strawberry ok")


asyncio.run(main())
