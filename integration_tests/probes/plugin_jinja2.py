"""aiohttp-jinja2 as its README shows: setup, @template, render_template, url() in templates."""

from __future__ import annotations

import asyncio

import aiohttp_jinja2
import jinja2

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

TEMPLATES = {
    "index.html": "<h1>Hello {{ name }}</h1><a href=\"{{ url('item', id='7') }}\">item</a>",
    "item.html": "item={{ id }} path={{ app_path }}",
}


@aiohttp_jinja2.template("index.html")
async def index(request: web.Request) -> dict[str, str]:
    return {"name": request.query.get("name", "world")}


class Item(web.View):
    @aiohttp_jinja2.template("item.html")
    async def get(self) -> dict[str, str]:
        return {"id": self.request.match_info["id"]}


async def direct(request: web.Request) -> web.Response:
    response = aiohttp_jinja2.render_template("item.html", request, {"id": "direct"}, status=201)
    response.headers["X-Direct"] = "1"
    return response


async def app_path_processor(request: web.Request) -> dict[str, str]:
    return {"app_path": request.path}


async def main() -> None:
    app = web.Application()
    aiohttp_jinja2.setup(
        app,
        loader=jinja2.DictLoader(TEMPLATES),
        context_processors=[aiohttp_jinja2.request_processor, app_path_processor],
    )
    app.router.add_get("/", index)
    app.router.add_view("/item/{id}", Item, name="item")
    app.router.add_get("/direct", direct)
    async with TestClient(TestServer(app)) as client:
        resp = await client.get("/", params={"name": "<plugin>"})
        assert resp.status == 200, resp.status
        assert resp.content_type == "text/html", resp.content_type
        assert resp.charset == "utf-8", resp.charset
        body = await resp.text()
        # autoescape is on by default for aiohttp_jinja2.setup
        assert body == '<h1>Hello &lt;plugin&gt;</h1><a href="/item/7">item</a>', body

        resp = await client.get("/item/7")
        assert resp.status == 200
        assert await resp.text() == "item=7 path=/item/7"

        resp = await client.get("/direct")
        assert resp.status == 201
        assert resp.headers["X-Direct"] == "1"
        assert await resp.text() == "item=direct path=/direct"
    print("jinja2 ok")


asyncio.run(main())
