"""Run inside the client-only profile: a real request to a server we did not write,
or to the URL given on the command line."""

from __future__ import annotations

import asyncio
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import aiohttp_client


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = json.dumps({"path": self.path}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


async def main(port: int) -> None:
    async with aiohttp_client.ClientSession() as session:
        async with session.get(f"http://127.0.0.1:{port}/hello", params={"a": "1"}) as resp:
            resp.raise_for_status()
            assert await resp.json() == {"path": "/hello?a=1"}


async def health(url: str) -> None:
    async with aiohttp_client.ClientSession() as session:
        async with session.get(url) as resp:
            resp.raise_for_status()
            assert await resp.json() == {"status": "ok"}


if len(sys.argv) > 1:
    # Against the URL given: our own server, run from another profile.
    asyncio.run(health(sys.argv[1]))
else:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        asyncio.run(main(server.server_address[1]))
    finally:
        server.shutdown()
print("client request ok")
