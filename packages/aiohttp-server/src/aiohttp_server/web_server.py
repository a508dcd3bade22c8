"""``Server``: the low-level server, a factory of ``RequestHandler`` protocols.

Pass it to ``loop.create_server`` (or a runner); it tracks its live
connections so that they can be closed gracefully together.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp_wire.abc import AbstractStreamWriter
from aiohttp_wire.allocator import settle_malloc
from aiohttp_wire.http_parser import RawRequestMessage
from aiohttp_wire.streams import StreamReader

from .web_protocol import RequestHandler
from .web_request import BaseRequest
from .web_response import StreamResponse

__all__ = ["Server"]

_Handler = Callable[[BaseRequest], Awaitable[StreamResponse]]
_RequestFactory = Callable[
    [RawRequestMessage, StreamReader, RequestHandler, AbstractStreamWriter, "asyncio.Task[None]"],
    BaseRequest,
]

_HANDLER_OPTIONS = frozenset(inspect.signature(RequestHandler).parameters) - {"manager", "loop"}


class Server:
    """Build a ``RequestHandler`` per connection, all answering with ``handler``."""

    def __init__(
        self,
        handler: _Handler,
        *,
        request_factory: _RequestFactory | None = None,
        handler_cancellation: bool = False,
        loop: asyncio.AbstractEventLoop | None = None,
        **kwargs: Any,
    ) -> None:
        unknown = set(kwargs) - _HANDLER_OPTIONS
        if unknown:
            # Caught here rather than when the first connection arrives.
            raise TypeError(f"Unknown RequestHandler options: {', '.join(sorted(unknown))}")
        self._loop = loop if loop is not None else asyncio.get_running_loop()
        self._connections: dict[RequestHandler, asyncio.BaseTransport] = {}
        self._kwargs = kwargs
        self.requests_count = 0
        self.request_handler = handler
        self.request_factory: _RequestFactory = request_factory or self._make_request
        self.handler_cancellation = handler_cancellation
        settle_malloc()

    @property
    def connections(self) -> list[RequestHandler]:
        """The protocols of the connections currently open."""
        return list(self._connections)

    def connection_made(self, handler: RequestHandler, transport: asyncio.BaseTransport) -> None:
        """Called by a ``RequestHandler`` once connected."""
        self._connections[handler] = transport

    def connection_lost(self, handler: RequestHandler, exc: BaseException | None = None) -> None:
        """Called by a ``RequestHandler`` once its connection is gone."""
        self._connections.pop(handler, None)

    def _make_request(
        self,
        message: RawRequestMessage,
        payload: StreamReader,
        protocol: RequestHandler,
        writer: AbstractStreamWriter,
        task: asyncio.Task[None],
    ) -> BaseRequest:
        return BaseRequest(message, payload, protocol, writer, task, self._loop)

    def pre_shutdown(self) -> None:
        """Stop accepting requests: idle connections close now, busy ones after their answer."""
        for conn in list(self._connections):
            conn.close()

    async def shutdown(self, timeout: float | None = None) -> None:
        """Let in-flight requests finish within ``timeout`` seconds, then close everything."""
        conns = list(self._connections)
        if conns:
            await asyncio.gather(*(conn.shutdown(timeout) for conn in conns))
        self._connections.clear()

    def __call__(self) -> RequestHandler:
        """The protocol factory handed to ``loop.create_server``."""
        return RequestHandler(self, loop=self._loop, **self._kwargs)
