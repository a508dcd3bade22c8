"""aiohttp-apispec as its README shows: marshmallow request validation and a swagger spec."""

from __future__ import annotations

import asyncio
import warnings

from aiohttp_apispec import (
    docs,
    request_schema,
    response_schema,
    setup_aiohttp_apispec,
    validation_middleware,
)
from marshmallow import Schema, fields

import aiohttp
from aiohttp import web


class RequestSchema(Schema):
    id = fields.Int(required=True)
    name = fields.Str(description="name")


class ResponseSchema(Schema):
    msg = fields.Str()
    data = fields.Dict()


@docs(tags=["items"], summary="Create an item")
@request_schema(RequestSchema())
@response_schema(ResponseSchema(), 200)
async def create(request: web.Request) -> web.Response:
    return web.json_response({"msg": "done", "data": request["data"]})


async def main() -> None:
    app = web.Application(middlewares=[validation_middleware])
    app.router.add_post("/v1/items", create)
    with warnings.catch_warnings():
        # The plugin keeps its state under string keys, which aiohttp warns about.
        warnings.simplefilter("ignore", web.NotAppKeyWarning)
        setup_aiohttp_apispec(
            app=app,
            title="Items",
            version="v1",
            url="/api/docs/swagger.json",
            swagger_path="/api/docs",
        )
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    base = f"http://127.0.0.1:{runner.addresses[0][1]}"
    try:
        async with aiohttp.ClientSession() as session:
            async with session.post(f"{base}/v1/items", json={"id": 1, "name": "x"}) as resp:
                assert resp.status == 200
                assert await resp.json() == {"msg": "done", "data": {"id": 1, "name": "x"}}
            async with session.post(f"{base}/v1/items", json={"name": "x"}) as resp:
                assert resp.status == 422, resp.status
                assert await resp.json() == {"id": ["Missing data for required field."]}
            async with session.get(f"{base}/api/docs/swagger.json") as resp:
                spec = await resp.json()
            operation = spec["paths"]["/v1/items"]["post"]
            assert operation["summary"] == "Create an item"
            assert operation["tags"] == ["items"]
            async with session.get(f"{base}/api/docs") as resp:
                assert resp.status == 200
                assert "swagger" in (await resp.text()).lower()
    finally:
        await runner.cleanup()
    print("apispec ok")


asyncio.run(main())
