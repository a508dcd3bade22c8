"""HTTP/1.1 parser benchmark through ``aiohttp.http_parser``.

Metrics (messages per second, higher is better):

* ``request_head``: a typical browser-like GET with ten headers, one request
  per ``feed_data`` call on a keep-alive parser;
* ``request_head_varied``: that GET with its ``Cookie`` and ``X-Request-Id``
  values different in every request (4,096 variants in turn), so that two of
  its ten header lines are new to the parser each time;
* ``request_pipelined``: the same request, sixteen per ``feed_data`` call;
* ``request_post_body``: a POST with a 1 KiB Content-Length body;
* ``response_chunked``: a response with four 1 KiB chunks and the terminating
  chunk, one response per ``feed_data`` call;
* ``response_head``: a typical API response (eight headers, a 64-byte JSON
  body with Content-Length), one per ``feed_data`` call;
* ``chunked_1mib``: a response carrying 1 MiB in sixteen 64 KiB chunks, fed
  in 64 KiB blocks as a socket delivers it (responses per second; multiply
  by one MiB for the throughput);
* ``multipart_64_serialize``: a ``multipart/form-data`` body of 64 small
  fields (every eighth one a file) built with ``MultipartWriter`` and written
  out (forms per second);
* ``multipart_64_parse``: that body read back with ``MultipartReader`` from a
  ``StreamReader``, every part read whole (forms per second).

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
import itertools
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
TYPICAL_RESPONSE = (
    b"HTTP/1.1 200 OK\r\n"
    b"Server: nginx/1.25.3\r\n"
    b"Date: Sun, 29 Nov 2026 18:00:00 GMT\r\n"
    b"Content-Type: application/json; charset=utf-8\r\n"
    b"Content-Length: 64\r\n"
    b"Connection: keep-alive\r\n"
    b"Cache-Control: no-cache\r\n"
    b"Vary: Accept-Encoding\r\n"
    b"X-Request-Id: 5f2b8c1e-7d4a-4b7e-9c3f-1a2b3c4d5e6f\r\n"
    b"\r\n" + b'{"id": 42, "name": "widget", "tags": ["a", "b"], "ok": true}    '
)
BIG_CHUNK = b"z" * 2**16
BIG_RESPONSE = (
    b"HTTP/1.1 200 OK\r\n"
    b"Content-Type: application/octet-stream\r\n"
    b"Transfer-Encoding: chunked\r\n"
    b"\r\n" + b"".join(b"10000\r\n" + BIG_CHUNK + b"\r\n" for _ in range(16)) + b"0\r\n\r\n"
)
FEED_BLOCK = 2**16
VARIANTS = 4096
FORM_PARTS = 64
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


def _multipart() -> tuple[Any, Any, Any, Any]:
    """``(MultipartWriter, MultipartReader, StreamReader, BytesPayload)`` of either side."""
    try:
        import aiohttp
        from aiohttp.payload import BytesPayload
        from aiohttp.streams import StreamReader

        return aiohttp.MultipartWriter, aiohttp.MultipartReader, StreamReader, BytesPayload
    except (ImportError, AttributeError):
        from aiohttp_wire.multipart import MultipartReader, MultipartWriter
        from aiohttp_wire.payload import BytesPayload
        from aiohttp_wire.streams import StreamReader

        return MultipartWriter, MultipartReader, StreamReader, BytesPayload


class _Sink:
    """A stream writer that keeps what it is given."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.buffer_size = 0
        self.output_size = 0

    async def write(self, chunk: Any) -> None:
        self.parts.append(bytes(chunk))

    async def drain(self) -> None:
        pass


def _form() -> Any:
    """The 64-part form: text fields, every eighth part a small file."""
    writer_cls, _, _, bytes_payload = _multipart()
    writer = writer_cls("form-data", boundary="bench-boundary-7d4a4b7e9c3f")
    for i in range(FORM_PARTS):
        if i % 8 == 7:
            payload = bytes_payload(b"\x89PNG\r\n--" * 20, content_type="image/png")
            payload.set_content_disposition("form-data", name=f"file{i}", filename=f"f{i}.png")
        else:
            payload = bytes_payload(
                f"value number {i} with some text".encode(), content_type="text/plain"
            )
            payload.set_content_disposition("form-data", name=f"field{i}")
        writer.append_payload(payload)
    return writer


async def _serialize_form() -> bytes:
    sink = _Sink()
    await _form().write(sink)
    return b"".join(sink.parts)


async def _parse_form(body: bytes, ctype: str, proto: Any) -> int:
    _, reader_cls, stream_cls, _ = _multipart()
    stream = stream_cls(proto, FEED_BLOCK, loop=asyncio.get_running_loop())
    stream.feed_data(body)
    stream.feed_eof()
    reader = reader_cls({"Content-Type": ctype}, stream)
    count = 0
    while True:
        part = await reader.next()
        if part is None:
            return count
        await part.read()
        count += 1


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
            for _ in range(5):
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

        varied = itertools.cycle(
            [
                REQUEST.replace(b"5f2b8c1e-7d4a-4b7e-9c3f-1a2b3c4d5e6f", b"%036d" % i).replace(
                    b"session=0123456789abcdef", b"session=%016x" % i
                )
                for i in range(VARIANTS)
            ]
        )
        varied_parser = req_cls(proto, loop, 2**16)

        def request_head_varied() -> int:
            messages, _, _ = varied_parser.feed_data(next(varied))
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

        typical_parser = resp_cls(proto, loop, 2**16, read_until_eof=True)

        def response_head() -> int:
            messages, _, _ = typical_parser.feed_data(TYPICAL_RESPONSE)
            return len(messages)

        big_parser = resp_cls(proto, loop, 2**16, read_until_eof=True)
        blocks = [BIG_RESPONSE[i : i + FEED_BLOCK] for i in range(0, len(BIG_RESPONSE), FEED_BLOCK)]

        def chunked_1mib() -> int:
            count = 0
            for block in blocks:
                messages, _, _ = big_parser.feed_data(block)
                count += len(messages)
            return count

        def multipart_64_serialize() -> int:
            loop.run_until_complete(_serialize_form())
            return 1

        form_body = loop.run_until_complete(_serialize_form())
        form_type = _form().content_type

        def multipart_64_parse() -> int:
            parts = loop.run_until_complete(_parse_form(form_body, form_type, proto))
            return parts // FORM_PARTS

        steps = (
            request_head,
            request_head_varied,
            request_pipelined,
            request_post_body,
            response_chunked,
            response_head,
            chunked_1mib,
            multipart_64_serialize,
            multipart_64_parse,
        )
        for step in steps:
            if step() < 1:
                raise RuntimeError(f"{step.__name__}: the parser produced no message")
        return {step.__name__: _time(step, seconds) for step in steps}
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
        print(f"{metric:24} {value:>12,.0f} /s")


if __name__ == "__main__":
    main()
