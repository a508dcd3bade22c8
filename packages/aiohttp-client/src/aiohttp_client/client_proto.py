"""``ResponseHandler``: the client's asyncio protocol, one per connection.

It feeds received bytes to an ``HttpResponseParser`` and hands each response
head to ``read()``; bodies stream into the message's ``StreamReader``. It
enforces the ``sock_read`` timeout and turns a peer that goes away into
``ServerDisconnectedError`` (no response yet) or ``ClientPayloadError``
(body cut short).
"""

from __future__ import annotations

import asyncio
import math
from collections import deque
from typing import Any

from aiohttp_wire.base_protocol import BaseProtocol
from aiohttp_wire.http_parser import HttpResponseParser, RawResponseMessage
from aiohttp_wire.streams import StreamReader

from .client_exceptions import (
    ClientOSError,
    ClientPayloadError,
    ServerDisconnectedError,
    SocketTimeoutError,
)

__all__ = ("ResponseHandler",)

_Message = tuple[RawResponseMessage, StreamReader]

#: Bytes after an upgrade response held until a parser takes them over.
_TAIL_LIMIT = 2**17


class ResponseHandler(BaseProtocol):
    """Parses responses off one connection and hands them to the waiting request."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__(loop)
        self._loop = loop
        self._should_close = False
        self._parser: HttpResponseParser | None = None
        self._parser_key: tuple[bool, bool, int, int, int, int] | None = None
        self._messages: deque[_Message] = deque()
        self._waiter: asyncio.Future[None] | None = None
        self._exception: BaseException | None = None
        self._payload: StreamReader | None = None
        self._upgraded = False
        self._tail = b""
        self._read_timeout: float | None = None
        self._read_timeout_handle: asyncio.TimerHandle | None = None
        self._last_read = 0.0
        self._timeout_ceil_threshold: float = 5
        self._skip_payload = False
        self._upgrade_parser: Any = None
        self._upgrade_payload: Any = None
        self.closed: asyncio.Future[None] = loop.create_future()

    # -- state the connector reads ----------------------------------------------------

    @property
    def upgraded(self) -> bool:
        """Whether the connection switched protocols (101)."""
        return self._upgraded

    @property
    def should_close(self) -> bool:
        """Whether the connection must not go back to the pool."""
        payload = self._payload
        return (
            self._should_close
            or self._upgraded
            or self._exception is not None
            or (payload is not None and not payload.is_eof())
            or bool(self._messages)
            or bool(self._tail)
        )

    def force_close(self) -> None:
        """Make sure the connection is closed rather than reused."""
        self._should_close = True

    def is_connected(self) -> bool:
        """Whether the transport is open."""
        return self.transport is not None and not self.transport.is_closing()

    def close(self) -> None:
        """Close the transport and stop the read timer."""
        self._drop_timeout()
        transport = self.transport
        if transport is not None:
            transport.close()
            self.transport = None
        self._payload = None

    # -- asyncio.Protocol ---------------------------------------------------------------

    def connection_lost(self, exc: BaseException | None) -> None:
        """Complete or fail whatever was in flight."""
        self._drop_timeout()
        if not self.closed.done():
            self.closed.set_result(None)
        upgrade_parser = self._upgrade_parser
        if upgrade_parser is not None:
            self._upgrade_parser = None
            try:
                upgrade_parser.feed_eof()
            except Exception as underlying:
                self._upgrade_payload.set_exception(underlying)
        parser = self._parser
        if parser is not None and not self._upgraded:
            try:
                parser.feed_eof()
            except Exception as underlying:
                payload = self._payload
                if payload is not None and not payload.is_eof():
                    err = ClientPayloadError(f"Response payload is not completed: {underlying!r}")
                    err.__cause__ = underlying
                    payload.set_exception(err)
                    self._payload = None
        payload = self._payload
        if payload is not None and not payload.is_eof():
            reason = f": {exc!r}" if exc is not None else ""
            payload.set_exception(ClientPayloadError(f"Response payload is not completed{reason}"))
        if self._exception is None:
            error: BaseException
            if isinstance(exc, OSError) and not isinstance(exc, ConnectionResetError):
                error = ClientOSError(*exc.args)
            else:
                error = ServerDisconnectedError()
            self._set_reader_exception(error)
        self._should_close = True
        self._parser = None
        self._payload = None
        super().connection_lost(exc)

    def eof_received(self) -> None:
        """Let the transport close itself; ``connection_lost`` does the rest."""
        self._drop_timeout()

    def data_received(self, data: bytes) -> None:
        """Feed the parser (or the upgraded protocol's reader)."""
        if self._read_timeout is not None:
            self._last_read = self._loop.time()
        if not data:
            return
        if self._upgraded:
            if self._upgrade_parser is not None:
                self._feed_upgrade_parser(data)
            else:
                # Held for set_parser(): at most about two reads, then reading pauses.
                tail = self._tail = self._tail + data
                if len(tail) > _TAIL_LIMIT:
                    self.pause_reading()
            return
        parser = self._parser
        if parser is None:
            self._tail += data
            return
        payload = self._payload
        if payload is None or payload.is_eof():
            # A response starts here. When its head names a Transfer- or
            # Content-Encoding, feed the head alone first: a body error in the
            # same chunk (bad gzip, a decompression bomb, a bad chunk size) then
            # fails only the body, and the response is still returned.
            end = data.find(b"\r\n\r\n")
            if 0 <= end < len(data) - 4 and data.find(b"ncoding", 0, end) >= 0:
                if not self._feed(parser, data[: end + 4]):
                    return
                data = data[end + 4 :]
                if self._upgraded:
                    self._tail += data
                    return
        self._feed(parser, data)

    def _feed(self, parser: HttpResponseParser, data: bytes) -> bool:
        """Feed ``data`` to the parser; False once a parse error has failed the connection."""
        try:
            messages, upgraded, tail = parser.feed_data(data)
        except BaseException as underlying:
            payload = self._payload
            if payload is not None and not payload.is_eof():
                err = ClientPayloadError(f"Response payload is not completed: {underlying!r}")
                err.__cause__ = underlying
                payload.set_exception(err)
            self.set_exception(underlying)
            if self.transport is not None:
                self.transport.close()
            return False
        for message, payload in messages:
            if message.should_close:
                self._should_close = True
            self._payload = payload
            if self._read_timeout_handle is not None:
                if self._skip_payload or payload.is_eof():
                    self._drop_timeout()
                else:
                    payload.on_eof(self._drop_timeout)
            self._messages.append((message, payload))
        if upgraded:
            self._upgraded = True
            self._tail = tail or b""
            self._drop_timeout()
        if messages:
            self._wake_reader()
        return True

    def _wake_reader(self) -> None:
        waiter = self._waiter
        if waiter is not None:
            self._waiter = None
            if not waiter.done():
                waiter.set_result(None)

    # -- the seam the request uses ------------------------------------------------------

    def set_response_params(
        self,
        *,
        timer: Any = None,
        skip_payload: bool = False,
        read_until_eof: bool = False,
        auto_decompress: bool = True,
        read_timeout: float | None = None,
        read_bufsize: int = 2**16,
        timeout_ceil_threshold: float = 5,
        max_line_size: int = 8190,
        max_field_size: int = 8190,
        max_headers: int = 128,
    ) -> None:
        """Set up the parser for the next response.

        A kept-alive connection keeps its parser (it sits between two messages)
        when the settings are the same; HEAD responses always get a fresh one.
        """
        self._skip_payload = skip_payload
        self._read_timeout = read_timeout
        self._timeout_ceil_threshold = timeout_ceil_threshold
        key = (
            read_until_eof,
            auto_decompress,
            read_bufsize,
            max_line_size,
            max_field_size,
            max_headers,
        )
        if skip_payload or self._parser is None or key != self._parser_key:
            self._parser = HttpResponseParser(
                self,
                self._loop,
                read_bufsize,
                max_line_size=max_line_size,
                max_field_size=max_field_size,
                max_headers=max_headers,
                payload_exception=ClientPayloadError,
                response_with_body=not skip_payload,
                read_until_eof=read_until_eof,
                auto_decompress=auto_decompress,
            )
            self._parser_key = None if skip_payload else key
        if read_timeout is not None:
            self._last_read = self._loop.time()
            self._arm_timeout(read_timeout)
        if self._tail:
            data, self._tail = self._tail, b""
            self.data_received(data)

    def _arm_timeout(self, delay: float) -> None:
        when = self._loop.time() + delay
        if delay >= self._timeout_ceil_threshold:
            when = math.ceil(when)
        self._read_timeout_handle = self._loop.call_at(when, self._on_read_timeout)

    def _drop_timeout(self, _: object = None) -> None:
        handle = self._read_timeout_handle
        if handle is not None:
            handle.cancel()
            self._read_timeout_handle = None

    def start_timeout(self) -> None:
        """(Re)start the ``sock_read`` timer, e.g. when the body starts being read."""
        self._drop_timeout()
        if self._read_timeout is not None:
            self._last_read = self._loop.time()
            self._arm_timeout(self._read_timeout)

    def _on_read_timeout(self) -> None:
        self._read_timeout_handle = None
        timeout = self._read_timeout
        if timeout is None:
            return
        idle = self._loop.time() - self._last_read
        if idle < timeout:
            self._arm_timeout(timeout - idle)
            return
        exc = SocketTimeoutError("Timeout on reading data from socket")
        self.set_exception(exc)
        payload = self._payload
        if payload is not None and not payload.is_eof():
            payload.set_exception(exc)
        if self.transport is not None:
            self.transport.close()

    def set_exception(self, exc: BaseException, exc_cause: BaseException | None = None) -> None:
        """Fail the pending ``read()`` (and mark the connection unusable)."""
        self._should_close = True
        self._drop_timeout()
        self._set_reader_exception(exc)

    def _set_reader_exception(self, exc: BaseException) -> None:
        if self._exception is None:
            self._exception = exc
        waiter = self._waiter
        if waiter is not None:
            self._waiter = None
            if not waiter.done():
                waiter.set_exception(exc)

    def set_parser(self, parser: Any, payload: Any) -> None:
        """After an upgrade, feed transport bytes (buffered ones first) to ``parser``.

        ``parser`` has ``feed_data(data)`` and ``feed_eof()``; ``payload`` is where
        it puts what it parses and receives the exception if parsing fails.
        """
        self._upgrade_parser = parser
        self._upgrade_payload = payload
        self._drop_timeout()
        if self._reading_paused:
            # Paused while the tail piled up; the new parser may pause again.
            self.resume_reading()
        if self._tail:
            data, self._tail = self._tail, b""
            self._feed_upgrade_parser(data)

    def _feed_upgrade_parser(self, data: bytes) -> None:
        try:
            self._upgrade_parser.feed_data(data)
        except Exception as underlying:
            self._upgrade_parser = None
            self._upgrade_payload.set_exception(underlying)
            self._should_close = True
            if self.transport is not None:
                self.transport.close()

    @property
    def tail(self) -> bytes:
        """Bytes received after the head of an upgrade response, before ``set_parser``."""
        return self._tail

    async def read(self) -> _Message:
        """Return the next response head and its body stream."""
        while not self._messages:
            if self._exception is not None:
                raise self._exception
            if self.transport is None:
                raise ServerDisconnectedError()
            waiter = self._loop.create_future()
            self._waiter = waiter
            try:
                await waiter
            except asyncio.CancelledError:
                self._waiter = None
                raise
        return self._messages.popleft()

    def __repr__(self) -> str:
        return f"<ResponseHandler connected={self.is_connected()}>"
