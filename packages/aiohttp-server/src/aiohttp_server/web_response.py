"""Server responses: ``StreamResponse``, ``Response`` and ``json_response``.

A response collects status, headers and cookies, then ``prepare()`` hands the
status line and headers to the request's ``StreamWriter`` (which buffers them
until the first body write so head and body leave together).
"""

from __future__ import annotations

import asyncio
import datetime
import enum
import json
import math
import sys
import warnings
import zlib
from collections.abc import Awaitable, Iterator, MutableMapping
from concurrent.futures import Executor
from http import HTTPStatus
from http.cookies import Morsel, SimpleCookie
from typing import TYPE_CHECKING, Any, cast

from multidict import CIMultiDict

from aiohttp_wire import hdrs
from aiohttp_wire.abc import AbstractStreamWriter
from aiohttp_wire.helpers import ETag, rfc822_formatted_time, sentinel
from aiohttp_wire.http_version import HttpVersion10, HttpVersion11
from aiohttp_wire.payload import LookupError as PayloadLookupError
from aiohttp_wire.payload import Payload, get_payload
from aiohttp_wire.typedefs import JSONEncoder, LooseHeaders

from . import __version__
from .helpers import (
    ETAG_ANY,
    QUOTED_ETAG_RE,
    accepted_codings,
    format_http_date,
    parse_content_type,
    parse_http_date,
    validate_etag_value,
)

if TYPE_CHECKING:
    from .web_request import BaseRequest

__all__ = ["ContentCoding", "Response", "StreamResponse", "json_response"]

SERVER_SOFTWARE = f"Python/{sys.version_info[0]}.{sys.version_info[1]} aiohttp-server/{__version__}"

_REASONS: dict[int, str] = {s.value: s.phrase for s in HTTPStatus}
_STATUS_LINES_11: dict[int, str] = {
    code: f"HTTP/1.1 {code} {phrase}" for code, phrase in _REASONS.items()
}
_OCTET_STREAM = "application/octet-stream"
_TEXT_PLAIN_UTF8 = "text/plain; charset=utf-8"
_CONNECTION_CLOSE = "close"
_KEEP_ALIVE = "keep-alive"
_CHUNKED = "chunked"
# Status codes whose responses never carry a body (RFC 9110 section 6.4.1).
_NO_BODY_STATUSES = frozenset({204, 304})


class ContentCoding(enum.Enum):
    """The content codings ``enable_compression(force=...)`` accepts."""

    # Member order is the server's preference when the client accepts several.
    deflate = "deflate"
    gzip = "gzip"
    identity = "identity"


_NEGOTIABLE = (ContentCoding.deflate, ContentCoding.gzip)


def _negotiate_coding(request: BaseRequest) -> ContentCoding | None:
    """The first of our codings (deflate, then gzip) the client accepts, if any."""
    header = request.headers.get(hdrs.ACCEPT_ENCODING)
    if not header:
        return None
    accepted = accepted_codings(header)
    for coding in _NEGOTIABLE:
        if coding.value in accepted:
            return coding
    return None


def _no_body_status(status: int) -> bool:
    return status in _NO_BODY_STATUSES or 100 <= status < 200


