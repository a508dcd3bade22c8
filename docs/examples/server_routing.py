"""Routing: a route table, variable routes, named resources, static files and a sub-app."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

routes = web.RouteTableDef()


@routes.get("/")
async def index(request: web.Request) -> web.Response:
    return web.Response(text="index")


# ``{name}`` matches one path segment; ``{name:regex}`` constrains it.
@routes.get(r"/users/{user_id:\d+}", name="user")
async def user(request: web.Request) -> web.Response:
    return web.json_response({"id": int(request.match_info["user_id"])})


@routes.get("/links")
async def links(request: web.Request) -> web.Response:
    # Build URLs from route names instead of hard-coding paths.
    url = request.app.router["user"].url_for(user_id="42")
    return web.Response(text=str(url))


# A class-based view answers every method it defines.
@routes.view("/items")
class Items(web.View):
    async def get(self) -> web.Response:
        return web.Response(text="list")

    async def post(self) -> web.Response:
        return web.Response(status=201, text="created")


async def admin_home(request: web.Request) -> web.Response:
    return web.Response(text="admin")


def create_app(static_dir: Path) -> web.Application:
    app = web.Application()
    app.add_routes(routes)
    app.router.add_static("/static", static_dir, name="static")
    admin = web.Application()
    admin.router.add_get("/", admin_home)
    app.add_subapp("/admin", admin)  # serves /admin/
    return app


async def main() -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "hello.txt").write_text("static hello")
        app = create_app(Path(tmp))
        async with TestClient(TestServer(app)) as client:
            seen: dict[str, object] = {}
            seen["/"] = await (await client.get("/")).text()
            seen["/users/7"] = await (await client.get("/users/7")).json()
            seen["/users/x"] = (await client.get("/users/x")).status
            seen["/links"] = await (await client.get("/links")).text()
            seen["GET /items"] = await (await client.get("/items")).text()
            seen["POST /items"] = (await client.post("/items")).status
            seen["DELETE /items"] = (await client.delete("/items")).status
            seen["/static/hello.txt"] = await (await client.get("/static/hello.txt")).text()
            seen["/admin/"] = await (await client.get("/admin/")).text()
    assert seen == {
        "/": "index",
        "/users/7": {"id": 7},
        "/users/x": 404,
        "/links": "/users/42",
        "GET /items": "list",
        "POST /items": 201,
        "DELETE /items": 405,
        "/static/hello.txt": "static hello",
        "/admin/": "admin",
    }
    return seen


if __name__ == "__main__":
    print(asyncio.run(main()))
