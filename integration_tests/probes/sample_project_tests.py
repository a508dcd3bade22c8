"""A sample project's test module, written for aiohttp's own pytest plugin.

Run by pytest inside the full profile with no pytest-asyncio: the plugin
drives the ``async def`` tests, as aiohttp's does.
"""

from __future__ import annotations

import pytest

from aiohttp import InvalidUrlClientError, web
from aiohttp.test_utils import AioHTTPTestCase, TestClient, TestServer

pytest_plugins = "aiohttp.pytest_plugin"

counter = web.AppKey("counter", int)


async def hello(request: web.Request) -> web.Response:
    request.app[counter] += 1
    return web.Response(text="ok")


def create_app() -> web.Application:
    app = web.Application()
    app[counter] = 0
    app.router.add_get("/", hello)
    return app


async def test_with_the_fixture(aiohttp_client) -> None:  # type: ignore[no-untyped-def]
    client = await aiohttp_client(create_app())
    resp = await client.get("/")
    assert resp.status == 200
    assert await resp.text() == "ok"
    assert client.app[counter] == 1


async def test_by_hand() -> None:
    async with TestClient(TestServer(create_app())) as client:
        resp = await client.get("/")
        assert await resp.text() == "ok"
        # client.session.request does not join relative paths to the server root.
        with pytest.raises(InvalidUrlClientError):
            await client.session.request("GET", "/")


def test_client_needs_a_test_server() -> None:
    with pytest.raises(TypeError):
        TestClient(create_app())  # type: ignore[arg-type]


class TestWithTestCase(AioHTTPTestCase):
    async def get_application(self) -> web.Application:
        return create_app()

    async def test_get(self) -> None:
        resp = await self.client.request("GET", "/")
        assert resp.status == 200
        assert await resp.text() == "ok"
        assert self.app[counter] == 1