class StreamResponse(MutableMapping[str, Any]):
    """A response whose body is written piecewise after ``prepare()``."""

    # Defaults live on the class so that building a response sets only what
    # differs (most responses never touch compression, cookies or state).
    _body: Any = None
    _chunked = False
    _compression = False
    _compression_strategy: int | None = None
    _compression_force: ContentCoding | None = None
    _cookies: SimpleCookie | None = None
    _req: BaseRequest | None = None
    _payload_writer: AbstractStreamWriter | None = None
    _eof_sent = False
    _must_be_empty_body: bool | None = None
    _body_length = 0
    _state: dict[str, Any] | None = None
    _keep_alive: bool | None = None
    #: ``prepare()`` puts the head on the wire at once: a streamed body's first bytes may
    #: be long in coming (server-sent events, long polls) and the client waits on the
    #: status. Responses that write their body right after override it to coalesce.
    _send_headers_immediately = True

    def __init__(
        self,
        *,
        status: int = 200,
        reason: str | None = None,
        headers: LooseHeaders | None = None,
        _real_headers: CIMultiDict[str] | None = None,
    ) -> None:
        if _real_headers is not None:
            self._headers = _real_headers
        elif headers is not None:
            self._headers = CIMultiDict(headers)
        else:
            self._headers = CIMultiDict()
        self._set_status(status, reason)

    # -- status -------------------------------------------------------------

    @property
    def prepared(self) -> bool:
        """Whether the headers have been handed to the writer."""
        return self._eof_sent or self._payload_writer is not None

    @property
    def task(self) -> asyncio.Task[None] | None:
        """The task serving the request this response answers."""
        if self._req is None:
            return None
        return self._req.task

    @property
    def status(self) -> int:
        return self._status

    @property
    def chunked(self) -> bool:
        return self._chunked

    @property
    def compression(self) -> bool:
        return self._compression

    @property
    def reason(self) -> str:
        return self._reason

    def set_status(self, status: int, reason: str | None = None) -> None:
        """Change the status before the headers are sent."""
        if self.prepared:
            raise AssertionError(
                "Cannot change the response status code after the headers have been sent"
            )
        self._set_status(status, reason)

    def _set_status(self, status: int, reason: str | None) -> None:
        self._status = int(status)
        if reason is None:
            reason = _REASONS.get(self._status, "")
        elif "\r" in reason or "\n" in reason:
            raise ValueError("Reason cannot contain \\r or \\n")
        self._reason = reason

    # -- connection -----------------------------------------------------------

    @property
    def keep_alive(self) -> bool | None:
        return self._keep_alive

    def force_close(self) -> None:
        """Close the connection once this response is sent."""
        self._keep_alive = False

    @property
    def body_length(self) -> int:
        """Bytes of body written so far."""
        return self._body_length

    @property
    def output_length(self) -> int:
        warnings.warn("output_length is deprecated", DeprecationWarning, stacklevel=2)
        assert self._payload_writer is not None
        return self._payload_writer.buffer_size

    def enable_chunked_encoding(self, chunk_size: int | None = None) -> None:
        """Send the body with ``Transfer-Encoding: chunked``."""
        self._chunked = True
        if hdrs.CONTENT_LENGTH in self._headers:
            raise RuntimeError("You can't enable chunked encoding when a content length is set")
        if chunk_size is not None:
            warnings.warn("Chunk size is deprecated #1615", DeprecationWarning, stacklevel=2)

    def enable_compression(
        self, force: ContentCoding | bool | None = None, strategy: int | None = None
    ) -> None:
        """Compress the body, with ``force`` or with what the client accepts."""
        if isinstance(force, bool):
            force = ContentCoding.deflate if force else ContentCoding.identity
            warnings.warn(
                "Using boolean for force is deprecated #3318", DeprecationWarning, stacklevel=2
            )
        elif force is not None and not isinstance(force, ContentCoding):
            raise TypeError(f"force should be a ContentCoding, got {force!r}")
        self._compression = True
        self._compression_force = force
        self._compression_strategy = strategy

    # -- headers ----------------------------------------------------------------

    @property
    def headers(self) -> CIMultiDict[str]:
        return self._headers

    @property
    def cookies(self) -> SimpleCookie:
        if self._cookies is None:
            self._cookies = SimpleCookie()
        return self._cookies

    def set_cookie(
        self,
        name: str,
        value: str,
        *,
        expires: str | None = None,
        domain: str | None = None,
        max_age: int | str | None = None,
        path: str = "/",
        secure: bool | None = None,
        httponly: bool | None = None,
        version: str | None = None,
        samesite: str | None = None,
        partitioned: bool | None = None,
    ) -> None:
        """Add a ``Set-Cookie`` for ``name``; ``expires`` etc. as in RFC 6265."""
        cookies = self.cookies
        old = cookies.get(name)
        if old is not None and old.coded_value == "":
            # A deleted cookie being set again: forget the deletion attributes.
            cookies.pop(name, None)
        cookies[name] = value
        c = cookies[name]
        if expires is not None:
            c["expires"] = expires
        elif c.get("expires") == "Thu, 01 Jan 1970 00:00:00 GMT":
            del c["expires"]
        if domain is not None:
            c["domain"] = domain
        if max_age is not None:
            c["max-age"] = str(max_age)
        elif "max-age" in c:
            del c["max-age"]
        c["path"] = path
        if secure is not None:
            c["secure"] = secure
        if httponly is not None:
            c["httponly"] = httponly
        if version is not None:
            c["version"] = version
        if samesite is not None:
            c["samesite"] = samesite
        if partitioned:
            if sys.version_info >= (3, 14):
                c["partitioned"] = True
            else:
                # Older http.cookies does not know the attribute.
                Morsel._reserved.setdefault("partitioned", "Partitioned")  # type: ignore[attr-defined]
                Morsel._flags.add("partitioned")  # type: ignore[attr-defined]
                c["partitioned"] = True

    def del_cookie(
        self,
        name: str,
        *,
        domain: str | None = None,
        path: str = "/",
        secure: bool | None = None,
        httponly: bool | None = None,
        samesite: str | None = None,
    ) -> None:
        """Ask the client to drop cookie ``name`` (empty value, expired)."""
        self.cookies.pop(name, None)
        self.set_cookie(
            name,
            "",
            max_age=0,
            expires="Thu, 01 Jan 1970 00:00:00 GMT",
            domain=domain,
            path=path,
            secure=secure,
            httponly=httponly,
            samesite=samesite,
        )

    @property
    def content_length(self) -> int | None:
        value = self._headers.get(hdrs.CONTENT_LENGTH)
        return None if value is None else int(value)

    @content_length.setter
    def content_length(self, value: int | None) -> None:
        if value is not None:
            value = int(value)
            if self._chunked:
                raise RuntimeError("You can't set content length when chunked encoding is enable")
            self._headers[hdrs.CONTENT_LENGTH] = str(value)
        else:
            self._headers.pop(hdrs.CONTENT_LENGTH, None)

    @property
    def content_type(self) -> str:
        raw = self._headers.get(hdrs.CONTENT_TYPE)
        if raw is None:
            return _OCTET_STREAM
        return parse_content_type(raw)[0]

    @content_type.setter
    def content_type(self, value: str) -> None:
        charset = self.charset if hdrs.CONTENT_TYPE in self._headers else None
        self._set_content_type(str(value), charset)

    @property
    def charset(self) -> str | None:
        raw = self._headers.get(hdrs.CONTENT_TYPE)
        if raw is None:
            return None
        return parse_content_type(raw)[1].get("charset")

    @charset.setter
    def charset(self, value: str | None) -> None:
        ctype = self.content_type
        if ctype == _OCTET_STREAM:
            raise RuntimeError(
                "Setting charset for application/octet-stream "
                "doesn't make sense, setup content_type first"
            )
        self._set_content_type(ctype, None if value is None else str(value).lower())

    def _set_content_type(self, ctype: str, charset: str | None) -> None:
        raw = self._headers.get(hdrs.CONTENT_TYPE)
        params = dict(parse_content_type(raw)[1]) if raw else {}
        params.pop("charset", None)
        parts = [ctype]
        parts.extend(f"{k}={v}" for k, v in params.items())
        if charset:
            parts.append(f"charset={charset}")
        self._headers[hdrs.CONTENT_TYPE] = "; ".join(parts)

    @property
    def last_modified(self) -> datetime.datetime | None:
        """``Last-Modified`` as a datetime (``None`` when absent or invalid)."""
        return parse_http_date(self._headers.get(hdrs.LAST_MODIFIED))

    @last_modified.setter
    def last_modified(self, value: int | float | datetime.datetime | str | None) -> None:
        if value is None:
            self._headers.pop(hdrs.LAST_MODIFIED, None)
        elif isinstance(value, (int, float)):
            stamp = datetime.datetime.fromtimestamp(math.ceil(value), datetime.timezone.utc)
            self._headers[hdrs.LAST_MODIFIED] = format_http_date(stamp)
        elif isinstance(value, datetime.datetime):
            if value.tzinfo is None:
                value = value.replace(tzinfo=datetime.timezone.utc)
            self._headers[hdrs.LAST_MODIFIED] = format_http_date(value)
        elif isinstance(value, str):
            self._headers[hdrs.LAST_MODIFIED] = value
        else:
            raise TypeError(f"Unsupported type for last_modified: {type(value).__name__}")

    @property
    def etag(self) -> ETag | None:
        """``ETag`` parsed (``None`` when absent or malformed)."""
        raw = self._headers.get(hdrs.ETAG)
        if not raw:
            return None
        if raw == ETAG_ANY:
            return ETag(value=ETAG_ANY)
        match = QUOTED_ETAG_RE.fullmatch(raw)
        if match is None:
            return None
        return ETag(value=match.group(2), is_weak=bool(match.group(1)))

    @etag.setter
    def etag(self, value: ETag | str | None) -> None:
        if value is None:
            self._headers.pop(hdrs.ETAG, None)
        elif isinstance(value, str):
            validate_etag_value(value)
            self._headers[hdrs.ETAG] = value if value == ETAG_ANY else f'"{value}"'
        elif isinstance(value, ETag) and isinstance(value.value, str):
            validate_etag_value(value.value)
            if value.value == ETAG_ANY:
                self._headers[hdrs.ETAG] = ETAG_ANY
            else:
                prefix = "W/" if value.is_weak else ""
                self._headers[hdrs.ETAG] = f'{prefix}"{value.value}"'
        else:
            raise ValueError(
                f"Unsupported etag type: {type(value)}. etag must be str, ETag or None"
            )

    # -- sending ------------------------------------------------------------

    async def prepare(self, request: BaseRequest) -> AbstractStreamWriter | None:
        """Send the status line and headers (once); return the body writer."""
        if self._eof_sent:
            return None
        if self._payload_writer is not None:
            return self._payload_writer
        self._must_be_empty_body = request.method == hdrs.METH_HEAD or _no_body_status(self._status)
        return await self._start(request)

    async def _start(self, request: BaseRequest) -> AbstractStreamWriter:
        self._req = request
        writer = request._payload_writer
        self._payload_writer = writer
        self._set_length()
        await request._prepare_hook(self)
        if self._cookies:
            headers = self._headers
            for cookie in self._cookies.values():
                headers.add(hdrs.SET_COOKIE, cookie.output(header="")[1:])
        if self._compression:
            await self._start_compression(request)
        # Plain functions, not coroutines: each await costs on every response.
        self._prepare_headers()
        pending = self._write_headers()
        if pending is not None:
            await pending
        if self._send_headers_immediately:
            writer.send_headers()
        return writer

    def _set_length(self) -> None:
        """Set Content-Length from a body known up front (``Response`` has one)."""

    def _prepare_headers(self) -> None:
        """Framing (length or chunked), Content-Type, Date, Server and Connection."""
        request = self._req
        assert request is not None
        writer = self._payload_writer
        assert writer is not None
        keep_alive = self._keep_alive
        if keep_alive is None:
            keep_alive = request.keep_alive
            self._keep_alive = keep_alive
        version = request.version
        headers = self._headers
        if self._chunked:
            if version != HttpVersion11:
                raise RuntimeError(
                    f"Using chunked encoding is forbidden for HTTP/{version.major}.{version.minor}"
                )
            if not self._must_be_empty_body:
                writer.enable_chunking()
                headers[hdrs.TRANSFER_ENCODING] = _CHUNKED
        elif not self._must_be_empty_body:
            length = headers.get(hdrs.CONTENT_LENGTH)
            if length is not None:
                # The writer never lets more than the announced bytes out.
                writer.length = int(length)
            elif version >= HttpVersion11:
                writer.enable_chunking()
                headers[hdrs.TRANSFER_ENCODING] = _CHUNKED
            else:
                # HTTP/1.0 without a length: the body ends with the connection.
                keep_alive = False
                self._keep_alive = False
        if self._must_be_empty_body:
            if self._status in _NO_BODY_STATUSES or self._status < 200:
                headers.pop(hdrs.TRANSFER_ENCODING, None)
                if self._status != 304:
                    headers.pop(hdrs.CONTENT_LENGTH, None)
        elif hdrs.CONTENT_TYPE not in headers and headers.get(hdrs.CONTENT_LENGTH) != "0":
            # Only content needs a type (RFC 9110 section 8.3).
            headers[hdrs.CONTENT_TYPE] = _OCTET_STREAM
        if hdrs.DATE not in headers:
            headers[hdrs.DATE] = rfc822_formatted_time()
        if hdrs.SERVER not in headers:
            headers[hdrs.SERVER] = SERVER_SOFTWARE
        if hdrs.CONNECTION not in headers:
            if keep_alive:
                if version == HttpVersion10:
                    headers[hdrs.CONNECTION] = _KEEP_ALIVE
            elif version == HttpVersion11:
                headers[hdrs.CONNECTION] = _CONNECTION_CLOSE

    def _write_headers(self) -> Awaitable[None] | None:
        """Hand the head to the writer; an awaitable if the writer's ``write_headers`` is async."""
        request = self._req
        assert request is not None
        writer = self._payload_writer
        assert writer is not None
        version = request.version
        if version == HttpVersion11 and self._reason == _REASONS.get(self._status):
            status_line = _STATUS_LINES_11[self._status]
        else:
            status_line = f"HTTP/{version.major}.{version.minor} {self._status} {self._reason}"
        return cast(Any, writer).write_headers(status_line, self._headers)  # type: ignore[no-any-return]

    async def _start_compression(self, request: BaseRequest) -> None:
        force = self._compression_force
        if force is not None:
            if force is not ContentCoding.identity:
                self._apply_coding(force)
            return
        if self._must_be_empty_body:
            return
        coding = _negotiate_coding(request)
        if coding is not None:
            self._headers.add(hdrs.VARY, hdrs.ACCEPT_ENCODING)
            self._apply_coding(coding)

    def _apply_coding(self, coding: ContentCoding) -> None:
        assert self._payload_writer is not None
        self._headers[hdrs.CONTENT_ENCODING] = coding.value
        self._payload_writer.enable_compression(coding.value, self._compression_strategy)
        # The length on the wire is unknown once a stream is compressed.
        self._headers.popall(hdrs.CONTENT_LENGTH, None)
        self._chunked = self._req is not None and self._req.version >= HttpVersion11

    async def write(self, data: bytes | bytearray | memoryview) -> None:
        """Write a body chunk (after ``prepare()``, before ``write_eof()``)."""
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError(f"data argument must be byte-ish ({type(data)!r})")
        if self._eof_sent:
            raise RuntimeError("Cannot call write() after write_eof()")
        if self._payload_writer is None:
            raise RuntimeError("Cannot call write() before prepare()")
        if self._must_be_empty_body:
            return
        self._body_length += len(data)
        await self._payload_writer.write(data)

    async def drain(self) -> None:
        """Deprecated: ``write()`` drains already."""
        assert not self._eof_sent, "EOF has already been sent"
        assert self._payload_writer is not None, "Response has not been started"
        warnings.warn(
            "drain method is deprecated, use await resp.write()",
            DeprecationWarning,
            stacklevel=2,
        )
        await self._payload_writer.drain()

    async def write_eof(self, data: bytes = b"") -> None:
        """Finish the body, optionally with a last chunk."""
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError(f"data argument must be byte-ish ({type(data)!r})")
        if self._eof_sent:
            return
        if self._payload_writer is None:
            raise RuntimeError("Response has not been started")
        if self._must_be_empty_body:
            data = b""
        writer = self._payload_writer
        self._body_length += len(data)
        await writer.write_eof(data)
        self._eof_written(writer)

    def _eof_written(self, writer: AbstractStreamWriter) -> None:
        """Record the end of the body once the writer has it."""
        self._eof_sent = True
        self._req = None
        self._body_length = writer.output_size
        if writer.length:
            # Fewer bytes than Content-Length announced: only closing the
            # connection keeps the client from reading the next response as body.
            self._keep_alive = False

    def __repr__(self) -> str:
        if self._eof_sent:
            info = "eof"
        elif self.prepared:
            assert self._req is not None
            info = f"{self._req.method} {self._req.path} "
        else:
            info = "not prepared"
        return f"<{self.__class__.__name__} {self.reason} {info}>"

    # -- per-response state (MutableMapping) ----------------------------------

    def __getitem__(self, key: str) -> Any:
        if self._state is None:
            raise KeyError(key)
        return self._state[key]

    def __setitem__(self, key: str, value: Any) -> None:
        if self._state is None:
            self._state = {}
        self._state[key] = value

    def __delitem__(self, key: str) -> None:
        if self._state is None:
            raise KeyError(key)
        del self._state[key]

    def __len__(self) -> int:
        return 0 if self._state is None else len(self._state)

    def __iter__(self) -> Iterator[str]:
        return iter(() if self._state is None else self._state)

    def __hash__(self) -> int:
        return hash(id(self))

    def __eq__(self, other: object) -> bool:
        return self is other

    def __bool__(self) -> bool:
        return True


