"""Seed-style aiohttp client code, unchanged, against the seed server at argv[1]."""

from __future__ import annotations

import asyncio
import sys
from types import SimpleNamespace

import aiohttp

started: list[str] = []


async def on_request_start(
    session: aiohttp.ClientSession, ctx: SimpleNamespace, params: aiohttp.TraceRequestStartParams
) -> None:
    started.append(f"{params.method} {params.url.path}")


async def main(base: str) -> None:
    trace = aiohttp.TraceConfig()
    trace.on_request_start.append(on_request_start)
    async with aiohttp.ClientSession(trace_configs=[trace]) as session:
        async with session.get(f"{base}/health", params={"verbose": "1"}) as resp:
            resp.raise_for_status()
            assert await resp.json() == {"status": "ok"}
        async with session.post(f"{base}/echo", json={"a": [1, 2]}) as resp:
            assert await resp.json() == {"a": [1, 2]}
        async with session.post(f"{base}/form", data={"name": "world"}) as resp:
            assert await resp.text() == "hello world"
        async with session.get(f"{base}/items/42") as resp:
            assert (await resp.json())["id"] == 42
        try:
            async with session.get(f"{base}/missing") as resp:
                resp.raise_for_status()
        except aiohttp.ClientResponseError as exc:
            if exc.status != 404:
                raise
        else:
            raise AssertionError("a 404 did not raise")
        async with session.ws_connect(f"{base}/ws") as ws:
            await ws.send_str("hi")
            msg = await ws.receive()
            assert msg.type == aiohttp.WSMsgType.TEXT and msg.data == "hi/answer", msg
            await ws.send_bytes(b"\x00\x01")
            assert await ws.receive_bytes() == b"\x00\x01"
            await ws.send_str("close")
            msg = await ws.receive()
            assert msg.type == aiohttp.WSMsgType.CLOSE, msg
        assert ws.closed
    async with aiohttp.request("GET", f"{base}/health") as resp:
        assert resp.status == 200
    assert started == [
        "GET /health",
        "POST /echo",
        "POST /form",
        "GET /items/42",
        "GET /missing",
        "GET /ws",
    ], started
    print("seed client ok")


asyncio.run(main(sys.argv[1]))
