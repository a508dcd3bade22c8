"""Multipart benchmark: serialising and parsing a form with a 1 MiB file.

Metrics (forms per second, higher is better):

* ``write_form_1mib``: ``FormData`` with three text fields and a 1 MiB file
  turned into a ``multipart/form-data`` payload and written to a sink;
* ``read_form_1mib``: that body parsed back with ``MultipartReader`` from a
  ``StreamReader`` fed in 64 KiB blocks, text fields read whole and the file
  streamed with ``read_chunk`` as a server saving an upload does;
* ``read_form_1mib_whole``: the same, the file read with ``part.read()``.

The script imports ``aiohttp`` only (falling back to ``aiohttp_wire`` when the
meta-package does not re-export these names yet), so the same code times our
implementation in the development venv or the real aiohttp 3.13.3 in its own
venv::

    python tools/bench/wire_multipart.py --json     # {"write_form_1mib": ops_per_sec, ...}
    python tools/bench/wire_multipart.py [--quick]  # human-readable
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import importlib
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

__all__ = ("main", "run")

FILE_DATA = bytes(range(256)) * 4096  # 1 MiB, with CR, LF and dashes inside
FIELDS = (("title", "A quarterly report"), ("author", "Zoë Example"), ("tags", "a,b,c"))
FEED_BLOCK = 2**16


@functools.cache
def _api() -> tuple[Any, Any, Any]:
    """``(FormData, MultipartReader, StreamReader)`` from whichever aiohttp is importable."""
    try:
        aiohttp = importlib.import_module("aiohttp")
        streams = importlib.import_module("aiohttp.streams")
        return aiohttp.FormData, aiohttp.MultipartReader, streams.StreamReader
    except (ImportError, AttributeError):
        from aiohttp_wire.formdata import FormData
        from aiohttp_wire.multipart import MultipartReader
        from aiohttp_wire.streams import StreamReader
    return FormData, MultipartReader, StreamReader


class _Protocol:
    """The least a StreamReader needs from its protocol (flow control hooks)."""

    transport = None
    connected = True
    _reading_paused = False

    def pause_reading(self) -> None:
        self._reading_paused = True

    def resume_reading(self) -> None:
        self._reading_paused = False


class _Sink:
    """A stream writer that only counts bytes."""

    def __init__(self) -> None:
        self.size = 0
        self.buffer_size = 0
        self.output_size = 0

    async def write(self, chunk: Any) -> None:
        self.size += len(chunk)

    async def drain(self) -> None:
        pass


class _Collect(_Sink):
    """A stream writer that keeps what it is given."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[bytes] = []

    async def write(self, chunk: Any) -> None:
        self.parts.append(bytes(chunk))


def _form() -> Any:
    form_data, _, _ = _api()
    form = form_data()
    for name, value in FIELDS:
        form.add_field(name, value)
    form.add_field(
        "upload", FILE_DATA, filename="report.bin", content_type="application/octet-stream"
    )
    return form


async def _write_once() -> None:
    payload = _form()()
    await payload.write(_Sink())


async def _serialized() -> tuple[bytes, str]:
    payload = _form()()
    sink = _Collect()
    await payload.write(sink)
    return b"".join(sink.parts), payload.content_type


def _stream(body: bytes, loop: asyncio.AbstractEventLoop) -> Any:
    _, _, stream_reader = _api()
    stream = stream_reader(_Protocol(), FEED_BLOCK, loop=loop)
    view = memoryview(body)
    for i in range(0, len(body), FEED_BLOCK):
        stream.feed_data(bytes(view[i : i + FEED_BLOCK]))
    stream.feed_eof()
    return stream


async def _read_once(body: bytes, ctype: str, *, whole: bool) -> None:
    _, multipart_reader, _ = _api()
    reader = multipart_reader({"Content-Type": ctype}, _stream(body, asyncio.get_running_loop()))
    size = 0
    while True:
        part = await reader.next()
        if part is None:
            break
        if part.filename is None:
            await part.text()
        elif whole:
            size += len(await part.read())
        else:
            while chunk := await part.read_chunk(FEED_BLOCK):
                size += len(chunk)
    if size != len(FILE_DATA):
        raise RuntimeError(f"parsed {size} file bytes, expected {len(FILE_DATA)}")


async def _rate(func: Callable[[], Awaitable[None]], seconds: float) -> float:
    """Calls per second of ``func`` over about ``seconds`` (after one warm-up call)."""
    await func()
    count = 0
    start = time.perf_counter()
    deadline = start + seconds
    while True:
        await func()
        count += 1
        now = time.perf_counter()
        if now >= deadline:
            return count / (now - start)


async def run(seconds: float, repeats: int) -> dict[str, float]:
    """Best rate of each metric over ``repeats`` runs of about ``seconds`` each."""
    body, ctype = await _serialized()
    cases: dict[str, Callable[[], Awaitable[None]]] = {
        "write_form_1mib": _write_once,
        "read_form_1mib": lambda: _read_once(body, ctype, whole=False),
        "read_form_1mib_whole": lambda: _read_once(body, ctype, whole=True),
    }
    results: dict[str, float] = {}
    for name, func in cases.items():
        results[name] = max([await _rate(func, seconds) for _ in range(repeats)])
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--quick", action="store_true", help="a shorter run")
    args = parser.parse_args(argv)
    seconds, repeats = (0.3, 1) if args.quick else (1.0, 3)
    results = asyncio.run(run(seconds, repeats))
    if args.json:
        print(json.dumps(results))
    else:
        for name, value in results.items():
            print(f"{name:24} {value:10,.1f} /s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
