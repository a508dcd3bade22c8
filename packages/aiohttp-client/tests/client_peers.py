"""Loopback peers we did not write (raw asyncio sockets), shared by the client tests."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

from yarl import URL

__all__ = ("RawHandler", "RawRequest", "RawServer", "read_request", "respond")

RawHandler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


class RawRequest:
    """One request head (and body, when framed by Content-Length) as the raw server saw it."""

    def __init__(self, head: bytes, body: bytes) -> None:
        self.head = head
        lines = head.decode("latin-1").split("\r\n")
        self.method, self.target, self.version = lines[0].split(" ", 2)
        self.headers: list[tuple[str, str]] = []
        for line in lines[1:]:
            if line:
                name, _, value = line.partition(":")
                self.headers.append((name.strip(), value.strip()))
        self.body = body

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (case-insensitive)."""
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def all(self, name: str) -> list[str]:
        """Every value of header ``name``."""
        return [v for k, v in self.headers if k.lower() == name.lower()]


async def read_request(reader: asyncio.StreamReader) -> RawRequest:
    """Read one request: its head, then a Content-Length or chunked body."""
    head = await reader.readuntil(b"\r\n\r\n")
    req = RawRequest(head[:-4], b"")
    length = req.header("content-length")
    if length is not None:
        req.body = await reader.readexactly(int(length))
    elif (req.header("transfer-encoding") or "").lower() == "chunked":
        body = bytearray()
        while True:
            size_line = await reader.readuntil(b"\r\n")
            size = int(size_line.split(b";")[0], 16)
            if size == 0:
                await reader.readuntil(b"\r\n")
                break
            body += await reader.readexactly(size)
            await reader.readexactly(2)
        req.body = bytes(body)
    return req


class RawServer:
    """Runs a handler per connection; counts connections."""

    def __init__(self) -> None:
        self.servers: list[asyncio.AbstractServer] = []
        self.connections = 0
        self.writers: list[asyncio.StreamWriter] = []

    async def start(self, handler: RawHandler) -> URL:
        """Serve ``handler`` on a fresh loopback port; return the base URL."""

        async def wrapped(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            self.connections += 1
            self.writers.append(writer)
            try:
                await handler(reader, writer)
            except (ConnectionError, asyncio.IncompleteReadError):
                pass
            finally:
                writer.close()

        server = await asyncio.start_server(wrapped, "127.0.0.1", 0)
        self.servers.append(server)
        port = server.sockets[0].getsockname()[1]
        return URL(f"http://127.0.0.1:{port}")

    async def close(self) -> None:
        for writer in self.writers:
            writer.close()
        for server in self.servers:
            server.close()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(5):
                    await server.wait_closed()


def respond(status: str, headers: list[tuple[str, str]], body: bytes = b"") -> bytes:
    """Serialise a response the simple way, for raw handlers."""
    lines = [f"HTTP/1.1 {status}"] + [f"{k}: {v}" for k, v in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Copy ``reader`` into ``writer`` until EOF, then close it (one direction of a tunnel)."""
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except ConnectionError:
        pass
    finally:
        with contextlib.suppress(Exception):
            writer.close()
