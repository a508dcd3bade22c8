"""WebSocket benchmark: aiohttp client against an aiohttp server, both from ``aiohttp``.

Metrics (higher is better):

* ``echo_small_32_msgs_per_s``: 32 connections, each sending a 64-byte TEXT
  message and awaiting its echo, in messages per second;
* ``roundtrip_1mib_mbps``: one connection sending a 1 MiB BINARY message and
  receiving it back, in MB of payload round-tripped per second;
* ``echo_small_32_msgs_per_cpu_s`` and ``roundtrip_1mib_mb_per_cpu_s``: the
  same work per CPU second of client and server together, steadier than
  wall-clock rates on a loaded machine.

The echo server runs in a child process (the same interpreter, ``--serve``)
so that client and server each get a core. Only ``aiohttp`` is imported, so
the same script measures our meta-package or the real aiohttp 3.13.3::

    python tools/bench/websocket.py --json [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time

import aiohttp
from aiohttp import web

__all__ = ("main",)

CONNECTIONS = 32
SMALL = "x" * 64
BIG = os.urandom(1024 * 1024)


async def _echo(request: web.Request) -> web.WebSocketResponse:
    ws = web.WebSocketResponse(max_msg_size=0)
    await ws.prepare(request)
    async for msg in ws:
        if msg.type is aiohttp.WSMsgType.TEXT:
            await ws.send_str(msg.data)
        elif msg.type is aiohttp.WSMsgType.BINARY:
            await ws.send_bytes(msg.data)
    return ws


async def _serve() -> None:
    app = web.Application()
    app.router.add_get("/ws", _echo)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    print(port, flush=True)
    # Answer each line on stdin with our CPU time; serve until stdin closes.
    loop = asyncio.get_running_loop()
    while await loop.run_in_executor(None, sys.stdin.readline):
        print(time.process_time(), flush=True)
    await runner.cleanup()


async def _drive(ws: aiohttp.ClientWebSocketResponse, count: int) -> None:
    """Send ``count`` small messages, waiting for each echo."""
    for _ in range(count):
        await ws.send_str(SMALL)
        await ws.receive()


class _Clock:
    """Wall time and the CPU time of this process plus the server's."""

    def __init__(self, server: subprocess.Popen[str]) -> None:
        self._server = server

    def _server_cpu(self) -> float:
        assert self._server.stdin is not None and self._server.stdout is not None
        self._server.stdin.write("cpu\n")
        self._server.stdin.flush()
        return float(self._server.stdout.readline())

    def read(self) -> tuple[float, float]:
        return time.perf_counter(), time.process_time() + self._server_cpu()


async def _echo_small(url: str, per_conn: int, clock: _Clock) -> tuple[float, float]:
    async with aiohttp.ClientSession() as session:
        sockets = [await session.ws_connect(url, max_msg_size=0) for _ in range(CONNECTIONS)]
        # Warm up, then measure.
        await asyncio.gather(*(_drive(ws, 10) for ws in sockets))
        wall, cpu = clock.read()
        await asyncio.gather(*(_drive(ws, per_conn) for ws in sockets))
        wall_end, cpu_end = clock.read()
        for ws in sockets:
            await ws.close()
    count = CONNECTIONS * per_conn
    return count / (wall_end - wall), count / (cpu_end - cpu)


async def _roundtrip_big(url: str, rounds: int, clock: _Clock) -> tuple[float, float]:
    async with aiohttp.ClientSession() as session:
        ws = await session.ws_connect(url, max_msg_size=0)
        await ws.send_bytes(BIG)
        await ws.receive()
        wall, cpu = clock.read()
        for _ in range(rounds):
            await ws.send_bytes(BIG)
            msg = await ws.receive()
            assert len(msg.data) == len(BIG)
        wall_end, cpu_end = clock.read()
        await ws.close()
    megabytes = rounds * len(BIG) / 1e6
    return megabytes / (wall_end - wall), megabytes / (cpu_end - cpu)


async def _bench(url: str, quick: bool, clock: _Clock) -> dict[str, float]:
    echo, echo_cpu = await _echo_small(url, 100 if quick else 1000, clock)
    big, big_cpu = await _roundtrip_big(url, 10 if quick else 60, clock)
    return {
        "echo_small_32_msgs_per_s": echo,
        "roundtrip_1mib_mbps": big,
        "echo_small_32_msgs_per_cpu_s": echo_cpu,
        "roundtrip_1mib_mb_per_cpu_s": big_cpu,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--quick", action="store_true", help="a shorter run")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        asyncio.run(_serve())
        return
    proc = subprocess.Popen(
        [sys.executable, __file__, "--serve"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        port = int(proc.stdout.readline())
        metrics = asyncio.run(_bench(f"http://127.0.0.1:{port}/ws", args.quick, _Clock(proc)))
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
    if args.json:
        print(json.dumps(metrics))
    else:
        print(f"aiohttp {aiohttp.__version__} from {aiohttp.__file__}")
        for name, value in metrics.items():
            print(f"{name:28} {value:14,.1f}")


if __name__ == "__main__":
    main()
