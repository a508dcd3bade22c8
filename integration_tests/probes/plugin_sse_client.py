"""aiohttp-sse-client as its README shows: an EventSource over our client, with reconnection.

The server closes the stream after two events; the client reconnects on its
own, sending ``Last-Event-ID``, and the server resumes after that id.
"""

from __future__ import annotations

import asyncio

from aiohttp_sse_client import client as sse_client

from aiohttp import web

seen_last_ids: list[str | None] = []


async def stream(request: web.Request) -> web.StreamResponse:
    last = request.headers.get("Last-Event-ID")
    seen_last_ids.append(last)
    start = int(last) + 1 if last is not None else 0
    resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
    await resp.prepare(request)
    await resp.write(b"retry: 10\n\n")
    for i in range(start, start + 2):
        await resp.write(f"id: {i}\nevent: tick\ndata: n={i}\n\n".encode())
    await resp.write_eof()
    return resp


async def main() -> None:
    app = web.Application()
    app.router.add_get("/events", stream)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/events"
    received = []
    try:
        async with asyncio.timeout(20):
            async with sse_client.EventSource(url) as source:
                async for event in source:
                    received.append((event.type, event.data, event.last_event_id))
                    if len(received) == 4:
                        break
    finally:
        await runner.cleanup()
    assert received == [("tick", f"n={i}", str(i)) for i in range(4)], received
    assert seen_last_ids[:2] == [None, "1"], seen_last_ids
    print("sse client ok")


asyncio.run(main())
