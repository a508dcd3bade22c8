"""aiohttp-sse as its README shows: sse_response / EventSourceResponse streamed to our client."""

from __future__ import annotations

import asyncio

from aiohttp_sse import EventSourceResponse, sse_response

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer


async def events(request: web.Request) -> web.StreamResponse:
    async with sse_response(request) as resp:
        resp.ping_interval = 60
        for i in range(3):
            await resp.send(f"tick {i}", id=str(i), event="tick")
        await resp.send("line one\nline two", retry=1500)
    return resp


async def last_id(request: web.Request) -> web.StreamResponse:
    async with sse_response(request, response_cls=EventSourceResponse) as resp:
        await resp.send(f"resume after {resp.last_event_id}")
    return resp


def parse(stream: str) -> list[dict[str, str]]:
    """Split an event stream into events (fields joined as the EventSource spec says)."""
    found = []
    for block in stream.replace("\r\n", "\n").split("\n\n"):
        if not block.strip():
            continue
        fields: dict[str, str] = {}
        for line in block.split("\n"):
            name, _, value = line.partition(": ")
            fields[name] = f"{fields[name]}\n{value}" if name in fields else value
        found.append(fields)
    return found


async def main() -> None:
    app = web.Application()
    app.router.add_get("/events", events)
    app.router.add_get("/last", last_id)
    async with TestClient(TestServer(app)) as client:
        async with client.get("/events") as resp:
            assert resp.status == 200
            assert resp.content_type == "text/event-stream", resp.headers
            assert resp.headers["Cache-Control"] == "no-cache"
            lines = []
            async for line in resp.content:
                lines.append(line.decode())
        got = parse("".join(lines))
        assert got[:3] == [
            {"id": str(i), "event": "tick", "data": f"tick {i}"} for i in range(3)
        ], got
        assert got[3] == {"data": "line one\nline two", "retry": "1500"}, got[3]
        assert len(got) == 4

        async with client.get("/last", headers={"Last-Event-ID": "41"}) as resp:
            assert parse(await resp.text()) == [{"data": "resume after 41"}]
    print("sse ok")


asyncio.run(main())
