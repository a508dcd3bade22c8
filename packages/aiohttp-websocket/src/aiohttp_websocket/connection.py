"""The asyncio messaging layer both WebSocket endpoints share.

``WebSocketReader`` is what the HTTP protocol feeds raw bytes to once the
connection is upgraded; it runs them through a :class:`WebSocketProtocol` and
queues the messages in a :class:`WebSocketDataQueue` (which pauses reading
from the transport while too much is buffered). ``WebSocketWriter`` turns
calls into frames on the transport. ``WebSocketConnection`` holds the
messaging API (send, receive, close, heartbeat, autoping, autoclose) so the
server's ``WebSocketResponse`` and the client's ``ClientWebSocketResponse``
behave the same; they only supply the transport teardown and a few hooks.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections import deque
from collections.abc import Callable
from typing import Any, Final

from aiohttp_wire.base_protocol import BaseProtocol
from aiohttp_wire.streams import EofStream

from .frames import PIECE
from .models import (
    WS_CLOSED_MESSAGE,
    WS_CLOSING_MESSAGE,
    ClientConnectionResetError,
    WebSocketError,
    WSCloseCode,
    WSMessage,
    WSMessageTypeError,
    WSMsgType,
)
from .protocol import WebSocketProtocol

__all__ = [
    "DEFAULT_LIMIT",
    "WebSocketConnection",
    "WebSocketDataQueue",
    "WebSocketReader",
    "WebSocketWriter",
]

#: Write-buffer threshold after which senders wait for the transport to drain.
DEFAULT_LIMIT: Final = 2**16

_TEXT: Final = WSMsgType.TEXT
_BINARY: Final = WSMsgType.BINARY
_CLOSE: Final = WSMsgType.CLOSE
_PING: Final = WSMsgType.PING
_PONG: Final = WSMsgType.PONG
_ERROR: Final = WSMsgType.ERROR
_CLOSING: Final = WSMsgType.CLOSING
_CLOSED: Final = WSMsgType.CLOSED
_NOT_UPGRADED: Final = (False, b"")
#: Messages from this size on are written in pieces (see ``frame_pieces``).
_PIECES_MIN: Final = 2 * PIECE
#: What a queued message counts towards the queue's limit besides its payload:
#: a flood of empty messages or control frames pauses reading too.
_MESSAGE_COST: Final = 64


def _expire(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_exception(asyncio.TimeoutError())


class WebSocketDataQueue:
    """Received messages waiting for ``read()``, with read-side flow control.

    Reading from the transport pauses while more than ``limit`` bytes of
    message data are queued and resumes once the reader catches up.
    """

    __slots__ = (
        "_buffer",
        "_eof",
        "_exception",
        "_limit",
        "_loop",
        "_paused",
        "_protocol",
        "_size",
        "_waiter",
    )

    def __init__(
        self, protocol: BaseProtocol, limit: int, *, loop: asyncio.AbstractEventLoop
    ) -> None:
        self._protocol = protocol
        self._limit = limit
        self._loop = loop
        self._buffer: deque[tuple[WSMessage, int]] = deque()
        self._size = 0
        self._paused = False
        self._eof = False
        self._exception: BaseException | None = None
        self._waiter: asyncio.Future[None] | None = None

    def __len__(self) -> int:
        return len(self._buffer)

    def is_eof(self) -> bool:
        """Whether the stream ended (or failed) and everything queued was read."""
        return self._eof and not self._buffer

    def exception(self) -> BaseException | None:
        """The error the stream failed with, if any."""
        return self._exception

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None:
            self._waiter = None
            if not waiter.done():
                waiter.set_result(None)

    def set_exception(self, exc: BaseException, exc_cause: BaseException | None = None) -> None:
        """Fail every ``read()`` once the queued messages are consumed."""
        self._eof = True
        self._exception = exc
        if exc_cause is not None:
            exc.__cause__ = exc_cause
        self._wake()

    def feed_eof(self) -> None:
        """No more messages will come."""
        self._eof = True
        self._wake()

    def feed_data(self, data: WSMessage, size: int = 0) -> None:
        """Queue a message; ``size`` counts towards the flow-control limit."""
        self._buffer.append((data, size))
        if size:
            self._size += size
            if self._size > self._limit and not self._paused:
                self._paused = True
                self._protocol.pause_reading()
        waiter = self._waiter
        if waiter is not None:
            self._waiter = None
            if not waiter.done():
                waiter.set_result(None)

    async def read(self, timeout: float | None = None) -> WSMessage:
        """The next message; ``EofStream`` (or the stream's error) once exhausted.

        ``timeout`` raises ``asyncio.TimeoutError`` without a task or a
        context manager per call: a timer fails the waiter directly.
        """
        if not self._buffer and not self._eof:
            if self._waiter is not None:
                raise RuntimeError("read() called while another coroutine is already waiting")
            waiter = self._waiter = self._loop.create_future()
            handle = self._loop.call_later(timeout, _expire, waiter) if timeout else None
            try:
                await waiter
            except BaseException:
                self._waiter = None
                raise
            finally:
                if handle is not None:
                    handle.cancel()
        if self._buffer:
            msg, size = self._buffer.popleft()
            if size:
                self._size -= size
                if self._paused and self._size < self._limit:
                    self._paused = False
                    self._protocol.resume_reading()
            return msg
        if self._exception is not None:
            raise self._exception
        raise EofStream


class WebSocketReader:
    """Parses the upgraded connection's bytes into messages on ``queue``.

    This is the object handed to the HTTP protocol's ``set_parser``:
    ``feed_data`` never raises, a protocol violation becomes the queue's
    exception (a :class:`WebSocketError` carrying the close code).
    ``is_client`` picks the masking rule (server frames must be unmasked).
    """

    __slots__ = ("_proto", "queue", "received")

    def __init__(
        self,
        queue: WebSocketDataQueue,
        max_msg_size: int,
        compress: bool | int = True,
        *,
        is_client: bool = False,
    ) -> None:
        self.queue = queue
        self._proto = WebSocketProtocol(is_client, max_msg_size, compress=15 if compress else 0)
        #: Count of ``feed_data`` calls: the heartbeat's proof of life.
        self.received = 0

    def feed_eof(self) -> None:
        """The connection ended."""
        self.queue.feed_eof()

    def feed_data(self, data: bytes) -> tuple[bool, bytes]:
        """Parse ``data``; returns ``(False, b"")`` as aiohttp's reader does."""
        self.received += 1
        proto = self._proto
        msg = proto.receive_single(data)
        if msg is not None:
            # One whole TEXT/BINARY frame: straight to the queue.
            self.queue.feed_data(msg, len(msg[1]) + _MESSAGE_COST)
            return _NOT_UPGRADED
        proto.receive_data(data)
        events = proto.events_received()
        if not events:
            return _NOT_UPGRADED
        queue = self.queue
        for msg in events:
            mtype = msg[0]
            if mtype is _TEXT or mtype is _BINARY or mtype is _PING or mtype is _PONG:
                queue.feed_data(msg, len(msg[1]) + _MESSAGE_COST)
            elif mtype is _ERROR:
                queue.set_exception(msg[1])
            else:
                queue.feed_data(msg, 0)
        return _NOT_UPGRADED


class WebSocketWriter:
    """Writes frames to the transport, waiting for it to drain past ``limit`` bytes.

    ``use_mask`` is True on the client. ``compress``/``notakeover`` are the
    negotiated permessage-deflate parameters for outgoing messages.
    """

    #: What writing to a closing transport raises (aiohttp raises this class on
    #: both ends; a ``ConnectionResetError``).
    reset_error: type[Exception] = ClientConnectionResetError

    def __init__(
        self,
        protocol: BaseProtocol,
        transport: asyncio.Transport,
        *,
        use_mask: bool = False,
        limit: int = DEFAULT_LIMIT,
        random: random.Random = random.Random(),  # noqa: B008 - shared like aiohttp's
        compress: int = 0,
        notakeover: bool = False,
    ) -> None:
        self.protocol = protocol
        self.transport = transport
        self.use_mask = use_mask
        self.compress = compress
        self.notakeover = notakeover
        self._limit = limit
        self._output_size = 0
        self._closing = False
        self._proto = WebSocketProtocol(
            use_mask, 0, compress=compress, notakeover=notakeover, random_source=random
        )

    def send_nowait(self, message: bytes, opcode: int, compress: int | None = None) -> None:
        """Write one frame without waiting for the transport to drain."""
        if self._closing and opcode != _CLOSE:
            raise self.reset_error("Cannot write to closing transport")
        transport = self.transport
        if transport.is_closing():
            raise self.reset_error("Cannot write to closing transport")
        if len(message) < _PIECES_MIN:
            data = self._proto.frame(message, opcode, compress=compress)
            transport.write(data)
            self._output_size += len(data)
            return
        # A large message: each piece goes out before the next one is masked.
        for piece in self._proto.frame_pieces(message, opcode, compress=compress):
            transport.write(piece)
            self._output_size += len(piece)

    async def send_frame(self, message: bytes, opcode: int, compress: int | None = None) -> None:
        """Write one frame (compressed when negotiated and it is a whole message)."""
        self.send_nowait(message, opcode, compress)
        if self._output_size > self._limit:
            self._output_size = 0
            if self.protocol.writing_paused:
                await self.protocol._drain_helper()

    async def drain(self) -> None:
        """Wait until the transport's buffer is below its high-water mark."""
        self._output_size = 0
        if self.protocol.writing_paused:
            await self.protocol._drain_helper()

    async def close(self, code: int = WSCloseCode.OK, message: bytes | str = b"") -> None:
        """Send a close frame; afterwards only close frames may be written."""
        if isinstance(message, str):
            message = message.encode("utf-8")
        try:
            await self.send_frame(code.to_bytes(2, "big") + message, _CLOSE)
        finally:
            self._closing = True


class WebSocketConnection:
    """Messaging API shared by the server and client WebSocket endpoints.

    Subclasses call :meth:`_ws_init` and :meth:`_ws_attach` and implement
    :meth:`_close_transport` and :meth:`_pong_timeout_error`. Until
    ``_ws_attach`` (the server's ``prepare()``), every call raises
    ``RuntimeError("Call .prepare() first")``.
    """

    _reader: WebSocketDataQueue | None
    _writer: WebSocketWriter | None

    #: aiohttp's server reports a failed connection as abnormal (1006, with the
    #: ``WebSocketError`` as ``exception()``); its client keeps the error's code.
    _failure_is_abnormal = False
    #: aiohttp's client finishes the closing handshake on the ``receive()``
    #: after a CLOSE it did not auto-answer and returns CLOSED; its server
    #: keeps returning CLOSING until ``close()`` is called.
    _receive_finishes_close = False
    #: ``receive()`` calls on a closed connection before it raises
    #: ``RuntimeError`` (aiohttp's server: 5; its client never raises).
    _closed_receive_limit: int | None = 5

    def _ws_init(
        self,
        *,
        timeout: float | None,
        receive_timeout: float | None,
        autoclose: bool,
        autoping: bool,
        heartbeat: float | None,
        compress: int | bool,
        protocol: str | None = None,
    ) -> None:
        self._reader = None
        self._writer = None
        self._ws_reader: WebSocketReader | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._protocol = protocol
        self._compress: int | bool = compress
        self._close_timeout = timeout
        self._receive_timeout = receive_timeout
        self._autoclose = autoclose
        self._autoping = autoping
        self._heartbeat = heartbeat
        self._pong_heartbeat = heartbeat / 2.0 if heartbeat is not None else None
        self._heartbeat_handle: asyncio.TimerHandle | None = None
        self._heartbeat_mark = 0
        self._closed = False
        self._closing = False
        self._close_code: int | None = None
        self._exception: BaseException | None = None
        self._waiting = False
        self._close_wait: asyncio.Future[None] | None = None
        self._conn_lost = 0

    def _ws_attach(
        self,
        reader: WebSocketReader,
        writer: WebSocketWriter,
        loop: asyncio.AbstractEventLoop,
    ) -> None:
        """Start messaging over an upgraded connection."""
        self._ws_reader = reader
        self._reader = reader.queue
        self._writer = writer
        self._loop = loop
        self._schedule_heartbeat()

    # -- hooks --------------------------------------------------------------------

    def _close_transport(self) -> None:
        """Tear the connection down (no closing handshake)."""
        raise NotImplementedError

    def _pong_timeout_error(self, message: str) -> BaseException:
        """The error a heartbeat without an answer reports."""
        return asyncio.TimeoutError(message)

    # -- state --------------------------------------------------------------------

    @property
    def closed(self) -> bool:
        """Whether ``close()`` ran (or the connection failed)."""
        return self._closed

    @property
    def close_code(self) -> int | None:
        """The close code: the peer's, ours, or 1006 after an abnormal end."""
        return self._close_code

    @property
    def protocol(self) -> str | None:
        """The negotiated subprotocol."""
        return self._protocol

    @property
    def compress(self) -> int | bool:
        """The negotiated permessage-deflate window bits (falsy: no compression)."""
        return self._compress

    def exception(self) -> BaseException | None:
        """The error that ended the connection, if any."""
        return self._exception

    def _set_closed(self) -> None:
        self._closed = True
        self._cancel_heartbeat()

    def _set_closing(self, code: int) -> None:
        if not self._closing:
            self._closing = True
            self._close_code = code
            self._cancel_heartbeat()

    def _set_code_close_transport(self, code: int) -> None:
        self._close_code = code
        self._close_transport()

    # -- heartbeat ----------------------------------------------------------------
    # One timer at a time and nothing per message: the timer compares the
    # reader's receive counter with its value when the timer was armed.

    def _cancel_heartbeat(self) -> None:
        handle = self._heartbeat_handle
        if handle is not None:
            self._heartbeat_handle = None
            handle.cancel()

    def _schedule_heartbeat(self, delay: float | None = None) -> None:
        if self._heartbeat is None or self._closed or self._closing:
            return
        assert self._loop is not None and self._ws_reader is not None
        self._heartbeat_mark = self._ws_reader.received
        self._heartbeat_handle = self._loop.call_later(
            self._heartbeat if delay is None else delay, self._send_heartbeat
        )

    def _send_heartbeat(self) -> None:
        self._heartbeat_handle = None
        if self._closed or self._closing:
            return
        assert self._ws_reader is not None and self._writer is not None
        assert self._loop is not None and self._pong_heartbeat is not None
        if self._ws_reader.received != self._heartbeat_mark:
            # The peer spoke since the timer was armed: it is alive.
            self._schedule_heartbeat()
            return
        try:
            self._writer.send_nowait(b"", _PING)
        except Exception as exc:
            self._ping_pong_failed(exc)
            return
        self._heartbeat_handle = self._loop.call_later(
            self._pong_heartbeat, self._pong_not_received
        )

    def _pong_not_received(self) -> None:
        self._heartbeat_handle = None
        if self._closed or self._closing:
            return
        assert self._ws_reader is not None
        if self._ws_reader.received != self._heartbeat_mark:
            # Answered: the next PING is due one heartbeat after the last one.
            assert self._heartbeat is not None and self._pong_heartbeat is not None
            self._schedule_heartbeat(self._heartbeat - self._pong_heartbeat)
            return
        self._ping_pong_failed(
            self._pong_timeout_error(f"No PONG received after {self._pong_heartbeat} seconds")
        )

    def _ping_pong_failed(self, exc: BaseException) -> None:
        """Give up on a peer that does not answer: 1006, and wake ``receive()``."""
        if self._closed:
            return
        self._set_closed()
        self._close_code = WSCloseCode.ABNORMAL_CLOSURE
        self._exception = exc
        self._close_transport()
        if self._waiting and not self._closing and self._reader is not None:
            self._reader.feed_data(WSMessage(_ERROR, exc, None), 0)

    # -- sending ------------------------------------------------------------------

    def _get_writer(self) -> WebSocketWriter:
        writer = self._writer
        if writer is None:
            raise RuntimeError("Call .prepare() first")
        return writer

    async def ping(self, message: bytes | str = b"") -> None:
        """Send a PING frame."""
        if isinstance(message, str):
            message = message.encode("utf-8")
        await self._get_writer().send_frame(message, _PING)

    async def pong(self, message: bytes | str = b"") -> None:
        """Send an unsolicited PONG frame."""
        if isinstance(message, str):
            message = message.encode("utf-8")
        await self._get_writer().send_frame(message, _PONG)

    async def send_frame(
        self, message: bytes, opcode: WSMsgType, compress: int | None = None
    ) -> None:
        """Send one raw frame of any type."""
        await self._get_writer().send_frame(message, opcode, compress)

    async def send_str(self, data: str, compress: int | None = None) -> None:
        """Send a TEXT message."""
        writer = self._writer
        if writer is None:
            raise RuntimeError("Call .prepare() first")
        if not isinstance(data, str):
            raise TypeError(f"data argument must be str ({type(data)!r})")
        # send_frame() inlined: no coroutine per message unless it must drain.
        writer.send_nowait(data.encode("utf-8"), _TEXT, compress)
        if writer._output_size > writer._limit:
            await writer.drain()

    async def send_bytes(
        self, data: bytes | bytearray | memoryview, compress: int | None = None
    ) -> None:
        """Send a BINARY message."""
        writer = self._writer
        if writer is None:
            raise RuntimeError("Call .prepare() first")
        if type(data) is not bytes:
            if not isinstance(data, (bytes, bytearray, memoryview)):
                raise TypeError(f"data argument must be byte-ish ({type(data)!r})")
            data = bytes(data)
        writer.send_nowait(data, _BINARY, compress)
        if writer._output_size > writer._limit:
            await writer.drain()

    async def send_json(
        self,
        data: Any,
        compress: int | None = None,
        *,
        dumps: Callable[[Any], str] = json.dumps,
    ) -> None:
        """Send ``dumps(data)`` as a TEXT message."""
        await self.send_str(dumps(data), compress=compress)

    # -- closing ------------------------------------------------------------------

    async def close(
        self, *, code: int = WSCloseCode.OK, message: bytes | str = b"", drain: bool = True
    ) -> bool:
        """Run the closing handshake; False if the connection was already closed.

        Waits up to the close timeout for the peer's close frame unless the
        peer closed first; then the transport is closed.
        """
        writer = self._get_writer()
        reader = self._reader
        assert reader is not None and self._loop is not None
        if self._closed:
            return False
        self._set_closed()
        try:
            await writer.close(code, message)
            if drain:
                await writer.drain()
        except (asyncio.CancelledError, asyncio.TimeoutError):
            self._set_code_close_transport(WSCloseCode.ABNORMAL_CLOSURE)
            raise
        except Exception as exc:
            self._exception = exc
            self._set_code_close_transport(WSCloseCode.ABNORMAL_CLOSURE)
            return True

        if self._closing:
            self._close_transport()
            return True
        if self._waiting:
            # Another task is in receive(): hand it a CLOSING message and let it
            # finish before reading the peer's close frame here (unless what it
            # got was that close frame).
            close_wait = self._close_wait = self._loop.create_future()
            reader.feed_data(WS_CLOSING_MESSAGE, 0)
            await close_wait
            if self._closing:
                self._close_transport()
                return True
        # One deadline for the whole wait: a peer sending anything but its close
        # frame (a ping flood) cannot stretch it message by message.
        loop = self._loop
        timeout = self._close_timeout
        deadline = loop.time() + timeout if timeout else None
        try:
            while True:
                if deadline is None:
                    msg = await reader.read()
                else:
                    remaining = deadline - loop.time()
                    if remaining <= 0:
                        raise asyncio.TimeoutError
                    msg = await reader.read(remaining)
                if msg.type is _CLOSE:
                    self._set_code_close_transport(msg.data)
                    return True
        except asyncio.CancelledError:
            self._set_code_close_transport(WSCloseCode.ABNORMAL_CLOSURE)
            raise
        except Exception as exc:
            self._exception = exc
            self._set_code_close_transport(WSCloseCode.ABNORMAL_CLOSURE)
            return True

    # -- receiving ----------------------------------------------------------------

    async def receive(self, timeout: float | None = None) -> WSMessage:
        """The next message.

        PING/PONG are answered and swallowed with ``autoping``; a CLOSE is
        answered with ``autoclose``. Afterwards CLOSING or CLOSED messages are
        returned; protocol violations come back as ERROR messages.
        """
        reader = self._reader
        if reader is None:
            raise RuntimeError("Call .prepare() first")
        receive_timeout = timeout or self._receive_timeout
        while True:
            if self._waiting:
                raise RuntimeError("Concurrent call to receive() is not allowed")
            if self._closed:
                limit = self._closed_receive_limit
                if limit is not None:
                    self._conn_lost += 1
                    if self._conn_lost >= limit:
                        raise RuntimeError("WebSocket connection is closed.")
                return WS_CLOSED_MESSAGE
            if self._closing:
                if self._receive_finishes_close:
                    await self.close()
                    return WS_CLOSED_MESSAGE
                return WS_CLOSING_MESSAGE
            try:
                self._waiting = True
                try:
                    msg = await reader.read(receive_timeout)
                finally:
                    self._waiting = False
                    close_wait = self._close_wait
                    if close_wait is not None:
                        self._close_wait = None
                        if not close_wait.done():
                            close_wait.set_result(None)
            except (asyncio.CancelledError, asyncio.TimeoutError):
                raise
            except EofStream:
                self._close_code = WSCloseCode.OK
                await self.close()
                return WSMessage(WSMsgType.CLOSED, None, None)
            except WebSocketError as exc:
                # Fail the connection: send our close frame and drop the
                # transport without waiting for a reply we could not parse.
                self._set_closing(exc.code)
                await self.close(code=exc.code)
                if self._failure_is_abnormal:
                    self._exception = exc
                    self._close_code = WSCloseCode.ABNORMAL_CLOSURE
                return WSMessage(_ERROR, exc, None)
            except Exception as exc:
                self._exception = exc
                self._set_closing(WSCloseCode.ABNORMAL_CLOSURE)
                await self.close()
                return WSMessage(_ERROR, exc, None)

            mtype = msg[0]
            if mtype is _TEXT or mtype is _BINARY:
                return msg
            if mtype is _CLOSE:
                self._set_closing(msg.data)
                if not self._closed and self._autoclose:
                    # The peer is about to drop the connection: do not wait to drain.
                    await self.close(drain=False)
            elif mtype is WSMsgType.CLOSING:
                # Fed by our own close() (already closed) to wake this call:
                # that close() still waits for the peer's reply.
                if not self._closed:
                    self._set_closing(WSCloseCode.OK)
            elif mtype is _PING and self._autoping:
                await self.pong(msg.data)
                continue
            elif mtype is _PONG and self._autoping:
                continue
            return msg

    async def receive_str(self, *, timeout: float | None = None) -> str:
        """The next message, which must be TEXT."""
        msg = await self.receive(timeout)
        if msg.type is not _TEXT:
            raise WSMessageTypeError(
                f"Received message {msg.type}:{msg.data!r} is not WSMsgType.TEXT"
            )
        data: str = msg.data
        return data

    async def receive_bytes(self, *, timeout: float | None = None) -> bytes:
        """The next message, which must be BINARY."""
        msg = await self.receive(timeout)
        if msg.type is not _BINARY:
            raise WSMessageTypeError(
                f"Received message {msg.type}:{msg.data!r} is not WSMsgType.BINARY"
            )
        data: bytes = msg.data
        return data

    async def receive_json(
        self, *, loads: Callable[[Any], Any] = json.loads, timeout: float | None = None
    ) -> Any:
        """The next TEXT message, decoded with ``loads``."""
        data = await self.receive_str(timeout=timeout)
        return loads(data)

    def __aiter__(self) -> WebSocketConnection:
        return self

    async def __anext__(self) -> WSMessage:
        msg = await self.receive()
        mtype = msg[0]
        if mtype is _CLOSE or mtype is _CLOSING or mtype is _CLOSED:
            raise StopAsyncIteration
        return msg
