"""``RequestHandler``: the server's per-connection HTTP/1.x protocol.

Bytes from the transport go through ``HttpRequestParser``; each parsed
request is queued and served in order (pipelining) by one task that runs
while the queue has work, so an idle keep-alive connection costs no task.
The handler's response is prepared and finished here, HTTP exceptions
become their own response, other errors a 500, and parser errors their
status followed by a close.

After an upgrade (``Upgrade:`` or ``CONNECT``) the HTTP parser stops and the
remaining bytes are held until the handler either takes the connection over
with ``set_parser(parser)`` (every later chunk goes to ``parser.feed_data``)
or answers normally, in which case HTTP parsing resumes.
"""

from __future__ import annotations

import asyncio
import sys
import traceback
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from contextlib import suppress
from html import escape
from http import HTTPStatus
from logging import Logger
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from aiohttp_wire.abc import AbstractAccessLogger, AbstractAsyncAccessLogger
from aiohttp_wire.base_protocol import BaseProtocol
from aiohttp_wire.helpers import ceil_timeout
from aiohttp_wire.http_exceptions import HttpProcessingError
from aiohttp_wire.http_parser import HttpRequestParser, RawRequestMessage
from aiohttp_wire.http_version import HttpVersion10
from aiohttp_wire.http_writer import StreamWriter
from aiohttp_wire.log import access_logger, server_logger
from aiohttp_wire.streams import EMPTY_PAYLOAD, StreamReader
from aiohttp_wire.tcp_helpers import tcp_keepalive

from .web_exceptions import HTTPException
from .web_log import AccessLogger
from .web_request import BaseRequest
from .web_response import Response, StreamResponse

if TYPE_CHECKING:
    from .web_server import Server

__all__ = ["PayloadAccessError", "RequestHandler", "RequestPayloadError"]

_RequestHandler = Callable[[BaseRequest], Awaitable[StreamResponse]]
_RequestFactory = Callable[..., BaseRequest]

_EAGER = sys.version_info >= (3, 12)

#: Parsed requests queued behind the one being served before reading pauses:
#: a peer pipelining without reading the answers cannot grow the queue further.
_MAX_PIPELINED = 16


class RequestPayloadError(Exception):
    """The request body could not be read (framing or decoding error)."""


class PayloadAccessError(Exception):
    """The request body was read after the response had been sent."""


class _DataParser(Protocol):
    """What ``set_parser`` accepts: something fed the raw bytes after an upgrade."""

    def feed_data(self, data: bytes) -> Any: ...

    def feed_eof(self) -> Any: ...


class _ErrInfo(NamedTuple):
    """A queued parser error, answered in turn like a request."""

    status: int
    exc: BaseException
    message: str


_ERROR_MESSAGE = RawRequestMessage(
    "UNKNOWN",
    "/",
    HttpVersion10,
    CIMultiDictProxy(CIMultiDict()),
    (),
    True,
    None,
    False,
    False,
    URL("/"),
)

_PAYLOAD_ACCESS_ERROR = PayloadAccessError()

#: Tasks running an asynchronous access logger for a direct ``log_access`` call.
_LOG_TASKS: set[asyncio.Task[Any]] = set()


class _Writer(StreamWriter):
    """The response writer, remembering whether a head was written (even if still buffered)."""

    head_written = False

    def write_headers(self, status_line: str, headers: Mapping[str, str]) -> None:
        self.head_written = True
        super().write_headers(status_line, headers)


