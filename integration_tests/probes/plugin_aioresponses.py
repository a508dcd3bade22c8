"""aioresponses as its README shows: mocked GET/POST, payloads, callbacks, exceptions."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from aioresponses import CallbackResult, aioresponses
from yarl import URL

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer


async def real(request: web.Request) -> web.Response:
    return web.Response(text="from the real server")


async def main() -> None:
    server = TestServer(web.Application())
    server.app.router.add_get("/real", real)
    await server.start_server()
    real_url = str(server.make_url("/real"))
    try:
        with aioresponses(passthrough=[real_url]) as mocked:
            mocked.get("http://api.example.com/items", payload={"items": [1, 2]})
            mocked.post(
                "http://api.example.com/items",
                status=201,
                body="created",
                headers={"Location": "/items/3", "Set-Cookie": "sid=abc; Path=/"},
            )

            def echo(url: URL, **kwargs: Any) -> CallbackResult:
                return CallbackResult(status=202, payload={"got": kwargs["json"], "path": url.path})

            mocked.put(re.compile(r"^http://api\.example\.com/items/\d+$"), callback=echo)
            mocked.get(
                "http://down.example.com/", exception=aiohttp.ClientConnectionError("mocked down")
            )
            mocked.get("http://api.example.com/flaky", status=500, repeat=True)

            async with aiohttp.ClientSession() as session:
                async with session.get("http://api.example.com/items") as resp:
                    assert resp.status == 200
                    assert await resp.json() == {"items": [1, 2]}
                    assert resp.content_type == "application/json"

                async with session.post("http://api.example.com/items", data=b"x") as resp:
                    assert resp.status == 201
                    assert await resp.text() == "created"
                    assert resp.headers["Location"] == "/items/3"
                    assert resp.cookies["sid"].value == "abc"

                async with session.put("http://api.example.com/items/7", json={"n": 7}) as resp:
                    assert resp.status == 202
                    assert await resp.json() == {"got": {"n": 7}, "path": "/items/7"}

                down: Exception | None = None
                try:
                    await session.get("http://down.example.com/")
                except aiohttp.ClientConnectionError as exc:
                    down = exc
                assert "mocked down" in str(down)

                for _ in range(2):
                    async with session.get("http://api.example.com/flaky") as resp:
                        assert resp.status == 500
                        failure: aiohttp.ClientResponseError | None = None
                        try:
                            resp.raise_for_status()
                        except aiohttp.ClientResponseError as exc:
                            failure = exc
                        assert failure is not None and failure.status == 500

                async with session.get(real_url) as resp:
                    assert await resp.text() == "from the real server"

            mocked.assert_called_with("http://api.example.com/flaky", "GET")
            mocked.assert_any_call("http://api.example.com/items", "POST", data=b"x")
            calls = mocked.requests[("PUT", URL("http://api.example.com/items/7"))]
            assert calls[0].kwargs["json"] == {"n": 7}

            # Unmatched URLs fail like a refused connection.
            async with aiohttp.ClientSession() as session:
                try:
                    await session.get("http://api.example.com/nothing-here")
                except aiohttp.ClientConnectionError:
                    pass
                else:
                    raise AssertionError("an unmatched URL was answered")
    finally:
        await server.close()
    print("aioresponses ok")


if __name__ == "__main__":
    asyncio.run(main())