class Response(StreamResponse):
    """A response with its whole body known up front (bytes, text or a payload)."""

    # The body follows the head at once: both leave in one transport write.
    _send_headers_immediately = False
    _compressed_body: bytes | None = None
    _zlib_executor_size: int | None = None
    _zlib_executor: Executor | None = None

    def __init__(
        self,
        *,
        body: Any = None,
        status: int = 200,
        reason: str | None = None,
        text: str | None = None,
        headers: LooseHeaders | None = None,
        content_type: str | None = None,
        charset: str | None = None,
        zlib_executor_size: int | None = None,
        zlib_executor: Executor | None = None,
    ) -> None:
        if body is not None and text is not None:
            raise ValueError("body and text are not allowed together")
        if headers is None:
            real_headers: CIMultiDict[str] = CIMultiDict()
        elif isinstance(headers, CIMultiDict):
            real_headers = headers
        else:
            real_headers = CIMultiDict(headers)
        if content_type is not None and "charset" in content_type:
            raise ValueError("charset must not be in content_type argument")
        if text is not None:
            if hdrs.CONTENT_TYPE in real_headers:
                if content_type or charset:
                    raise ValueError(
                        "passing both Content-Type header and "
                        "content_type or charset params is forbidden"
                    )
            else:
                if not isinstance(text, str):
                    raise TypeError(f"text argument must be str ({type(text)!r})")
                if content_type is None and charset is None:
                    real_headers[hdrs.CONTENT_TYPE] = _TEXT_PLAIN_UTF8
                    body = text.encode()
                else:
                    if content_type is None:
                        content_type = "text/plain"
                    if charset is None:
                        charset = "utf-8"
                    real_headers[hdrs.CONTENT_TYPE] = f"{content_type}; charset={charset}"
                    body = text.encode(charset)
                text = None
        elif hdrs.CONTENT_TYPE in real_headers:
            if content_type is not None or charset is not None:
                raise ValueError(
                    "passing both Content-Type header and "
                    "content_type or charset params is forbidden"
                )
        elif content_type is not None:
            if charset is not None:
                content_type += "; charset=" + charset
            real_headers[hdrs.CONTENT_TYPE] = content_type
        self._headers = real_headers
        if status == 200 and reason is None:
            # The common case, without the generic status handling.
            self._status = 200
            self._reason = "OK"
        else:
            self._set_status(status, reason)
        if zlib_executor_size is not None:
            self._zlib_executor_size = zlib_executor_size
        if zlib_executor is not None:
            self._zlib_executor = zlib_executor
        if text is not None:
            self.text = text
        elif type(body) is bytes:
            self._body = body
        elif body is not None:
            self.body = body

    @property
    def body(self) -> Any:
        """The body: ``bytes``, a ``Payload`` or ``None``."""
        return self._body

    @body.setter
    def body(self, body: Any) -> None:
        if body is None or isinstance(body, (bytes, bytearray)):
            self._body = body
        else:
            try:
                payload = get_payload(body)
            except (LookupError, PayloadLookupError) as exc:
                raise ValueError(f"Unsupported body type {type(body)!r}") from exc
            self._body = payload
            headers = self._headers
            if hdrs.CONTENT_TYPE not in headers and payload.content_type:
                headers[hdrs.CONTENT_TYPE] = payload.content_type
            for key, value in payload.headers.items():
                if key not in headers:
                    headers[key] = value
        self._compressed_body = None

    @property
    def text(self) -> str | None:
        if self._body is None:
            return None
        if isinstance(self._body, Payload):
            return cast(str, cast(Any, self._body).decode(self.charset or "utf-8"))
        return bytes(self._body).decode(self.charset or "utf-8")

    @text.setter
    def text(self, text: str) -> None:
        if not isinstance(text, str):
            raise TypeError(f"text argument must be str ({type(text)!r})")
        if self.content_type == _OCTET_STREAM:
            self.content_type = "text/plain"
        charset = self.charset
        if charset is None:
            charset = "utf-8"
            self.charset = charset
        self._body = text.encode(charset)
        self._compressed_body = None

    @property
    def content_length(self) -> int | None:
        if self._chunked:
            return None
        value = self._headers.get(hdrs.CONTENT_LENGTH)
        if value is not None:
            return int(value)
        if self._compressed_body is not None:
            return len(self._compressed_body)
        body = self._body
        if body is None:
            return 0
        if isinstance(body, Payload):
            return body.size
        return len(body)

    @content_length.setter
    def content_length(self, value: int | None) -> None:
        raise RuntimeError("Content length is set automatically")

    async def write_eof(self, data: bytes = b"") -> None:
        if self._eof_sent:
            return
        body = self._compressed_body if self._compressed_body is not None else self._body
        writer = self._payload_writer
        assert writer is not None
        if self._must_be_empty_body or body is None:
            await super().write_eof()
        elif type(body) is not bytes and isinstance(body, Payload):
            await body.write(writer)
            await super().write_eof()
        else:
            # What StreamResponse.write_eof does for a bytes body, one coroutine fewer.
            if type(body) is not bytes:
                body = bytes(body)
            await writer.write_eof(body)
            self._eof_written(writer)

    def _set_length(self) -> None:
        headers = self._headers
        if hdrs.CONTENT_LENGTH not in headers and not self._chunked:
            body = self._body
            if body is None:
                if not _no_body_status(self._status):
                    headers[hdrs.CONTENT_LENGTH] = "0"
            elif type(body) is bytes or not isinstance(body, Payload):
                headers[hdrs.CONTENT_LENGTH] = str(len(body))
            else:
                size = body.size
                if size is not None:
                    headers[hdrs.CONTENT_LENGTH] = str(size)

    def _apply_coding(self, coding: ContentCoding) -> None:
        if isinstance(self._body, Payload) or self._chunked:
            super()._apply_coding(coding)
        # Whole bytes bodies are compressed in one go by _start_compression.

    async def _start_compression(self, request: BaseRequest) -> None:
        body = self._body
        if isinstance(body, Payload) or self._chunked or body is None:
            await super()._start_compression(request)
            return
        coding = self._compression_force
        if coding is None:
            if self._must_be_empty_body:
                return
            coding = _negotiate_coding(request)
            if coding is not None:
                self._headers.add(hdrs.VARY, hdrs.ACCEPT_ENCODING)
        if coding is None or coding is ContentCoding.identity:
            return
        data = bytes(body)
        size = self._zlib_executor_size
        if size is not None and len(data) > size:
            loop = asyncio.get_running_loop()
            compressed = await loop.run_in_executor(
                self._zlib_executor, _compress, data, coding, self._compression_strategy
            )
        else:
            compressed = _compress(data, coding, self._compression_strategy)
        self._compressed_body = compressed
        self._headers[hdrs.CONTENT_ENCODING] = coding.value
        self._headers[hdrs.CONTENT_LENGTH] = str(len(compressed))


def _compress(data: bytes, coding: ContentCoding, strategy: int | None) -> bytes:
    wbits = 16 + zlib.MAX_WBITS if coding is ContentCoding.gzip else zlib.MAX_WBITS
    comp = zlib.compressobj(
        wbits=wbits, strategy=zlib.Z_DEFAULT_STRATEGY if strategy is None else strategy
    )
    return comp.compress(data) + comp.flush()


def json_response(
    data: Any = sentinel,
    *,
    text: str | None = None,
    body: bytes | None = None,
    status: int = 200,
    reason: str | None = None,
    headers: LooseHeaders | None = None,
    content_type: str = "application/json",
    dumps: JSONEncoder = json.dumps,
) -> Response:
    """A ``Response`` whose body is ``dumps(data)`` (or the given text/body)."""
    if data is not sentinel:
        if text or body:
            raise ValueError("only one of data, text, or body should be specified")
        text = dumps(data)
    return Response(
        text=text,
        body=body,
        status=status,
        reason=reason,
        headers=headers,
        content_type=content_type,
    )
