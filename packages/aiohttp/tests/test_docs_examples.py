"""Every example in docs/examples runs, on our meta-package, over loopback."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType

import pytest

import aiohttp
from aiohttp.test_utils import TestClient, TestServer

EXAMPLES = Path(__file__).resolve().parents[3] / "docs" / "examples"


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def test_serve_app_health_and_ws_echo() -> None:
    app = load("serve_app").create_app()
    async with TestClient(TestServer(app)) as client:
        resp = await client.get("/health")
        assert resp.status == 200
        assert await resp.json() == {"status": "ok"}
        async with client.ws_connect("/ws") as ws:
            await ws.send_str("hello")
            assert await ws.receive_str() == "hello"
            await ws.send_bytes(b"\x00\x01")
            assert await ws.receive_bytes() == b"\x00\x01"


class _JsonHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = json.dumps({"path": self.path}).encode()
        status = 404 if self.path.startswith("/missing") else 200
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def stdlib_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _JsonHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    thread.join()


async def test_client_get_example(stdlib_server: str) -> None:
    fetch_json = load("client_get").fetch_json
    assert await fetch_json(f"{stdlib_server}/items", q="1") == {"path": "/items?q=1"}
    with pytest.raises(aiohttp.ClientResponseError) as info:
        await fetch_json(f"{stdlib_server}/missing")
    assert info.value.status == 404


def test_testing_example() -> None:
    assert asyncio.run(load("testing_example").main()) == "ok"
