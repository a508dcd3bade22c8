"""aiohttp-pydantic: validated class-based views and the generated OpenAPI spec."""

from __future__ import annotations

import asyncio

from aiohttp_pydantic import PydanticView, oas
from pydantic import BaseModel

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer


class Item(BaseModel):
    name: str
    qty: int = 1


class ItemView(PydanticView):
    async def post(self, item: Item) -> web.Response:
        return web.json_response({"name": item.name, "qty": item.qty})


class OneItemView(PydanticView):
    async def get(self, id: int, /, tag: str = "none") -> web.Response:
        return web.json_response({"id": id, "tag": tag})


async def main() -> None:
    app = web.Application()
    app.router.add_view("/items", ItemView)
    app.router.add_view("/items/{id}", OneItemView)
    oas.setup(app)
    async with TestClient(TestServer(app)) as client:
        resp = await client.post("/items", json={"name": "a", "qty": 2})
        assert (resp.status, await resp.json()) == (200, {"name": "a", "qty": 2})
        resp = await client.post("/items", json={"qty": 3})
        assert resp.status == 400
        assert (await resp.json())[0]["loc"] == ["name"]
        resp = await client.get("/items/5", params={"tag": "t"})
        assert await resp.json() == {"id": 5, "tag": "t"}
        resp = await client.get("/items/five")
        assert resp.status == 400
        resp = await client.get("/oas/spec")
        assert sorted((await resp.json())["paths"]) == ["/items", "/items/{id}"]
    print("pydantic ok")


asyncio.run(main())