class RequestHandler(BaseProtocol):
    """One HTTP/1.x server connection: parse, dispatch, respond, keep alive."""

    def __init__(
        self,
        manager: Server,
        *,
        loop: asyncio.AbstractEventLoop,
        keepalive_timeout: float = 3630,
        tcp_keepalive: bool = True,
        logger: Logger = server_logger,
        access_log_class: type[AbstractAccessLogger] | type[AbstractAsyncAccessLogger] = (
            AccessLogger
        ),
        access_log: Logger | None = access_logger,
        access_log_format: str = AccessLogger.LOG_FORMAT,
        debug: bool = False,
        max_line_size: int = 8190,
        max_headers: int = 128,
        max_field_size: int = 8190,
        lingering_time: float = 10.0,
        read_bufsize: int = 2**16,
        auto_decompress: bool = True,
        timeout_ceil_threshold: float = 5,
    ) -> None:
        super().__init__(loop)
        self._manager = manager
        self._request_handler: _RequestHandler | None = manager.request_handler
        self._request_factory: _RequestFactory | None = manager.request_factory
        self._handler_cancellation = manager.handler_cancellation
        self._keepalive_timeout = keepalive_timeout
        self._tcp_keepalive = tcp_keepalive
        self._lingering_time = float(lingering_time)
        self._timeout_ceil_threshold = timeout_ceil_threshold
        self.logger = logger
        # Error pages carry the traceback when asked, or when the loop runs in debug mode.
        self.debug = debug or loop.get_debug()
        self.access_log = access_log

        self._request_parser: HttpRequestParser | None = HttpRequestParser(
            self,
            loop,
            read_bufsize,
            max_line_size=max_line_size,
            max_field_size=max_field_size,
            max_headers=max_headers,
            payload_exception=RequestPayloadError,
            auto_decompress=auto_decompress,
        )
        self._messages: deque[tuple[RawRequestMessage | _ErrInfo, StreamReader]] = deque()
        self._task_handler: asyncio.Task[None] | None = None
        self._running = False
        self._current_request: BaseRequest | None = None
        self._current_payload: StreamReader | None = None
        self._keepalive = True
        self._force_close = False
        self._close = False
        self._keepalive_handle: asyncio.TimerHandle | None = None
        self._keepalive_time = 0.0

        self._upgrade = False
        self._message_tail = b""
        self._tail_limit = 2 * read_bufsize
        self._payload_parser: _DataParser | None = None

        self.access_logger: AbstractAccessLogger | AbstractAsyncAccessLogger | None = None
        self._async_access_log = False
        if access_log is not None:
            if issubclass(access_log_class, AbstractAsyncAccessLogger):
                self.access_logger = access_log_class()
                self._async_access_log = True
            else:
                self.access_logger = access_log_class(access_log, access_log_format)

    def __repr__(self) -> str:
        request = self._current_request
        if request is None:
            meth = path = "none"
        else:
            meth, path = request.method, request.path
        return f"<RequestHandler {meth}:{path} {'connected' if self.transport else 'disconnected'}>"

    # -- properties ------------------------------------------------------------------

    @property
    def keepalive_timeout(self) -> float:
        """Seconds an idle keep-alive connection is kept open."""
        return self._keepalive_timeout

    @property
    def request_handler(self) -> _RequestHandler | None:
        """The coroutine function answering each request."""
        return self._request_handler

    @property
    def request_factory(self) -> _RequestFactory | None:
        """The callable building each request object."""
        return self._request_factory

    @property
    def ssl_context(self) -> Any:
        """The transport's ``SSLContext``, or ``None`` for plain TCP."""
        transport = self.transport
        return None if transport is None else transport.get_extra_info("sslcontext")

    @property
    def peername(self) -> Any:
        """The peer's address as the transport reports it."""
        transport = self.transport
        return None if transport is None else transport.get_extra_info("peername")

    # -- asyncio.Protocol ------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Register with the manager and arm the idle timer for the first request."""
        super().connection_made(transport)
        if self._tcp_keepalive:
            tcp_keepalive(self.transport)  # type: ignore[arg-type]
        self._manager.connection_made(self, transport)
        self._keepalive_time = self._loop.time()
        self._arm_keepalive()

    def connection_lost(self, exc: BaseException | None) -> None:
        """Fail an unfinished request body; cancel the handler only if configured to."""
        self._manager.connection_lost(self, exc)
        super().connection_lost(exc)
        self._force_close = True
        self._messages.clear()
        handle = self._keepalive_handle
        if handle is not None:
            handle.cancel()
            self._keepalive_handle = None
        payload = self._current_payload
        if payload is not None and not payload.is_eof():
            payload.set_exception(ConnectionResetError("Connection lost") if exc is None else exc)
        if self._payload_parser is not None:
            with suppress(Exception):
                self._payload_parser.feed_eof()
            self._payload_parser = None
        if self._request_parser is not None:
            with suppress(Exception):
                self._request_parser.feed_eof()
            self._request_parser = None
        task = self._task_handler
        if task is not None and self._handler_cancellation and not task.done():
            task.cancel()

    def data_received(self, data: bytes) -> None:
        """Parse ``data`` and queue the requests it completes."""
        if self._payload_parser is not None:
            self._payload_parser.feed_data(data)
            return
        if self._upgrade:
            # The handler of the upgrade request decides what these bytes are;
            # until then at most about two read buffers of them are held.
            tail = self._message_tail = self._message_tail + data
            if len(tail) > self._tail_limit:
                self.pause_reading()
            return
        parser = self._request_parser
        if parser is None or self._force_close:
            return
        try:
            messages, upgraded, tail = parser.feed_data(data)
        except HttpProcessingError as exc:
            self._request_parser = None
            payload = self._current_payload
            if payload is not None and not payload.is_eof():
                # The error is in the body being read: fail it, then close.
                payload.set_exception(RequestPayloadError(str(exc)))
                self._keepalive = False
            else:
                status = exc.server_status
                self._queue(_ErrInfo(status, exc, exc.message), EMPTY_PAYLOAD)
            return
        if upgraded:
            self._upgrade = True
            self._message_tail = tail
        if messages:
            queued = self._messages
            queued.extend(messages)
            if len(queued) > _MAX_PIPELINED:
                self.pause_reading()
            if not self._running:
                self._start_task()

    # -- hooks for handlers ------------------------------------------------------------

    def set_parser(self, parser: _DataParser) -> None:
        """Send every later chunk of the connection to ``parser.feed_data``.

        Used after a protocol switch (WebSocket, CONNECT tunnel): bytes that
        arrived after the upgrade request are fed at once.
        """
        assert self._payload_parser is None, "a parser is already set"
        self._payload_parser = parser
        self._upgrade = False
        tail, self._message_tail = self._message_tail, b""
        if self._reading_paused:
            # Paused while the tail piled up; the new parser may pause again.
            self.resume_reading()
        if tail:
            parser.feed_data(tail)

    def keep_alive(self, val: bool) -> None:
        """Keep (``True``) or close (``False``) the connection after this response."""
        self._keepalive = val

    def close(self) -> None:
        """Close once the request in flight (if any) is answered; accept no more."""
        self._close = True
        self._messages.clear()
        if not self._running and self.transport is not None:
            self.transport.close()

    def force_close(self) -> None:
        """Close the connection now, abandoning queued requests."""
        self._force_close = True
        self._messages.clear()
        handle = self._keepalive_handle
        if handle is not None:
            handle.cancel()
            self._keepalive_handle = None
        if self.transport is not None:
            self.transport.close()

    async def shutdown(self, timeout: float | None = 15.0) -> None:
        """Let the request in flight finish within ``timeout`` seconds, then close."""
        self._force_close = True
        self._messages.clear()
        handle = self._keepalive_handle
        if handle is not None:
            handle.cancel()
            self._keepalive_handle = None
        task = self._task_handler
        if task is not None and not task.done():
            with suppress(asyncio.CancelledError, asyncio.TimeoutError):
                await asyncio.wait_for(asyncio.shield(task), timeout)
            if not task.done():
                task.cancel()
                with suppress(asyncio.CancelledError, Exception):
                    await task
        if self.transport is not None:
            self.transport.close()
            self.transport = None

    # -- logging -----------------------------------------------------------------------

    def log_debug(self, *args: Any, **kw: Any) -> None:
        """Log at DEBUG when the loop runs in debug mode."""
        if self.debug:
            self.logger.debug(*args, **kw)

    def log_exception(self, *args: Any, **kw: Any) -> None:
        """Log an error with its traceback."""
        self.logger.exception(*args, **kw)

    def log_access(
        self, request: BaseRequest, response: StreamResponse, time: float | None
    ) -> None:
        """Hand a finished request to the access logger (``time``: when it started).

        Synchronous, as in aiohttp; an ``AbstractAsyncAccessLogger``'s
        ``log()`` runs in a task of its own here (the request loop awaits it
        directly instead).
        """
        logger = self.access_logger
        if logger is None or not logger.enabled:
            return
        elapsed = 0.0 if time is None else self._loop.time() - time
        if self._async_access_log:
            task = self._loop.create_task(logger.log(request, response, elapsed))  # type: ignore[arg-type]
            # The loop keeps only a weak reference to a task: hold it until done.
            _LOG_TASKS.add(task)
            task.add_done_callback(_LOG_TASKS.discard)
        else:
            logger.log(request, response, elapsed)

    async def _log_access(
        self, request: BaseRequest, response: StreamResponse, time: float
    ) -> None:
        """``log_access``, awaiting an asynchronous logger before the next request."""
        if self._async_access_log:
            logger = self.access_logger
            assert logger is not None
            if logger.enabled:
                await logger.log(request, response, self._loop.time() - time)  # type: ignore[misc]
        else:
            self.log_access(request, response, time)

    # -- the request loop ----------------------------------------------------------------

    def _queue(self, message: RawRequestMessage | _ErrInfo, payload: StreamReader) -> None:
        self._messages.append((message, payload))
        if not self._running:
            self._start_task()

    def _start_task(self) -> None:
        # The keep-alive timer stays armed: when it fires on a busy connection it
        # just lapses, which is cheaper than cancelling and re-arming per request.
        coro = self._run()
        loop = self._loop
        if _EAGER:
            task: asyncio.Task[None] = asyncio.Task(coro, loop=loop, eager_start=True)  # type: ignore[call-arg,unused-ignore]
            self._task_handler = None if task.done() else task
        elif loop.get_task_factory() is None:
            # What loop.create_task does without a factory, minus its wrapper's cost.
            self._task_handler = asyncio.Task(coro, loop=loop)
        else:
            self._task_handler = loop.create_task(coro)

    def _arm_keepalive(self) -> None:
        if self._keepalive_handle is None and self._keepalive_timeout:
            self._keepalive_handle = self._loop.call_at(
                self._keepalive_time + self._keepalive_timeout, self._process_keepalive
            )

    def _process_keepalive(self) -> None:
        """Close an idle connection whose keep-alive time ran out."""
        self._keepalive_handle = None
        if self._running or self._messages or self.transport is None:
            # Busy: the end of the current request arms the timer again.
            return
        deadline = self._keepalive_time + self._keepalive_timeout
        if self._loop.time() < deadline:
            self._arm_keepalive()
            return
        self.transport.close()

    async def _run(self) -> None:
        """Serve queued requests in order until the queue is empty or the connection ends."""
        self._running = True
        loop = self._loop
        messages = self._messages
        manager = self._manager
        handler = self._request_handler
        factory = self._request_factory
        assert handler is not None and factory is not None
        # Without eager tasks _start_task stored this task before it first ran.
        task = asyncio.current_task(loop) if _EAGER else self._task_handler
        assert task is not None
        logger_on = self.access_logger is not None
        keep = True
        try:
            while messages and not self._force_close:
                message, payload = messages.popleft()
                manager.requests_count += 1
                start = loop.time() if logger_on else 0.0
                writer = _Writer(self, loop)
                if type(message) is _ErrInfo:
                    request = factory(_ERROR_MESSAGE, EMPTY_PAYLOAD, self, writer, task)
                    if message.status == 500:
                        self.log_exception("Error parsing request", exc_info=message.exc)
                    else:
                        self.log_debug("Bad request: %s", message.exc)
                    resp = self._error_response(
                        request, message.status, message.exc, message.message
                    )
                    keep = False
                else:
                    request = factory(message, payload, self, writer, task)
                    self._current_request = request
                    self._current_payload = payload
                    failed = True
                    try:
                        resp = await handler(request)
                        failed = False
                    except HTTPException as exc:
                        resp = exc if not exc.prepared else _copy_exception(exc)
                    except asyncio.CancelledError:
                        raise
                    except asyncio.TimeoutError as exc:
                        self.log_debug("Request handler timed out.", exc_info=exc)
                        resp = self.handle_error(request, 504)
                    except RequestPayloadError as exc:
                        # A malformed body the handler did not handle: the client's fault.
                        resp = self._error_response(request, 400, exc, str(exc))
                    except ConnectionError:
                        self.log_debug("Connection lost while the handler ran")
                        keep = False
                        break
                    except Exception as exc:
                        resp = self.handle_error(request, 500, exc)
                    if failed:
                        if writer.head_written:
                            # A response already started: no error page can follow it.
                            self.log_debug("Handler failed after its response started")
                            keep = False
                            break
                    else:
                        # StreamResponse is an ABC (MutableMapping): its isinstance is slow.
                        if type(resp) is not Response and not isinstance(resp, StreamResponse):
                            if resp is None:
                                err = RuntimeError("Missing return statement on request handler")
                            else:
                                err = RuntimeError(
                                    f"Web-handler should return a response instance, got {resp!r}"
                                )
                            resp = self.handle_error(request, 500, err)
                if not await self._finish_response(request, resp, start):
                    keep = False
                    break
                self._current_request = None
                self._current_payload = None
                if not payload.is_eof() and not await self._linger(payload):
                    keep = False
                    break
                if self._reading_paused and len(messages) <= _MAX_PIPELINED // 2:
                    # A body left unread (or a full queue) paused reading: the next
                    # request needs it.
                    self.resume_reading()
        except asyncio.CancelledError:
            self.log_debug("Request handler cancelled")
            if self.transport is not None:
                self.transport.close()
            raise
        finally:
            self._current_request = None
            self._current_payload = None
            self._task_handler = None
            self._running = False
        transport = self.transport
        if transport is None:
            return
        if not keep or self._force_close or self._close or not self._keepalive:
            transport.close()
        else:
            self._keepalive_time = loop.time()
            self._arm_keepalive()

    async def _finish_response(
        self, request: BaseRequest, resp: StreamResponse, start: float
    ) -> bool:
        """Send ``resp``; return whether the connection may serve another request."""
        if self._upgrade and self._payload_parser is None:
            # The upgrade was declined: resume HTTP parsing with the held bytes.
            self._upgrade = False
            tail, self._message_tail = self._message_tail, b""
            parser = self._request_parser
            if parser is not None:
                parser.set_upgraded(False)
                if tail:
                    self.data_received(tail)
        try:
            await resp.prepare(request)
            await resp.write_eof()
        except ConnectionError:
            self.log_debug("Connection lost while sending the response")
            if self.access_logger is not None:
                await self._log_access(request, resp, start)
            return False
        except Exception as exc:
            self.log_exception("Error sending the response", exc_info=exc)
            return False
        if self.access_logger is not None:
            await self._log_access(request, resp, start)
        if self._payload_parser is not None:
            return False
        return bool(resp.keep_alive) and self._keepalive and not self._close

    async def _linger(self, payload: StreamReader) -> bool:
        """Discard an unread request body, for at most ``lingering_time`` seconds."""
        if self._lingering_time:
            with suppress(asyncio.TimeoutError, Exception):
                async with ceil_timeout(self._lingering_time, self._timeout_ceil_threshold):
                    while not payload.is_eof():
                        await payload.readany()
        if payload.is_eof() and payload.exception() is None:
            return True
        payload.set_exception(_PAYLOAD_ACCESS_ERROR)
        # The connection closes; nothing more is parsed into this body.
        self._request_parser = None
        return False

    # -- errors ----------------------------------------------------------------------------

    def handle_error(
        self,
        request: BaseRequest,
        status: int = 500,
        exc: BaseException | None = None,
        message: str | None = None,
    ) -> StreamResponse:
        """Build the error response for ``status`` (logging a 500's exception)."""
        if status == 500:
            self.log_exception("Error handling request", exc_info=exc)
        return self._error_response(request, status, exc, message)

    def _error_response(
        self,
        request: BaseRequest,
        status: int,
        exc: BaseException | None,
        message: str | None,
    ) -> StreamResponse:
        """The plain-text or HTML page for an error ``status``; it closes the connection."""
        try:
            reason = HTTPStatus(status).phrase
        except ValueError:
            reason = "Error"
        if message is None:
            message = "Server got itself in trouble" if status == 500 else reason
        title = f"{status} {reason}"
        tb = None
        if self.debug and exc is not None:
            tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        if "text/html" in request.headers.get("Accept", ""):
            body = f"<h1>{escape(title)}</h1>\n<p>{escape(message)}</p>"
            if tb is not None:
                body += f"\n<h2>Traceback:</h2>\n<pre>{escape(tb)}</pre>"
            text = f"<html><head><title>{escape(title)}</title></head><body>{body}</body></html>"
            content_type = "text/html"
        else:
            text = f"{title}\n\n{message}"
            if tb is not None:
                text += f"\n\n{tb}"
            content_type = "text/plain"
        resp = Response(status=status, text=text, content_type=content_type)
        resp.force_close()
        return resp


def _copy_exception(exc: HTTPException) -> Response:
    """A fresh response equal to an HTTP exception already sent once."""
    return Response(
        status=exc.status, reason=exc.reason, body=exc.body, headers=CIMultiDict(exc.headers)
    )
