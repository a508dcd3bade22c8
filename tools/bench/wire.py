"""HTTP/1.1 parser benchmark through ``aiohttp.http_parser``.

Metrics (messages per second, higher is better):

* ``request_head``: a typical browser-like GET with ten headers, one request
  per ``feed_data`` call on a keep-alive parser;
* ``request_pipelined``: the same request, sixteen per ``feed_data`` call;
* ``request_post_body``: a POST with a 1 KiB Content-Length body;
* ``response_chunked``: a response with four 1 KiB chunks and the terminating
  chunk, one response per ``feed_data`` call.

The script imports ``aiohttp`` only (falling back to ``aiohttp_wire`` when the
meta-package does not re-export the parser yet), so the same code times our
implementation in the development venv or the real aiohttp 3.13.3 in its own
venv::

    python tools/bench/wire.py --json     # {"request_head": ops_per_sec, ...}
    python tools/bench/wire.py [--quick]  # human-readable
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections.abc import Callable
from typing import Any

__all__ = ("main", "run")

REQUEST = (
    b"GET /api/v1/items?page=2&sort=name HTTP/1.1\r\n"
    b"Host: example.com\r\n"
    b"User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0\r\n"
    b"Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
    b"Accept-Language: en-US,en;q=0.5\r\n"
    b"Accept-Encoding: gzip, deflate, br\r\n"
    b"Connection: keep-alive\r\n"
    b"Cookie: session=0123456789abcdef; theme=dark\r\n"
    b"Upgrade-Insecure-Requests: 1\r\n"
    b"Cache-Control: max-age=0\r\n"
    b"X-Request-Id: 5f2b8c1e-7d4a-4b7e-9c3f-1a2b3c4d5e6f\r\n"
    b"\r\n"
)
POST = (
    b"POST /upload HTTP/1.1\r\n"
    b"Host: example.com\r\n"
    b"Content-Type: application/octet-stream\r\n"
    b"Content-Length: 1024\r\n"
    b"\r\n" + b"x" * 1024
)
CHUNK = b"y" * 1024
RESPONSE = (
    b"HTTP/1.1 200 OK\r\n"
    b"Server: nginx\r\n"
    b"Date: Sun, 29 Nov 2026 18:00:00 GMT\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n"
    b"Transfer-Encoding: chunked\r\n"
    b"Connection: keep-alive\r\n"
    b"\r\n" + b"".join(b"400\r\n" + CHUNK + b"\r\n" for _ in range(4)) + b"0\r\n\r\n"
)


class _Protocol:
    """The least a parser's payload needs from its protocol (flow control hooks)."""

    transport = None
    _reading_paused = False

    def pause_reading(self) -> None:
        self._reading_paused = True

    def resume_reading(self) -> None:
        self._reading_paused = False


def _parsers() -> tuple[Any, Any, str]:
    try:
        import aiohttp
        from aiohttp.http_parser import HttpRequestParser, HttpResponseParser

        return HttpRequestParser, HttpResponseParser, f"aiohttp {aiohttp.__version__}"
    except ImportError:
        from aiohttp_wire.http_parser import HttpRequestParser, HttpResponseParser

        return HttpRequestParser, HttpResponseParser, "aiohttp_wire"


def _time(step: Callable[[], int], seconds: float) -> float:
    """Best rate of ``step`` (which returns how many messages it parsed) over a few runs."""
    best = 0.0
    for _ in range(3):
        count = 0
        start = time.process_time()
        deadline = start + seconds / 3
        now = start
        while now < deadline:
            for _ in range(50):
                count += step()
            now = time.process_time()
        best = max(best, count / (now - start))
    return best


def run(impl: str = "aiohttp", seconds: float = 3.0) -> dict[str, float]:
    """Time each scenario; ``impl`` is informational (whatever ``aiohttp`` imports)."""
    req_cls, resp_cls, _ = _parsers()
    loop = asyncio.new_event_loop()
    proto = _Protocol()
    try:
        request_parser = req_cls(proto, loop, 2**16)

        def request_head() -> int:
            messages, _, _ = request_parser.feed_data(REQUEST)
            return len(messages)

        pipelined = REQUEST * 16
        pipe_parser = req_cls(proto, loop, 2**16)

        def request_pipelined() -> int:
            messages, _, _ = pipe_parser.feed_data(pipelined)
            return len(messages)

        post_parser = req_cls(proto, loop, 2**16)

        def request_post_body() -> int:
            messages, _, _ = post_parser.feed_data(POST)
            return len(messages)

        response_parser = resp_cls(proto, loop, 2**16, read_until_eof=True)

        def response_chunked() -> int:
            messages, _, _ = response_parser.feed_data(RESPONSE)
            return len(messages)

        for step in (request_head, request_pipelined, request_post_body, response_chunked):
            if step() < 1:
                raise RuntimeError(f"{step.__name__}: the parser produced no message")
        return {
            "request_head": _time(request_head, seconds),
            "request_pipelined": _time(request_pipelined, seconds),
            "request_post_body": _time(request_post_body, seconds),
            "response_chunked": _time(response_chunked, seconds),
        }
    finally:
        loop.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--quick", action="store_true", help="a shorter run")
    args = parser.parse_args()
    _, _, name = _parsers()
    results = run(name, 0.6 if args.quick else 3.0)
    if args.json:
        print(json.dumps(results))
        return
    print(f"parser: {name}")
    for metric, value in results.items():
        print(f"{metric:20} {value:>12,.0f} msg/s")


if __name__ == "__main__":
    main()
