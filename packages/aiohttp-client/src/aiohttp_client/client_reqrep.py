"""``ClientRequest`` (builds and writes one request) and ``ClientResponse``.

A request is written over a ``Connection`` the connector hands out; the
response reads its head from the connection's ``ResponseHandler`` and streams
its body from a ``StreamReader``. The connection goes back to the pool only
once the body has been read to the end.
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import hashlib
import json
import re
import ssl
import sys
import traceback
import warnings
from collections.abc import Callable, Generator, Iterable, Mapping
from http.cookies import Morsel, SimpleCookie
from types import TracebackType
from typing import TYPE_CHECKING, Any, NamedTuple

from multidict import CIMultiDict, CIMultiDictProxy, MultiDict, MultiDictProxy, getversion
from yarl import URL

from aiohttp_wire import hdrs, payload
from aiohttp_wire.cookies import format_cookie_header, parse_set_cookie_headers
from aiohttp_wire.helpers import BasicAuth, HeadersMixin
from aiohttp_wire.http_exceptions import HttpProcessingError
from aiohttp_wire.http_version import HttpVersion, HttpVersion10, HttpVersion11
from aiohttp_wire.http_writer import StreamWriter, serialize_headers
from aiohttp_wire.streams import StreamReader

from .client_exceptions import (
    ClientConnectionError,
    ClientOSError,
    ClientResponseError,
    ContentTypeError,
    InvalidURL,
    ServerFingerprintMismatch,
)
from .proxy_env import basicauth_from_netrc, netrc_from_env

if TYPE_CHECKING:
    from aiohttp_wire.multipart import ContentDisposition

    from .client import ClientSession
    from .connector import Connection
    from .tracing import Trace

__all__ = (
    "ClientRequest",
    "ClientResponse",
    "ConnectionKey",
    "Fingerprint",
    "RequestInfo",
    "as_payload",
)

_SSL_SCHEMES = frozenset({"https", "wss"})
_INLINE_BODY = 16384  # bytes bodies up to this size are written with the head, not in a task
_BYTES_WRITE = payload.BytesPayload.write  # a payload writing this way holds its bytes
_DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}
_GET_METHODS = frozenset(
    {hdrs.METH_GET, hdrs.METH_HEAD, hdrs.METH_OPTIONS, hdrs.METH_TRACE, hdrs.METH_CONNECT}
)
_JSON_RE = re.compile(r"^(?:application/|[\w.-]+/[\w.+-]+?\+)json$")
_KNOWN_METHODS = frozenset(  # tokens already: the regex is only needed for other methods
    {hdrs.METH_DELETE, hdrs.METH_PATCH, hdrs.METH_POST, hdrs.METH_PUT} | _GET_METHODS
)
_LINK_SPLIT_RE = re.compile(r",(?=\s*<)")
_LINK_RE = re.compile(r"^\s*<(.*)>(.*)$")
# RFC 9110 section 5.6.2: a method is a token.
_METHOD_TOKEN_RE = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_LINK_PARAM_RE = re.compile(r"\s*;\s*([^\s=;]+)\s*(?:=\s*(\"[^\"]*\"|[^\s;]*))?")
USER_AGENT = f"Python/{sys.version_info[0]}.{sys.version_info[1]} aiohttp/3.13.3"
_EXPECT_100 = "100-continue"
_COOKIE_CODER = SimpleCookie()  # quotes plain cookie values as http.cookies does
_tuple_new = tuple.__new__
# Heads of requests that carry only the automatic headers, by start line, Host
# and the default User-Agent and Accept-Encoding:
# serialised once, then reused (bounded, cleared whole when full).
_AUTO_HEADS: dict[tuple[str, str, str, str], bytes] = {}
_AUTO_HEADS_SIZE = 256


def as_payload(data: Any) -> payload.Payload:
    """``data`` as the payload a request sends: registered types, else form fields.

    The session converts once before following redirects, so that a 307/308
    resends the same payload (a file one rewinds) instead of a spent file object.
    """
    if isinstance(data, payload.Payload):
        return data
    # formdata pulls in the multipart module, a large share of the client's
    # import time, so it is imported on first need; until then no FormData exists.
    formdata = sys.modules.get("aiohttp_wire.formdata")
    if formdata is not None and isinstance(data, formdata.FormData):
        return data()  # type: ignore[no-any-return]
    try:
        return payload.PAYLOAD_REGISTRY.get(data)
    except payload.LookupError:
        from aiohttp_wire.formdata import FormData

        return FormData(data)()


class ConnectionKey(NamedTuple):
    """What makes two requests able to share a pooled connection."""

    host: str
    port: int | None
    is_ssl: bool
    ssl: ssl.SSLContext | bool | Fingerprint
    proxy: URL | None
    proxy_auth: BasicAuth | None
    proxy_headers_hash: int | None


class _RequestInfo(NamedTuple):
    url: URL
    method: str
    headers: CIMultiDictProxy[str]
    real_url: URL


class RequestInfo(_RequestInfo):
    """The URL, method and headers a response answers (``real_url`` keeps the fragment)."""

    def __new__(
        cls,
        url: URL,
        method: str,
        headers: CIMultiDictProxy[str],
        real_url: URL | None = None,
    ) -> RequestInfo:
        return tuple.__new__(cls, (url, method, headers, url if real_url is None else real_url))


class Fingerprint:
    """Pins a server certificate by the SHA-256 digest of its DER form."""

    __slots__ = ("_fingerprint",)

    def __init__(self, fingerprint: bytes) -> None:
        length = len(fingerprint)
        if length in (16, 20):
            raise ValueError("md5 and sha1 are insecure and not supported. Use sha256.")
        if length != 32:
            raise ValueError("fingerprint has invalid length")
        self._fingerprint = fingerprint

    @property
    def fingerprint(self) -> bytes:
        """The expected digest."""
        return self._fingerprint

    def check(self, transport: asyncio.Transport) -> None:
        """Raise ``ServerFingerprintMismatch`` unless the peer certificate matches."""
        if transport.get_extra_info("sslcontext") is None:
            return
        sslobj = transport.get_extra_info("ssl_object")
        cert = sslobj.getpeercert(binary_form=True)
        got = hashlib.sha256(cert).digest()
        if got != self._fingerprint:
            host, port, *_ = transport.get_extra_info("peername")
            raise ServerFingerprintMismatch(self._fingerprint, got, host, port)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Fingerprint) and other._fingerprint == self._fingerprint

    def __hash__(self) -> int:
        return hash(self._fingerprint)

    def __repr__(self) -> str:
        return f"<Fingerprint {self._fingerprint.hex()}>"


def _check_ssl(ssl_arg: object) -> ssl.SSLContext | bool | Fingerprint:
    if ssl_arg is None:
        return True
    if isinstance(ssl_arg, (ssl.SSLContext, bool, Fingerprint)):
        return ssl_arg
    raise TypeError(f"ssl should be SSLContext, Fingerprint, or bool, got {ssl_arg!r} instead.")


class ClientRequest:
    """One HTTP request: its URL, headers and body, written onto a connection."""

    DEFAULT_HEADERS = {hdrs.ACCEPT: "*/*"}
    GET_METHODS = _GET_METHODS
    POST_METHODS = frozenset({hdrs.METH_PATCH, hdrs.METH_POST, hdrs.METH_PUT})
    ALL_METHODS = GET_METHODS | POST_METHODS | {hdrs.METH_DELETE}

    body: payload.Payload | None = None
    auth: BasicAuth | None = None
    _auto_content_type = False
    response: ClientResponse | None = None
    _writer_task: asyncio.Task[None] | None = None
    # (Host value, headers version) while ``headers`` hold only the automatic
    # headers built by __init__; any change to them moves the version on.
    _auto_headers: tuple[str, int] | None = None
    headers: CIMultiDict[str]
    _skip_auto_headers: CIMultiDict[None] | None

    def __init__(
        self,
        method: str,
        url: URL,
        *,
        params: Any = None,
        headers: Any = None,
        skip_auto_headers: Iterable[str] | None = None,
        data: Any = None,
        cookies: Any = None,
        auth: BasicAuth | None = None,
        version: HttpVersion = HttpVersion11,
        compress: str | bool | None = None,
        chunked: bool | None = None,
        expect100: bool = False,
        loop: asyncio.AbstractEventLoop | None = None,
        response_class: type[ClientResponse] | None = None,
        proxy: URL | None = None,
        proxy_auth: BasicAuth | None = None,
        timer: Any = None,
        session: ClientSession | None = None,
        ssl: ssl.SSLContext | bool | Fingerprint = True,
        proxy_headers: Any = None,
        traces: list[Trace] | None = None,
        trust_env: bool = False,
        server_hostname: str | None = None,
    ) -> None:
        if loop is None:
            loop = asyncio.get_running_loop()
        self.loop = loop
        if params:
            url = url.extend_query(params)
        self.original_url = url
        self.url = url.with_fragment(None) if url.raw_fragment else url
        if method not in _KNOWN_METHODS and _METHOD_TOKEN_RE.fullmatch(method) is None:
            raise ValueError(f"Method cannot contain non-token characters {method!r}")
        self.method = method.upper()
        self.chunked = chunked
        self.compress = compress
        self.response_class: type[ClientResponse] = response_class or ClientResponse
        self._timer = timer
        self._session = session
        self._ssl = ssl if ssl is True else _check_ssl(ssl)
        self.server_hostname = server_hostname
        self._traces: list[Trace] = traces if traces is not None else []
        self._continue: asyncio.Future[bool] | None = None
        self.version = version
        self.proxy: URL | None = None
        self.proxy_auth: BasicAuth | None = None
        self.proxy_headers: CIMultiDict[str] | None = None
        self.update_host(url)
        plain = type(self) is ClientRequest  # a subclass has each update_*() hook called
        if plain and not headers and skip_auto_headers is None:
            # Only the automatic headers (the common request): built in one call.
            host = url.host_port_subcomponent
            assert host is not None
            self.headers = auto = CIMultiDict(
                (
                    (hdrs.HOST, host),
                    (hdrs.ACCEPT, "*/*"),
                    (hdrs.ACCEPT_ENCODING, ACCEPT_ENCODING),
                    (hdrs.USER_AGENT, USER_AGENT),
                )
            )
            self._skip_auto_headers = None
            self._auto_headers = (host, getversion(auto))  # type: ignore[arg-type]
        else:
            self.update_headers(headers)
            self.update_auto_headers(skip_auto_headers)
        # The steps below are skipped when they have nothing to do (the common GET).
        if cookies:
            self.update_cookies(cookies)
        if data is not None or not plain:
            self.update_content_encoding(data)
        else:
            self.compress = None  # nothing to compress
        if auth is not None or self.auth is not None or trust_env:
            self.update_auth(auth, trust_env)
        if proxy is not None or proxy_auth is not None or proxy_headers is not None:
            self.update_proxy(proxy, proxy_auth, proxy_headers)
        if data is not None or self.method not in self.GET_METHODS:
            self.update_body_from_data(data)
            self.update_transfer_encoding()
        elif not plain:
            self.update_body_from_data(data)
        if expect100 or hdrs.EXPECT in self.headers:
            self.update_expect_continue(expect100)

    # -- attributes the connector reads -------------------------------------------------

    @property
    def host(self) -> str:
        """The host to connect to (IDNA-encoded)."""
        host = self.url.raw_host
        assert host is not None
        return host

    @property
    def port(self) -> int | None:
        """The port to connect to."""
        return self.url.port

    @property
    def ssl(self) -> ssl.SSLContext | bool | Fingerprint:
        """The TLS setting: a context, a fingerprint, or a bool."""
        return self._ssl

    def is_ssl(self) -> bool:
        """Whether the request goes over TLS."""
        return self.url.scheme in _SSL_SCHEMES

    @property
    def connection_key(self) -> ConnectionKey:
        """The key of the connection pool this request draws from."""
        if self.proxy_headers:
            h: int | None = hash(tuple(self.proxy_headers.items()))
        else:
            h = None
        url = self.url
        host = url.raw_host
        assert host is not None
        # tuple.__new__ skips the NamedTuple's Python-level __new__ (one per request).
        return _tuple_new(
            ConnectionKey,
            (
                host,
                url.port,
                url.scheme in _SSL_SCHEMES,
                self._ssl,
                self.proxy,
                self.proxy_auth,
                h,
            ),
        )

    @property
    def request_info(self) -> RequestInfo:
        """URL, method and headers as sent."""
        return _tuple_new(
            RequestInfo, (self.url, self.method, CIMultiDictProxy(self.headers), self.original_url)
        )

    @property
    def session(self) -> ClientSession:
        """The session that made this request (middlewares send extra requests with it)."""
        if self._session is None:
            raise RuntimeError("This request is not bound to a session")
        return self._session

    # -- building ---------------------------------------------------------------------

    def update_host(self, url: URL) -> None:
        """Check the URL can be requested and take credentials from it."""
        if not url.raw_host:
            raise InvalidURL(url)
        if url.raw_user or url.raw_password:
            self.auth = BasicAuth(url.user or "", url.password or "")

    def update_headers(self, headers: Any) -> None:
        """Set the request headers, with ``Host`` first."""
        self.headers = CIMultiDict()
        url = self.url
        host = url.host_port_subcomponent
        assert host is not None
        self.headers[hdrs.HOST] = host
        if not headers:
            return
        items: Iterable[tuple[str, str]]
        if isinstance(headers, (dict, MultiDictProxy, MultiDict, CIMultiDict, CIMultiDictProxy)):
            items = headers.items()
        else:
            items = headers
        for key, value in items:
            if key.lower() == "host":
                self.headers[key] = value
            else:
                self.headers.add(key, value)

    def update_auto_headers(self, skip_auto_headers: Iterable[str] | None) -> None:
        """Add Accept, Accept-Encoding and User-Agent unless given or skipped."""
        if skip_auto_headers is not None:
            self._skip_auto_headers = CIMultiDict((hdr, None) for hdr in sorted(skip_auto_headers))
            used: CIMultiDict[Any] = CIMultiDict(self.headers)
            used.extend(self._skip_auto_headers)
        else:
            self._skip_auto_headers = None
            used = self.headers
        headers = self.headers
        if hdrs.ACCEPT not in used:
            headers[hdrs.ACCEPT] = "*/*"
        if hdrs.ACCEPT_ENCODING not in used:
            headers[hdrs.ACCEPT_ENCODING] = ACCEPT_ENCODING
        if hdrs.USER_AGENT not in used:
            headers[hdrs.USER_AGENT] = USER_AGENT

    @property
    def skip_auto_headers(self) -> CIMultiDict[None]:
        """The auto-headers the caller asked not to send."""
        return self._skip_auto_headers or CIMultiDict()

    def update_cookies(self, cookies: Any) -> None:
        """Merge ``cookies`` into the ``Cookie`` header (a given name replaces the header's)."""
        if not cookies:
            return
        merged: dict[str, str] = {}
        existing = self.headers.get(hdrs.COOKIE)
        if existing:
            for part in existing.split(";"):
                name, _, value = part.strip().partition("=")
                if name:
                    merged[name] = value
        iter_cookies = cookies.items() if isinstance(cookies, Mapping) else cookies
        for name, value in iter_cookies:
            if isinstance(value, Morsel):
                merged[value.key] = value.coded_value
            else:
                merged[name] = _COOKIE_CODER.value_encode(str(value))[1]
        self.headers[hdrs.COOKIE] = format_cookie_header(merged.items())

    def update_content_encoding(self, data: Any) -> None:
        """Set ``Content-Encoding`` for ``compress=`` and switch to chunked."""
        if not data or (isinstance(data, payload.Payload) and data.size == 0):
            self.compress = None
            return
        if self.headers.get(hdrs.CONTENT_ENCODING):
            if self.compress:
                raise ValueError("compress can not be set if Content-Encoding header is set")
        elif self.compress:
            if not isinstance(self.compress, str):
                self.compress = "deflate"
            self.headers[hdrs.CONTENT_ENCODING] = self.compress
            self.chunked = True

    def update_transfer_encoding(self) -> None:
        """Choose between ``Content-Length`` and chunked framing."""
        te = self.headers.get(hdrs.TRANSFER_ENCODING, "").lower()
        if "chunked" in te:
            if self.chunked:
                raise ValueError(
                    "chunked can not be set if 'Transfer-Encoding: chunked' header is set"
                )
            self.chunked = True
        elif self.chunked:
            if hdrs.CONTENT_LENGTH in self.headers:
                raise ValueError("chunked can not be set if Content-Length header is set")
            self.headers[hdrs.TRANSFER_ENCODING] = "chunked"
        elif hdrs.CONTENT_LENGTH not in self.headers:
            size = self.body.size if self.body is not None else 0
            if size is None:
                if self.version >= HttpVersion11:
                    self.chunked = True
                    self.headers[hdrs.TRANSFER_ENCODING] = "chunked"
            else:
                headers = self.headers
                headers[hdrs.CONTENT_LENGTH] = str(size)
                if self._auto_content_type:
                    # aiohttp sends an automatic Content-Type after the Content-Length.
                    headers[hdrs.CONTENT_TYPE] = headers.pop(hdrs.CONTENT_TYPE)

    def update_auth(self, auth: BasicAuth | None, trust_env: bool = False) -> None:
        """Set ``Authorization`` from ``auth`` or from the URL's credentials."""
        if auth is None:
            auth = self.auth
        if auth is None and trust_env and hdrs.AUTHORIZATION not in self.headers:
            with contextlib.suppress(LookupError):
                auth = basicauth_from_netrc(netrc_from_env(), self.host)
        if auth is None:
            return
        if not isinstance(auth, BasicAuth):
            raise TypeError("BasicAuth() tuple is required instead")
        self.auth = auth
        self.headers[hdrs.AUTHORIZATION] = auth.encode()

    def update_body_from_data(self, body: Any) -> None:
        """Turn ``data`` into a payload and take its headers."""
        if body is None:
            # An empty POST/PUT/PATCH is still typed, as aiohttp does.
            if (
                self.method in self.POST_METHODS
                and hdrs.CONTENT_TYPE not in self.headers
                and (
                    self._skip_auto_headers is None
                    or hdrs.CONTENT_TYPE not in self._skip_auto_headers
                )
            ):
                self.headers[hdrs.CONTENT_TYPE] = "application/octet-stream"
                self._auto_content_type = True
            return
        if not isinstance(body, payload.Payload):
            body = as_payload(body)
        self.body = body
        if hdrs.CONTENT_TYPE not in self.headers and (
            self._skip_auto_headers is None or hdrs.CONTENT_TYPE not in self._skip_auto_headers
        ):
            self.headers[hdrs.CONTENT_TYPE] = body.content_type
            self._auto_content_type = True
        if body.headers:
            for key, value in body.headers.items():
                if key in self.headers or key in (hdrs.CONTENT_LENGTH, hdrs.CONTENT_TYPE):
                    continue
                if self._skip_auto_headers is not None and key in self._skip_auto_headers:
                    continue
                self.headers[key] = value

    async def update_body(self, body: Any) -> None:
        """Replace the body (e.g. in a middleware): close the old payload, redo the framing.

        ``None`` clears the body. A chunked request stays chunked; otherwise the
        ``Content-Length`` is recomputed for the new body.
        """
        old = self.body
        if old is not None and old is not body:
            await old.close()
        self.body = None
        if "chunked" in self.headers.get(hdrs.TRANSFER_ENCODING, "").lower():
            self.update_body_from_data(body)
            return
        self.headers.popall(hdrs.CONTENT_LENGTH, None)
        self.update_body_from_data(body)
        self.update_transfer_encoding()

    def update_version(self, version: HttpVersion | str) -> None:
        """Set the HTTP version, given as ``HttpVersion`` or a ``"1.1"`` string."""
        if isinstance(version, str):
            parts = version.split(".", 1)
            try:
                version = HttpVersion(int(parts[0]), int(parts[1]))
            except (ValueError, IndexError):
                raise ValueError(f"Can not parse http version number: {version}") from None
        self.version = version

    def update_expect_continue(self, expect: bool = False) -> None:
        """Arrange to wait for ``100 Continue`` before sending the body."""
        if expect:
            self.headers[hdrs.EXPECT] = _EXPECT_100
        elif self.headers.get(hdrs.EXPECT, "").lower() != _EXPECT_100:
            return
        self._continue = self.loop.create_future()

    def update_proxy(
        self, proxy: URL | None, proxy_auth: BasicAuth | None, proxy_headers: Any
    ) -> None:
        """Record the proxy the connector goes through."""
        if proxy_auth is not None and not isinstance(proxy_auth, BasicAuth):
            raise ValueError("proxy_auth must be None or BasicAuth() tuple")
        self.proxy = proxy
        self.proxy_auth = proxy_auth
        if proxy_headers is not None and not isinstance(
            proxy_headers, (MultiDict, MultiDictProxy, CIMultiDict, CIMultiDictProxy)
        ):
            proxy_headers = CIMultiDict(proxy_headers)
        self.proxy_headers = proxy_headers

    # -- sending ----------------------------------------------------------------------

    def _status_line(self) -> str:
        v = self.version
        if self.method == hdrs.METH_CONNECT:
            path = f"{self.url.raw_host}:{self.url.port}"
        elif self.proxy is not None and not self.is_ssl():
            path = str(self.url)
        else:
            path = self.url.raw_path_qs
        return f"{self.method} {path} HTTP/{v[0]}.{v[1]}"

    def _head(self) -> bytes:
        """The serialised request head; memoised for requests with only automatic headers."""
        status_line = self._status_line()
        headers = self.headers
        auto = self._auto_headers
        if auto is None or auto[1] != getversion(headers):  # type: ignore[arg-type]
            return serialize_headers(status_line, headers)
        # The module's defaults are part of the key: patching them is seen.
        key = (status_line, auto[0], USER_AGENT, ACCEPT_ENCODING)
        head = _AUTO_HEADS.get(key)
        if head is None:
            head = serialize_headers(status_line, headers)
            if len(_AUTO_HEADS) >= _AUTO_HEADS_SIZE:
                _AUTO_HEADS.clear()
            _AUTO_HEADS[key] = head
        return head

    def _new_response(self, continue100: asyncio.Future[bool] | None) -> ClientResponse:
        """Build this request's response object and keep it as ``self.response``."""
        response = self.response_class(
            self.method,
            self.original_url,
            writer=None,
            continue100=continue100,
            timer=self._timer,
            request_info=self.request_info,
            traces=self._traces,
            loop=self.loop,
            session=self._session,
        )
        self.response = response
        return response

    async def _on_chunk_sent(self, chunk: bytes) -> None:
        for trace in self._traces:
            await trace.send_request_chunk_sent(self.method, self.url, chunk)

    async def _on_headers_sent(self, status_line: str, headers: Mapping[str, str]) -> None:
        for trace in self._traces:
            await trace.send_request_headers(self.method, self.url, self.headers)

    async def send(self, conn: Connection) -> ClientResponse:
        """Write the request head (and the body, possibly in a task); return the response."""
        protocol = conn.protocol
        assert protocol is not None
        if self.version == HttpVersion10 and hdrs.CONNECTION not in self.headers:
            self.headers[hdrs.CONNECTION] = "keep-alive"
        if self._traces:
            writer = StreamWriter(
                protocol,
                self.loop,
                on_chunk_sent=self._on_chunk_sent,
                on_headers_sent=self._on_headers_sent,
            )
        elif (
            self.body is None and self._continue is None and not self.compress and not self.chunked
        ):
            # No body (the common GET): the head leaves in one write, without a
            # writer, and before the response is built (the server works meanwhile).
            head = self._head()
            transport = protocol.transport
            try:
                if transport is None or transport.is_closing():
                    raise ConnectionResetError("Cannot write to closing transport")
                transport.write(head)
            except OSError as exc:
                raise self._os_error(exc) from exc
            response = self._new_response(None)
            if protocol.writing_paused:
                try:
                    await StreamWriter(protocol, self.loop).drain()
                except OSError as exc:
                    raise self._os_error(exc) from exc
            return response
        else:
            writer = StreamWriter(protocol, self.loop)
        if self.compress:
            writer.enable_compression(self.compress)  # type: ignore[arg-type]
        if self.chunked:
            writer.enable_chunking()
        writer.write_headers(self._status_line(), self.headers)
        response = self._new_response(self._continue)
        body = self.body
        if self._continue is None and (
            body is None or (type(body).write is _BYTES_WRITE and (body.size or 0) <= _INLINE_BODY)
        ):
            # No body, or a small in-memory one: it leaves with the head in one
            # write, without a writer task.
            try:
                await writer.write_eof(b"" if body is None else await body.as_bytes())
            except OSError as exc:
                raise self._os_error(exc) from exc
        else:
            task = self.loop.create_task(self._write_bytes(writer, conn))
            self._writer_task = task
            response._writer = task
        return response

    def _os_error(self, exc: OSError) -> ClientOSError:
        if exc.errno is None and isinstance(exc, asyncio.TimeoutError):
            return ClientOSError(None, "Timeout on writing data to socket")
        return ClientOSError(exc.errno, f"Can not write request body for {self.url}")

    async def _write_bytes(self, writer: StreamWriter, conn: Connection) -> None:
        """Write the body after ``100 Continue`` (when expected); failures go to the reader."""
        protocol = conn.protocol
        try:
            if self._continue is not None:
                writer.send_headers()  # the head must leave before waiting for 100
                await writer.drain()
                await self._continue
            if self.body is not None:
                await self.body.write(writer)
            await writer.write_eof()
        except OSError as exc:
            if protocol is not None:
                protocol.set_exception(self._os_error(exc))
        except asyncio.CancelledError:
            if protocol is not None and not conn.closed:
                conn.close()
            raise
        except Exception as exc:
            if protocol is not None:
                protocol.set_exception(
                    ClientConnectionError(
                        f"Failed to send bytes into the underlying connection: {exc!r}"
                    )
                )
        finally:
            self._writer_task = None

    async def close(self) -> None:
        """Wait for the body writer to finish."""
        if self._writer_task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.shield(self._writer_task)

    def terminate(self) -> None:
        """Stop writing the body."""
        if self._writer_task is not None and not self.loop.is_closed():
            self._writer_task.cancel()
            self._writer_task = None


def _accept_encoding() -> str:
    from aiohttp_wire.compression_utils import accept_encoding

    return accept_encoding()


ACCEPT_ENCODING = _accept_encoding()


class _Released:
    """What ``ClientResponse.release()`` returns: an awaitable that is already done.

    Unlike a coroutine, it warns nothing when the caller does not await it.
    """

    __slots__ = ()

    def __await__(self) -> Generator[None, None, None]:
        yield from ()


_RELEASED = _Released()


class ClientResponse(HeadersMixin):
    """The response to one request: status, headers, and the streaming body."""

    version: HttpVersion | None = None
    status: int = None  # type: ignore[assignment]
    reason: str | None = None
    content: StreamReader = None  # type: ignore[assignment]
    _body: bytes | None = None
    _headers: CIMultiDictProxy[str] = None  # type: ignore[assignment]
    _raw_headers: tuple[tuple[bytes, bytes], ...] = ()
    _connection: Connection | None = None
    _cookies: SimpleCookie | None = None
    _source_traceback: traceback.StackSummary | None = None
    _closed = True
    _released = False

    def __init__(
        self,
        method: str,
        url: URL,
        *,
        writer: asyncio.Task[None] | None,
        continue100: asyncio.Future[bool] | None,
        timer: Any,
        request_info: RequestInfo,
        traces: list[Trace],
        loop: asyncio.AbstractEventLoop,
        session: ClientSession | None,
    ) -> None:
        self.method = method
        self._real_url = url
        self._url = url.with_fragment(None) if url.raw_fragment else url
        self._writer = writer
        self._continue = continue100
        self._request_info = request_info
        self._timer = timer
        # Only the session's total timer is told when the response is done; mocks
        # pass other timers (aioresponses gives a TimerNoop).
        self._timer_done: Callable[[ClientResponse], None] | None = getattr(
            timer, "done_with", None
        )
        self._history: tuple[ClientResponse, ...] = ()
        self._traces = traces
        self._loop = loop
        self._session = session
        self._resolve_charset: Callable[[ClientResponse, bytes], str] = (
            session._resolve_charset if session is not None else _default_charset
        )
        if loop.get_debug():
            self._source_traceback = traceback.extract_stack(sys._getframe(1))

    def __reset_writer(self, _: object = None) -> None:
        self._writer = None

    # -- attributes -------------------------------------------------------------------

    @property
    def url(self) -> URL:
        """The URL of the request (without fragment)."""
        return self._url

    @property
    def real_url(self) -> URL:
        """The requested URL, fragment included."""
        return self._real_url

    @property
    def url_obj(self) -> URL:
        """Deprecated alias of ``url``."""
        warnings.warn("Deprecated, use .url #1654", DeprecationWarning, stacklevel=2)
        return self._url

    @property
    def host(self) -> str:
        """The host of the URL."""
        assert self._url.host is not None
        return self._url.host

    @property
    def headers(self) -> CIMultiDictProxy[str]:
        """The response headers."""
        return self._headers

    @property
    def raw_headers(self) -> tuple[tuple[bytes, bytes], ...]:
        """The response headers as received bytes."""
        return self._raw_headers

    @property
    def request_info(self) -> RequestInfo:
        """What the request looked like."""
        return self._request_info

    @property
    def history(self) -> tuple[ClientResponse, ...]:
        """The redirect responses that led here, oldest first."""
        return self._history

    @property
    def connection(self) -> Connection | None:
        """The connection the body is read from, until released."""
        return self._connection

    @property
    def ok(self) -> bool:
        """``True`` when the status is below 400."""
        return self.status < 400

    @property
    def closed(self) -> bool:
        """Whether the response has been released or closed."""
        return self._closed

    @property
    def cookies(self) -> SimpleCookie:
        """Cookies set by this response (empty until the head arrives, then filled).

        Parsed on first access; before the head it is an empty cookie that
        :meth:`start` fills, as mocks (aioresponses) load cookies into it
        before setting the headers.
        """
        cookies = self._cookies
        if cookies is None:
            cookies = self._cookies = SimpleCookie()
            if self._headers is not None:
                self._load_cookies(cookies)
        return cookies

    @cookies.setter
    def cookies(self, cookies: SimpleCookie) -> None:
        self._cookies = cookies

    def _load_cookies(self, cookies: SimpleCookie) -> None:
        values = self._headers.getall(hdrs.SET_COOKIE, None)
        if values:
            # Browser-lenient parsing; names Morsel.set would refuse are kept too.
            for morsel in parse_set_cookie_headers(values):
                dict.__setitem__(cookies, morsel.key, morsel)

    @property
    def content_disposition(self) -> ContentDisposition | None:
        """The parsed ``Content-Disposition`` header, or ``None``."""
        raw = self._headers.get(hdrs.CONTENT_DISPOSITION)
        if raw is None:
            return None
        from aiohttp_wire.multipart import ContentDisposition  # multipart is rarely needed

        return ContentDisposition.from_header(raw)

    @property
    def links(self) -> MultiDictProxy[MultiDictProxy[str | URL]]:
        """The parsed ``Link`` headers, keyed by ``rel`` (or by URL)."""
        links: MultiDict[MultiDictProxy[str | URL]] = MultiDict()
        for header in self._headers.getall("link", ()):
            for val in _LINK_SPLIT_RE.split(header):
                match = _LINK_RE.match(val)
                if match is None:
                    continue
                url, params_str = match.groups()
                link: MultiDict[str | URL] = MultiDict()
                for key, value in _LINK_PARAM_RE.findall(params_str):
                    link.add(key, value.strip('"'))
                key = link.get("rel", url)
                link.add("url", self._url.join(URL(url)))
                links.add(str(key), MultiDictProxy(link))
        return MultiDictProxy(links)

    def __repr__(self) -> str:
        ascii_encodable_url = str(self._url)
        reason = self.reason or ""
        return (
            f"<ClientResponse({ascii_encodable_url}) [{self.status} {reason}]>\n{self._headers}\n"
        )

    # -- lifecycle --------------------------------------------------------------------

    async def start(self, connection: Connection) -> ClientResponse:
        """Read the response head from ``connection``; 1xx interim responses are skipped."""
        self._closed = False
        self._connection = connection
        protocol = connection.protocol
        assert protocol is not None
        while True:
            try:
                message, content = await protocol.read()
            except HttpProcessingError as exc:
                raise ClientResponseError(
                    self._request_info,
                    self._history,
                    status=exc.code,
                    message=exc.message,
                    headers=exc.headers,
                ) from exc
            if message.code < 100 or message.code > 199 or message.code == 101:
                break
            if self._continue is not None and not self._continue.done():
                self._continue.set_result(True)
                self._continue = None
        self.version = message.version
        self.status = message.code
        self.reason = message.reason
        self._headers = message.headers
        self._raw_headers = message.raw_headers
        if self._cookies is not None:
            self._load_cookies(self._cookies)
        self.content = content
        if content.is_eof():
            self._response_eof()
        else:
            content.on_eof(self._response_eof)
        return self

    def _response_eof(self) -> None:
        if self._timer_done is not None:
            self._timer_done(self)
        if self._closed:
            return
        conn = self._connection
        if conn is not None:
            protocol = conn.protocol
            if protocol is not None and protocol.upgraded:
                return
            writer = self._writer
            if writer is not None and not writer.done():
                # The server answered before the body finished going out: the
                # connection is not free for another request until the writer is.
                writer.add_done_callback(self._release_after_writer)
            else:
                conn.release()
                self._connection = None
        self._closed = True
        self._cleanup_writer()

    def _release_after_writer(self, writer: asyncio.Task[None]) -> None:
        conn = self._connection
        if conn is None:
            return
        self._connection = None
        if writer.cancelled():
            conn.close()
        else:
            conn.release()

    def _cleanup_writer(self) -> None:
        if self._writer is not None and self._writer.done():
            self._writer = None

    def _release_connection(self) -> None:
        conn = self._connection
        if conn is not None:
            if self._writer is None or self._writer.done():
                conn.release()
            else:
                conn.close()
            self._connection = None

    async def _wait_released(self) -> None:
        if self._writer is not None:
            try:
                await self._writer
            finally:
                self._writer = None
        self._release_connection()

    def release(self) -> _Released:
        """Give the connection back (closed by the pool if the body was not read).

        The work is done synchronously; the returned object may be awaited, as
        ``await resp.release()`` is common aiohttp 3.x code.
        """
        if self._timer_done is not None:
            self._timer_done(self)
        if not self._released:
            self._notify_content()
        self._closed = True
        self._cleanup_writer()
        self._release_connection()
        self._released = True
        return _RELEASED

    def close(self) -> None:
        """Close the underlying connection."""
        if self._timer_done is not None:
            self._timer_done(self)
        if not self._released:
            self._notify_content()
        self._closed = True
        if self._loop.is_closed():
            return
        self._cleanup_writer()
        if self._writer is not None:
            self._writer.cancel()
            self._writer = None
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _notify_content(self) -> None:
        content = self.content
        if content is not None and content.exception() is None:
            # Even a fully received body can no longer be read once released.
            content.set_exception(ClientConnectionError("Connection closed"))
        self._released = True

    async def wait_for_close(self) -> None:
        """Wait for the body writer, then release the connection."""
        if self._writer is not None:
            try:
                await self._writer
            finally:
                self._writer = None
        self.release()

    def raise_for_status(self) -> None:
        """Raise ``ClientResponseError`` for a 4xx or 5xx status."""
        if not self.ok:
            assert self.reason is not None
            self.release()
            raise ClientResponseError(
                self._request_info,
                self._history,
                status=self.status,
                message=self.reason,
                headers=self._headers,
            )

    # -- body -------------------------------------------------------------------------

    async def read(self) -> bytes:
        """Read the whole body (cached after the first call)."""
        if self._body is None:
            try:
                self._body = await self.content.read()
                for trace in self._traces:
                    await trace.send_response_chunk_received(self.method, self._url, self._body)
            except BaseException:
                self.close()
                raise
        elif self._released:
            raise ClientConnectionError("Connection closed")
        if self._writer is not None:
            await self._wait_released()
        return self._body

    def get_encoding(self) -> str:
        """The body's charset: ``Content-Type``'s, UTF-8 for JSON, else the resolver's."""
        ctype, params = self._content_type_params()
        encoding = params.get("charset")
        if encoding:
            with contextlib.suppress(LookupError, ValueError):
                return codecs.lookup(encoding).name
        if ctype == "application/json" or ctype == "application/rdap+json":
            return "utf-8"
        if self._body is None:
            raise RuntimeError("Cannot compute fallback encoding of a not yet read body")
        return self._resolve_charset(self, self._body)

    async def text(self, encoding: str | None = None, errors: str = "strict") -> str:
        """Read and decode the body (the cached one works after release, as in aiohttp)."""
        body = self._body if self._body is not None else await self.read()
        if encoding is None:
            encoding = self.get_encoding()
        return body.decode(encoding, errors=errors)

    async def json(
        self,
        *,
        encoding: str | None = None,
        loads: Callable[[str], Any] = json.loads,
        content_type: str | None = "application/json",
    ) -> Any:
        """Read the body and decode it as JSON; check the content type unless told not to."""
        body = self._body if self._body is not None else await self.read()
        if content_type:
            actual = self._headers.get(hdrs.CONTENT_TYPE, "")
            if not _expected_content_type(self.content_type, content_type):
                raise ContentTypeError(
                    self._request_info,
                    self._history,
                    status=self.status,
                    message=f"Attempt to decode JSON with unexpected mimetype: {actual}",
                    headers=self._headers,
                )
        stripped = body.strip()
        if not stripped:
            return None
        if encoding is None:
            encoding = self.get_encoding()
        return loads(stripped.decode(encoding))

    # -- context manager and finalisation ---------------------------------------------

    async def __aenter__(self) -> ClientResponse:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        self.release()
        if self._writer is not None:  # else wait_for_close() would only release again
            await self.wait_for_close()

    def __del__(self, _warnings: Any = warnings) -> None:
        if self._closed:
            return
        if self._connection is not None:
            self._connection.release()
            self._connection = None
            if self._loop.is_closed():
                return
            _warnings.warn(f"Unclosed response {self!r}", ResourceWarning, source=self)
            context: dict[str, Any] = {"client_response": self, "message": "Unclosed response"}
            if self._source_traceback is not None:
                context["source_traceback"] = self._source_traceback
            self._loop.call_exception_handler(context)


def _expected_content_type(actual: str, expected: str) -> bool:
    if expected == "application/json":
        return _JSON_RE.match(actual) is not None
    return expected in actual


def _default_charset(response: ClientResponse, body: bytes) -> str:
    return "utf-8"
