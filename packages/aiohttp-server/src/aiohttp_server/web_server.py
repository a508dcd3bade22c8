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


#: Size of the block ``_settle_malloc`` frees: above asyncio's 256 KiB reads and
#: the default 1 MiB ``client_max_size``, and large enough that the trim
#: threshold it implies (twice this) exceeds what a few dozen connections
#: echoing 64 KiB bodies hold at once (each holds its read, the body and the
#: joined response for a moment); with 1 MiB a 32-connection echo still
#: trimmed and regrew the heap, 1-3 page faults per request.
_MALLOC_PRIMER = 4 << 20
_malloc_settled = False


def _settle_malloc() -> None:
    """Free one large block so that glibc's malloc stops churning on large request bodies.

    glibc serves blocks above its mmap threshold (128 KiB at start) with
    ``mmap`` and gives the heap top back to the system once 128 KiB of it
    are free. asyncio reads up to 256 KiB at a time and shrinks the buffer
    to what arrived, so until the thresholds move every request with a large
    body maps or grows and trims memory, and page-faults it in again (about
    15 faults per 64 KiB request). Freeing a block larger than the threshold
    raises it to that size and the trim threshold to twice that (glibc's
    dynamic threshold, which most long-running processes reach by
    accident). ``bytes(n)`` is calloc'ed, so no page of it is touched; on
    other allocators this is a harmless allocation.
    """
    global _malloc_settled
    if not _malloc_settled:
        _malloc_settled = True
        bytes(_MALLOC_PRIMER)


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
        _settle_malloc()

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
