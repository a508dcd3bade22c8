"""aiohttp-asgi-connector as its README shows: our ClientSession calls an ASGI app in-process.

The connector subclasses ``BaseConnector`` and hands the session a transport
of its own, so this exercises the connector/protocol seams of our client.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from aiohttp_asgi_connector import ASGIApplicationConnector

import aiohttp

Message = MutableMapping[str, Any]


async def asgi_app(
    scope: Message,
    receive: Callable[[], Awaitable[Message]],
    send: Callable[[Message], Awaitable[None]],
) -> None:
    assert scope["type"] == "http"
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    headers = [(b"content-type", b"application/json"), (b"x-path", scope["path"].encode())]
    await send({"type": "http.response.start", "status": 201 if body else 200, "headers": headers})
    query = scope["query_string"].decode()
    await send(
        {
            "type": "http.response.body",
            "body": f'{{"got": "{body.decode()}", "q": "{query}"}}'.encode(),
        }
    )


async def main() -> None:
    connector = ASGIApplicationConnector(asgi_app)
    async with aiohttp.ClientSession(base_url="http://app.local", connector=connector) as session:
        async with session.post("/items", data=b"abc") as resp:
            assert resp.status == 201
            assert resp.headers["X-Path"] == "/items"
            assert await resp.json() == {"got": "abc", "q": ""}
        async with session.get("/items", params={"page": "2"}) as resp:
            assert resp.status == 200
            assert await resp.json() == {"got": "", "q": "page=2"}
    print("asgi connector ok")


asyncio.run(main())
