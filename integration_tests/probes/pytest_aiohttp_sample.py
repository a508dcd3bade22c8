"""A user's test written for pytest-aiohttp; run by pytest inside the full profile."""

from aiohttp import web


async def hello(request: web.Request) -> web.Response:
    return web.Response(text="Hello, world")


async def test_hello(aiohttp_client) -> None:  # type: ignore[no-untyped-def]
    app = web.Application()
    app.router.add_get("/", hello)
    client = await aiohttp_client(app)
    resp = await client.get("/")
    assert resp.status == 200
    assert await resp.text() == "Hello, world"


async def test_raw_server(aiohttp_raw_server, aiohttp_client) -> None:  # type: ignore[no-untyped-def]
    async def handler(request: web.BaseRequest) -> web.Response:
        return web.Response(text="raw")

    client = await aiohttp_client(await aiohttp_raw_server(handler))
    assert await (await client.get("/")).text() == "raw"
