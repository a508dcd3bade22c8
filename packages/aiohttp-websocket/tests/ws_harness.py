"""A minimal upgrade handshake over real sockets, to run ``WebSocketConnection`` alone.

The HTTP side here is deliberately tiny (it is not what is under test): it
reads one head, answers or checks the 101 with our handshake helpers, then
hands the transport to ``WebSocketReader``/``WebSocketWriter``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

from multidict import CIMultiDict

from aiohttp_websocket.connection import (
    WebSocketConnection,
    WebSocketDataQueue,
    WebSocketReader,
    WebSocketWriter,
)
from aiohttp_websocket.deflate import ws_ext_gen, ws_ext_parse
from aiohttp_websocket.handshake import make_ws_key, server_handshake, ws_accept
from aiohttp_wire.base_protocol import BaseProtocol


class Endpoint(WebSocketConnection):
    """The shared messaging API with a plain transport underneath."""

    def __init__(
        self,
        *,
        timeout: float = 5.0,
        receive_timeout: float | None = None,
        autoclose: bool = True,
        autoping: bool = True,
        heartbeat: float | None = None,
    ) -> None:
        self._ws_init(
            timeout=timeout,
            receive_timeout=receive_timeout,
            autoclose=autoclose,
            autoping=autoping,
            heartbeat=heartbeat,
            compress=0,
        )
        self.transport: asyncio.Transport | None = None

    def _close_transport(self) -> None:
        if self.transport is not None:
            self.transport.close()


class HandshakeProtocol(BaseProtocol):
    """Performs the opening handshake, then feeds the endpoint's reader."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        endpoint: Endpoint,
        *,
        is_client: bool,
        compress: bool = True,
        max_msg_size: int = 4 * 1024 * 1024,
        protocols: Iterable[str] = (),
        limit: int = 2**16,
    ) -> None:
        super().__init__(loop)
        self.endpoint = endpoint
        self.is_client = is_client
        self.compress = compress
        self.max_msg_size = max_msg_size
        self.protocols = tuple(protocols)
        self.limit = limit
        self.ready: asyncio.Future[Endpoint] = loop.create_future()
        self.lost: asyncio.Future[None] = loop.create_future()
        self._buf = b""
        self._key = make_ws_key()
        self._reader: WebSocketReader | None = None

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        if self.is_client:
            lines = [
                "GET / HTTP/1.1",
                "Host: test",
                "Upgrade: websocket",
                "Connection: Upgrade",
                f"Sec-WebSocket-Key: {self._key}",
                "Sec-WebSocket-Version: 13",
            ]
            if self.protocols:
                lines.append("Sec-WebSocket-Protocol: " + ", ".join(self.protocols))
            if self.compress:
                lines.append("Sec-WebSocket-Extensions: " + ws_ext_gen())
            transport.write(("\r\n".join(lines) + "\r\n\r\n").encode())

    def data_received(self, data: bytes) -> None:
        if self._reader is not None:
            self._reader.feed_data(data)
            return
        self._buf += data
        head, sep, tail = self._buf.partition(b"\r\n\r\n")
        if not sep:
            return
        first, *lines = head.decode("latin-1").split("\r\n")
        headers: CIMultiDict[str] = CIMultiDict()
        for line in lines:
            name, _, value = line.partition(":")
            headers.add(name.strip(), value.strip())
        transport = self.transport
        assert transport is not None
        try:
            if self.is_client:
                assert first.split()[1] == "101", first
                assert headers["Sec-WebSocket-Accept"] == ws_accept(self._key)
                compress, notakeover = ws_ext_parse(headers.get("Sec-WebSocket-Extensions"))
                protocol = headers.get("Sec-WebSocket-Protocol")
            else:
                result = server_handshake(headers, self.protocols, self.compress)
                response = "HTTP/1.1 101 Switching Protocols\r\n" + "".join(
                    f"{name}: {value}\r\n" for name, value in result.headers
                )
                transport.write(response.encode() + b"\r\n")
                compress, notakeover = result.compress, result.notakeover
                protocol = result.protocol
        except Exception as exc:
            self.ready.set_exception(exc)
            transport.close()
            return
        loop = asyncio.get_running_loop()
        queue = WebSocketDataQueue(self, self.limit, loop=loop)
        reader = WebSocketReader(
            queue, self.max_msg_size, compress=compress, is_client=self.is_client
        )
        writer = WebSocketWriter(
            self, transport, use_mask=self.is_client, compress=compress, notakeover=notakeover
        )
        endpoint = self.endpoint
        endpoint._compress = compress
        endpoint._protocol = protocol
        endpoint.transport = transport
        endpoint._ws_attach(reader, writer, loop)
        self._reader = reader
        if tail:
            reader.feed_data(tail)
        self.ready.set_result(endpoint)

    def connection_lost(self, exc: BaseException | None) -> None:
        super().connection_lost(exc)
        if self._reader is not None:
            self._reader.feed_eof()
        elif not self.ready.done():
            self.ready.set_exception(ConnectionResetError("lost during handshake"))
        if not self.lost.done():
            self.lost.set_result(None)


async def open_client(port: int, endpoint: Endpoint | None = None, **kwargs: Any) -> Endpoint:
    """Connect our client endpoint to 127.0.0.1:``port``."""
    loop = asyncio.get_running_loop()
    endpoint = endpoint or Endpoint()
    _, proto = await loop.create_connection(
        lambda: HandshakeProtocol(loop, endpoint, is_client=True, **kwargs), "127.0.0.1", port
    )
    return await asyncio.wait_for(proto.ready, 5)


async def start_server(
    make_endpoint: Any, **kwargs: Any
) -> tuple[asyncio.Server, asyncio.Queue[Endpoint]]:
    """Listen on 127.0.0.1; each handshaken server endpoint is put on the queue."""
    loop = asyncio.get_running_loop()
    accepted: asyncio.Queue[Endpoint] = asyncio.Queue()

    def factory() -> HandshakeProtocol:
        proto = HandshakeProtocol(loop, make_endpoint(), is_client=False, **kwargs)
        proto.ready.add_done_callback(
            lambda fut: accepted.put_nowait(fut.result()) if not fut.exception() else None
        )
        return proto

    server = await loop.create_server(factory, "127.0.0.1", 0)
    return server, accepted
