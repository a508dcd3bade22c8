"""``WebSocketResponse``: the server end of a WebSocket, a thin layer over the shared core.

``prepare()`` validates the upgrade request, answers 101 and then takes the
connection over: the request's protocol (``RequestHandler``) is told, with
``set_parser``, to hand every later byte to our ``WebSocketReader``; frames
are written straight to the transport. The messaging API itself lives in
``aiohttp_websocket.connection.WebSocketConnection``, shared with the client.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, NamedTuple

from aiohttp_websocket.connection import (
    DEFAULT_LIMIT,
    WebSocketConnection,
    WebSocketDataQueue,
    WebSocketReader,
    WebSocketWriter,
)
from aiohttp_websocket.handshake import ServerHandshake, server_handshake
from aiohttp_websocket.models import WSHandshakeError, WSMsgType
from aiohttp_wire import hdrs
from aiohttp_wire.abc import AbstractStreamWriter
from aiohttp_wire.log import ws_logger

from .web_exceptions import HTTPBadRequest, HTTPException, HTTPMethodNotAllowed
from .web_response import StreamResponse

if TYPE_CHECKING:
    from .web_request import BaseRequest

__all__ = ["WSMsgType", "WebSocketReady", "WebSocketResponse"]


class WebSocketReady(NamedTuple):
    """What ``can_prepare()`` found: whether the upgrade would succeed, and the subprotocol."""

    ok: bool
    protocol: str | None

    def __bool__(self) -> bool:
        return self.ok


class WebSocketResponse(StreamResponse, WebSocketConnection):
    """A WebSocket served from a request handler: ``await ws.prepare(request)``, then talk."""

    _failure_is_abnormal = True

    def __init__(
        self,
        *,
        timeout: float = 10.0,
        receive_timeout: float | None = None,
        autoclose: bool = True,
        autoping: bool = True,
        heartbeat: float | None = None,
        protocols: Iterable[str] = (),
        compress: bool = True,
        max_msg_size: int = 4 * 1024 * 1024,
        writer_limit: int = DEFAULT_LIMIT,
    ) -> None:
        super().__init__(status=101)
        self._ws_init(
            timeout=timeout,
            receive_timeout=receive_timeout,
            autoclose=autoclose,
            autoping=autoping,
            heartbeat=heartbeat,
            compress=compress,
        )
        self._protocols = tuple(protocols)
        self._max_msg_size = max_msg_size
        self._writer_limit = writer_limit

    # -- handshake ----------------------------------------------------------------

    def _handshake(self, request: BaseRequest) -> ServerHandshake:
        if request.method != hdrs.METH_GET:
            raise HTTPMethodNotAllowed(request.method, [hdrs.METH_GET])
        try:
            result = server_handshake(request.headers, self._protocols, bool(self._compress))
        except WSHandshakeError as exc:
            raise HTTPBadRequest(text=str(exc)) from exc
        if result.protocol is None and self._protocols:
            offered = request.headers.get(hdrs.SEC_WEBSOCKET_PROTOCOL)
            if offered:
                ws_logger.warning(
                    "Client protocols %r don't overlap server-known ones %r",
                    offered,
                    self._protocols,
                )
        return result

    def can_prepare(self, request: BaseRequest) -> WebSocketReady:
        """Check whether ``prepare(request)`` would upgrade, without answering."""
        if self._writer is not None:
            raise RuntimeError("Already started")
        try:
            result = self._handshake(request)
        except HTTPException:
            return WebSocketReady(False, None)
        return WebSocketReady(True, result.protocol)

    async def prepare(self, request: BaseRequest) -> AbstractStreamWriter | None:
        """Answer 101 Switching Protocols and start the WebSocket.

        Raises ``HTTPMethodNotAllowed`` for a method other than GET and
        ``HTTPBadRequest`` for any other invalid upgrade request.
        """
        if self._eof_sent:
            return None
        if self._payload_writer is not None:
            return self._payload_writer
        result = self._handshake(request)
        protocol = request.protocol
        transport = request.transport
        if transport is None:
            raise ConnectionResetError("Connection lost")
        self._headers.update(result.headers)
        self._protocol = result.protocol
        self._compress = result.compress
        payload_writer = await super().prepare(request)
        assert payload_writer is not None
        # The 101 goes out now, ahead of any frame written to the transport.
        payload_writer.send_headers()
        loop = asyncio.get_running_loop()
        queue = WebSocketDataQueue(protocol, 2**16, loop=loop)
        reader = WebSocketReader(
            queue, self._max_msg_size, compress=result.compress, is_client=False
        )
        writer = WebSocketWriter(
            protocol,
            transport,
            limit=self._writer_limit,
            compress=result.compress,
            notakeover=result.notakeover,
        )
        self._ws_attach(reader, writer, loop)
        protocol.set_parser(reader)
        await payload_writer.drain()
        return payload_writer

    # -- endpoint hooks -----------------------------------------------------------

    def _close_transport(self) -> None:
        writer = self._writer
        if writer is not None:
            writer.transport.close()

    @property
    def ws_protocol(self) -> str | None:
        """The negotiated subprotocol."""
        return self._protocol

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        """Transport information (``peername``, ``sslcontext`` ...) of the connection."""
        writer = self._writer
        if writer is None:
            return default
        return writer.transport.get_extra_info(name, default)

    # -- StreamResponse API ---------------------------------------------------------

    async def write(self, data: bytes | bytearray | memoryview) -> None:
        """Not available: use the ``send_*`` methods."""
        raise RuntimeError("Cannot call .write() for websocket")

    async def write_eof(self, data: bytes = b"") -> None:
        """Close the WebSocket (the server calls this once the handler returns)."""
        if self._eof_sent:
            return
        if self._payload_writer is None:
            raise RuntimeError("Response has not been started")
        await self.close()
        self._eof_sent = True

    def __repr__(self) -> str:
        state = "closed" if self._closed else "not prepared" if self._writer is None else "open"
        return f"<WebSocketResponse {state}>"
