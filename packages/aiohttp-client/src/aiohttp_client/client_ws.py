"""``ClientWebSocketResponse``: the client end of a WebSocket over the shared core.

``ClientSession.ws_connect`` performs the HTTP handshake and builds this
object from the upgraded connection. Here the connection's
``ResponseHandler`` is told (``set_parser``) to feed every later byte to a
``WebSocketReader``; frames are written, masked, straight to the transport.
The messaging API is ``aiohttp_websocket.connection.WebSocketConnection``,
shared with the server's ``WebSocketResponse``.
"""

from __future__ import annotations

import asyncio
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final

import attrs

from aiohttp_websocket.connection import (
    WebSocketConnection,
    WebSocketDataQueue,
    WebSocketReader,
    WebSocketWriter,
)

from .client_exceptions import ServerTimeoutError

if TYPE_CHECKING:
    from .client_reqrep import ClientResponse
    from .connector import Connection

__all__ = ["DEFAULT_WS_CLIENT_TIMEOUT", "ClientWSTimeout", "ClientWebSocketResponse"]


@attrs.frozen
class ClientWSTimeout:
    """``ws_receive``: default ``receive()`` timeout; ``ws_close``: wait for the close reply."""

    ws_receive: float | None = None
    ws_close: float | None = None


DEFAULT_WS_CLIENT_TIMEOUT: Final = ClientWSTimeout(ws_receive=None, ws_close=10.0)


class ClientWebSocketResponse(WebSocketConnection):
    """An open client WebSocket (what ``ws_connect`` returns)."""

    _receive_finishes_close = True
    _closed_receive_limit = None

    def __init__(
        self,
        conn: Connection,
        resp: ClientResponse,
        ws_timeout: ClientWSTimeout,
        *,
        protocol: str | None,
        autoclose: bool,
        autoping: bool,
        heartbeat: float | None = None,
        compress: int = 0,
        client_notakeover: bool = False,
        max_msg_size: int = 4 * 1024 * 1024,
        loop: asyncio.AbstractEventLoop,
    ) -> None:
        self._ws_init(
            timeout=ws_timeout.ws_close,
            receive_timeout=ws_timeout.ws_receive,
            autoclose=autoclose,
            autoping=autoping,
            heartbeat=heartbeat,
            compress=compress,
            protocol=protocol,
        )
        self._response = resp
        self._conn = conn
        self._timeout = ws_timeout
        self._client_notakeover = client_notakeover
        handler = conn.protocol
        transport = conn.transport
        assert handler is not None and transport is not None
        queue = WebSocketDataQueue(handler, 2**16, loop=loop)
        reader = WebSocketReader(queue, max_msg_size, compress=compress, is_client=True)
        writer = WebSocketWriter(
            handler,
            transport,
            use_mask=True,
            compress=compress,
            notakeover=client_notakeover,
        )
        self._ws_attach(reader, writer, loop)
        # Bytes that arrived with (or after) the 101 are fed now.
        handler.set_parser(reader, queue)

    # -- endpoint hooks -----------------------------------------------------------

    def _close_transport(self) -> None:
        self._response.close()

    def _pong_timeout_error(self, message: str) -> BaseException:
        return ServerTimeoutError(message)

    # -- client API ---------------------------------------------------------------

    @property
    def client_notakeover(self) -> bool:
        """Whether our compressor resets after every message (negotiated)."""
        return self._client_notakeover

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        """Transport information (``peername``, ``sslcontext`` ...) of the connection."""
        conn = self._response.connection
        if conn is None or conn.transport is None:
            return default
        return conn.transport.get_extra_info(name, default)

    async def __aenter__(self) -> ClientWebSocketResponse:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        await self.close()

    def __repr__(self) -> str:
        return f"<ClientWebSocketResponse {'closed' if self._closed else 'open'}>"
