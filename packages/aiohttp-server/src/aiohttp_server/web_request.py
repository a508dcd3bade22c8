"""Incoming requests: ``BaseRequest`` (low level), ``Request`` (routed) and ``FileField``.

Everything derived from the message is computed lazily (``reify``) so that a
request a handler barely looks at costs almost nothing to build.
"""

from __future__ import annotations

import asyncio
import datetime
import io
import json
import re
import socket
import string
import tempfile
import types
import warnings
from collections.abc import Iterator, Mapping, MutableMapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final, cast
from urllib.parse import parse_qsl

from multidict import CIMultiDict, CIMultiDictProxy, MultiDict, MultiDictProxy
from yarl import URL

from aiohttp_wire import hdrs
from aiohttp_wire.abc import AbstractStreamWriter
from aiohttp_wire.cookies import parse_cookie_header
from aiohttp_wire.helpers import ChainMapProxy, ETag, reify, sentinel
from aiohttp_wire.http_parser import RawRequestMessage
from aiohttp_wire.http_version import HttpVersion
from aiohttp_wire.multipart import BodyPartReader, MultipartReader
from aiohttp_wire.streams import EmptyStreamReader, StreamReader
from aiohttp_wire.typedefs import JSONDecoder, LooseHeaders, RawHeaders, StrOrURL

from .helpers import parse_content_type, parse_etag_list, parse_http_date
from .web_exceptions import HTTPRequestEntityTooLarge, HTTPUnsupportedMediaType

if TYPE_CHECKING:
    from .web_app import Application
    from .web_protocol import RequestHandler
    from .web_response import StreamResponse
    from .web_urldispatcher import UrlMappingMatchInfo

__all__ = ["BaseRequest", "FileField", "Request"]


@dataclass(frozen=True, slots=True)
class FileField:
    """An uploaded file from a ``multipart/form-data`` body."""

    name: str
    filename: str
    file: io.BufferedReader
    content_type: str
    headers: CIMultiDictProxy[str]


_TCHAR: Final = string.digits + string.ascii_letters + r"!#$%&'*+.^_`|~-"
_TOKEN: Final = rf"[{re.escape(_TCHAR)}]+"
_QDTEXT: Final = r"[{}]".format(r"".join(chr(c) for c in (0x09, 0x20, 0x21, *range(0x23, 0x7F))))
_QUOTED_PAIR: Final = r"\\[\t !-~]"
_QUOTED_STRING: Final = rf'"(?:{_QUOTED_PAIR}|{_QDTEXT})*"'
# One forwarded-pair, followed by the separator that ends it (or the end).
_FORWARDED_PAIR_RE: Final = re.compile(rf"({_TOKEN})=({_TOKEN}|{_QUOTED_STRING})(:\d{{1,4}})?")
_QUOTED_PAIR_RE: Final = re.compile(r"\\([\t !-~])")
_RANGE_RE: Final = re.compile(r"^bytes=(\d*)-(\d*)$")

_POST_METHODS: Final = frozenset(
    {hdrs.METH_PATCH, hdrs.METH_POST, hdrs.METH_PUT, hdrs.METH_TRACE, hdrs.METH_DELETE}
)
_FORM_TYPES: Final = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
_EMPTY_POST: Final[MultiDictProxy[str | bytes | FileField]] = MultiDictProxy(MultiDict())


def _remove_dot_segments(path: str) -> str:
    """``path`` without literal ``.``/``..`` segments (RFC 3986 section 5.2.4).

    ``..`` never climbs above the root; a trailing ``.`` or ``..`` leaves a
    trailing ``/``. Percent-encoded dots are data and stay.
    """
    segments = path.split("/")
    out: list[str] = []
    for segment in segments[1:]:
        if segment == "..":
            if out:
                out.pop()
        elif segment != ".":
            out.append(segment)
    if segments[-1] in (".", ".."):
        out.append("")
    return "/" + "/".join(out)


class BaseRequest(MutableMapping[str, Any]):
    """A request as parsed off the wire, with no routing information."""

    POST_METHODS = _POST_METHODS

    _post: MultiDictProxy[str | bytes | FileField] | None = None
    _read_bytes: bytes | None = None

    def __init__(
        self,
        message: RawRequestMessage,
        payload: StreamReader,
        protocol: RequestHandler,
        payload_writer: AbstractStreamWriter,
        task: asyncio.Task[None],
        loop: asyncio.AbstractEventLoop,
        *,
        client_max_size: int = 1024**2,
        state: dict[str, Any] | None = None,
        scheme: str | None = None,
        host: str | None = None,
        remote: str | None = None,
    ) -> None:
        self._message = message
        self._protocol = protocol
        self._payload_writer = payload_writer
        self._payload = payload
        self._headers: CIMultiDictProxy[str] = message.headers
        self._method = message.method
        self._version = message.version
        self._cache: dict[str, Any] = {}
        url = message.url
        if url.absolute:
            # An absolute-form (or CONNECT authority-form) target: its host and
            # port override the Host header (RFC 9112 section 3.2.2); userinfo
            # and a default port are not part of a Host value.
            if scheme is None and url.scheme:
                scheme = url.scheme
            if host is None:
                host = url.host_port_subcomponent
            self._rel_url = url.relative()
        else:
            self._rel_url = url
        self._state = {} if state is None else state
        self._task = task
        self._client_max_size = client_max_size
        self._loop = loop
        self._scheme_override = scheme
        self._host_override = host
        self._remote_override = remote

    def clone(
        self,
        *,
        method: str | object = sentinel,
        rel_url: StrOrURL | object = sentinel,
        headers: LooseHeaders | object = sentinel,
        scheme: str | object = sentinel,
        host: str | object = sentinel,
        remote: str | object = sentinel,
        client_max_size: int | object = sentinel,
    ) -> BaseRequest:
        """A copy with some fields replaced; the body stream is shared."""
        if self._read_bytes:
            raise RuntimeError("Cannot clone request after reading its content")
        message = self._message
        changes: dict[str, Any] = {}
        if method is not sentinel:
            changes["method"] = method
        if rel_url is not sentinel:
            new_url = URL(cast("StrOrURL", rel_url))
            changes["url"] = new_url
            changes["path"] = str(new_url)
        if headers is not sentinel:
            new_headers = CIMultiDictProxy(CIMultiDict(cast(Any, headers)))
            changes["headers"] = new_headers
            changes["raw_headers"] = tuple(
                (k.encode("utf-8"), v.encode("utf-8")) for k, v in new_headers.items()
            )
        new_message = message._replace(**changes)
        kwargs: dict[str, Any] = {}
        kwargs["scheme"] = self._scheme_override if scheme is sentinel else scheme
        kwargs["host"] = self._host_override if host is sentinel else host
        kwargs["remote"] = self._remote_override if remote is sentinel else remote
        kwargs["client_max_size"] = (
            self._client_max_size if client_max_size is sentinel else client_max_size
        )
        return self.__class__(
            new_message,
            self._payload,
            self._protocol,
            self._payload_writer,
            self._task,
            self._loop,
            state=self._state.copy(),
            **kwargs,
        )

    # -- plumbing -------------------------------------------------------------

    @property
    def task(self) -> asyncio.Task[None]:
        return self._task

    @property
    def protocol(self) -> RequestHandler:
        return self._protocol

    @property
    def transport(self) -> asyncio.Transport | None:
        return self._protocol.transport

    @property
    def writer(self) -> AbstractStreamWriter:
        return self._payload_writer

    @property
    def client_max_size(self) -> int:
        return self._client_max_size

    @reify
    def message(self) -> RawRequestMessage:
        warnings.warn("Request.message is deprecated", DeprecationWarning, stacklevel=3)
        return self._message

    @reify
    def rel_url(self) -> URL:
        return self._rel_url

    @reify
    def loop(self) -> asyncio.AbstractEventLoop:
        warnings.warn("request.loop property is deprecated", DeprecationWarning, stacklevel=2)
        return self._loop

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        """Transport information (``peername``, ``sslcontext`` ...), or ``default``."""
        transport = self._protocol.transport
        if transport is None:
            return default
        return transport.get_extra_info(name, default)

    # -- MutableMapping: per-request state ----------------------------------------

    def __getitem__(self, key: str) -> Any:
        return self._state[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self._state[key] = value

    def __delitem__(self, key: str) -> None:
        del self._state[key]

    def __len__(self) -> int:
        return len(self._state)

    def __iter__(self) -> Iterator[str]:
        return iter(self._state)

    def __hash__(self) -> int:
        return id(self)

    def __eq__(self, other: object) -> bool:
        return self is other

    def __bool__(self) -> bool:
        return True

    # -- request line -------------------------------------------------------------

    @reify
    def secure(self) -> bool:
        return self.scheme == "https"

    @reify
    def forwarded(self) -> tuple[Mapping[str, str], ...]:
        """The ``Forwarded`` header elements (RFC 7239), one mapping per hop."""
        elems: list[Mapping[str, str]] = []
        for field_value in self._headers.getall(hdrs.FORWARDED, ()):
            elems.extend(_parse_forwarded(field_value))
        return tuple(elems)

    @reify
    def scheme(self) -> str:
        if self._scheme_override is not None:
            return self._scheme_override
        if self.get_extra_info("sslcontext") is not None:
            return "https"
        return "http"

    @property
    def method(self) -> str:
        return self._method

    @property
    def version(self) -> HttpVersion:
        return self._version

    @reify
    def host(self) -> str:
        if self._host_override is not None:
            return self._host_override
        host = self._headers.get(hdrs.HOST)
        if host is not None:
            return host
        return socket.getfqdn()

    @reify
    def remote(self) -> str | None:
        if self._remote_override is not None:
            return self._remote_override
        peername = self.get_extra_info("peername")
        if isinstance(peername, (list, tuple)):
            return str(peername[0])
        return None if peername is None else str(peername)

    @reify
    def url(self) -> URL:
        """The absolute URL: scheme, normalised host (lower case, IDNA) and ``rel_url``.

        Like a URL resolved against its origin (RFC 3986 section 5.2.4), and as
        in aiohttp, its path has no ``.``/``..`` segments; ``path``,
        ``rel_url`` and routing keep the target as sent.
        """
        rel = self._rel_url
        try:
            authority = URL.build(authority=self.host).raw_authority
        except ValueError:
            # A Host yarl refuses to normalise is kept as sent.
            authority = self.host
        path = rel.raw_path
        if "/." in path:
            path = _remove_dot_segments(path)
        return URL.build(
            scheme=self.scheme,
            authority=authority,
            path=path,
            query_string=rel.raw_query_string,
            fragment=rel.raw_fragment,
            encoded=True,
        )

    @reify
    def path(self) -> str:
        return self._rel_url.path

    @reify
    def path_qs(self) -> str:
        return str(self._rel_url)

    @reify
    def raw_path(self) -> str:
        return self._message.path

    @reify
    def query(self) -> MultiDictProxy[str]:
        return self._rel_url.query

    @reify
    def query_string(self) -> str:
        return self._rel_url.query_string

    @property
    def headers(self) -> CIMultiDictProxy[str]:
        return self._headers

    @reify
    def raw_headers(self) -> RawHeaders:
        return self._message.raw_headers

    @reify
    def keep_alive(self) -> bool:
        return not self._message.should_close

    @reify
    def cookies(self) -> Mapping[str, str]:
        raw = self._headers.get(hdrs.COOKIE, "")
        return MappingProxyType(parse_cookie_header(raw) if raw else {})

    # -- conditional and range headers ------------------------------------------

    @reify
    def if_modified_since(self) -> datetime.datetime | None:
        return parse_http_date(self._headers.get(hdrs.IF_MODIFIED_SINCE))

    @reify
    def if_unmodified_since(self) -> datetime.datetime | None:
        return parse_http_date(self._headers.get(hdrs.IF_UNMODIFIED_SINCE))

    @reify
    def if_range(self) -> datetime.datetime | None:
        return parse_http_date(self._headers.get(hdrs.IF_RANGE))

    @reify
    def if_match(self) -> tuple[ETag, ...] | None:
        return parse_etag_list(self._headers.get(hdrs.IF_MATCH))

    @reify
    def if_none_match(self) -> tuple[ETag, ...] | None:
        return parse_etag_list(self._headers.get(hdrs.IF_NONE_MATCH))

    @reify
    def http_range(self) -> slice:
        """The single byte range asked for, as a ``slice`` (``ValueError`` if malformed)."""
        rng = self._headers.get(hdrs.RANGE)
        start: int | None = None
        end: int | None = None
        if rng is not None:
            match = _RANGE_RE.match(rng.strip())
            if match is None:
                raise ValueError("range not in acceptable format")
            first, last = match.group(1), match.group(2)
            start = int(first) if first else None
            end = int(last) if last else None
            if start is None and end is not None:
                # A suffix range: the last ``end`` bytes.
                start = -end
                end = None
            elif start is not None and end is not None:
                end += 1
                if start >= end:
                    raise ValueError("start cannot be after end")
            if start is end is None:
                raise ValueError("No start or end of range specified")
        return slice(start, end, 1)

    # -- body -------------------------------------------------------------------

    @reify
    def content_type(self) -> str:
        return parse_content_type(self._headers.get(hdrs.CONTENT_TYPE))[0]

    @reify
    def charset(self) -> str | None:
        return parse_content_type(self._headers.get(hdrs.CONTENT_TYPE))[1].get("charset")

    @reify
    def content_length(self) -> int | None:
        value = self._headers.get(hdrs.CONTENT_LENGTH)
        return None if value is None else int(value)

    @property
    def content(self) -> StreamReader:
        return self._payload

    @property
    def body_exists(self) -> bool:
        """Whether the request was sent with a body (even an already read one)."""
        return not isinstance(self._payload, EmptyStreamReader)

    @property
    def can_read_body(self) -> bool:
        """Whether body bytes are still waiting to be read."""
        return not self._payload.at_eof()

    @property
    def has_body(self) -> bool:
        warnings.warn("Deprecated, use .can_read_body #2005", DeprecationWarning, stacklevel=2)
        return not self._payload.at_eof()

    async def release(self) -> None:
        """Read and discard whatever is left of the body."""
        while not self._payload.at_eof():
            await self._payload.readany()

    async def read(self) -> bytes:
        """The whole body (413 beyond ``client_max_size``)."""
        if self._read_bytes is None:
            chunks: list[bytes] = []
            size = 0
            max_size = self._client_max_size
            payload = self._payload
            while chunk := await payload.readany():
                size += len(chunk)
                if max_size and size > max_size:
                    raise HTTPRequestEntityTooLarge(max_size=max_size, actual_size=size)
                chunks.append(chunk)
            # One chunk (the usual small body) is returned without a copy.
            self._read_bytes = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        return self._read_bytes

    async def text(self) -> str:
        """The body decoded with its charset (utf-8 by default)."""
        body = await self.read()
        encoding = self.charset or "utf-8"
        try:
            return body.decode(encoding)
        except LookupError as exc:
            raise HTTPUnsupportedMediaType(text=f"Unknown charset {encoding!r}") from exc

    async def json(self, *, loads: JSONDecoder = json.loads) -> Any:
        """The body parsed as JSON (whatever the Content-Type says)."""
        return loads(await self.text())

    async def multipart(self) -> MultipartReader:
        """A reader over a ``multipart/*`` body."""
        return MultipartReader(self._headers, self._payload)

    async def post(self) -> MultiDictProxy[str | bytes | FileField]:
        """Form fields of a urlencoded or multipart/form-data body."""
        if self._post is not None:
            return self._post
        if self._method not in _POST_METHODS:
            self._post = _EMPTY_POST
            return self._post
        content_type = self.content_type
        if content_type not in _FORM_TYPES:
            self._post = _EMPTY_POST
            return self._post
        out: MultiDict[str | bytes | FileField] = MultiDict()
        if content_type == "multipart/form-data":
            await self._read_multipart(out)
        else:
            data = await self.read()
            if data:
                charset = self.charset or "utf-8"
                try:
                    text = data.decode(charset)
                except LookupError as exc:
                    raise HTTPUnsupportedMediaType(text=f"Unknown charset {charset!r}") from exc
                out.extend(parse_qsl(text, keep_blank_values=True, encoding=charset))
        self._post = MultiDictProxy(out)
        return self._post

    async def _read_multipart(self, out: MultiDict[str | bytes | FileField]) -> None:
        reader = await self.multipart()
        max_size = self._client_max_size
        size = 0
        field = await reader.next()
        while field is not None:
            if not isinstance(field, BodyPartReader):
                raise ValueError("Nested multipart is not supported in post()")
            name = field.name
            if name is None:
                raise ValueError("Multipart field missing name.")
            field_ct = field.headers.get(hdrs.CONTENT_TYPE)
            # A part's head counts too: thousands of empty parts are a large body.
            size += sum(len(k) + len(v) + 4 for k, v in field.headers.items())
            if 0 < max_size < size:
                raise HTTPRequestEntityTooLarge(max_size=max_size, actual_size=size)
            # An empty filename is what browsers send for an empty file input.
            if field.filename:
                tmp = await self._loop.run_in_executor(None, tempfile.TemporaryFile)
                chunk = await field.read_chunk(size=2**16)
                while chunk:
                    chunk = await field.decode(chunk)
                    await self._loop.run_in_executor(None, tmp.write, chunk)
                    size += len(chunk)
                    if 0 < max_size < size:
                        await self._loop.run_in_executor(None, tmp.close)
                        raise HTTPRequestEntityTooLarge(max_size=max_size, actual_size=size)
                    chunk = await field.read_chunk(size=2**16)
                await self._loop.run_in_executor(None, tmp.seek, 0)
                out.add(
                    name,
                    FileField(
                        name,
                        field.filename,
                        cast(io.BufferedReader, tmp),
                        field_ct or "application/octet-stream",
                        field.headers,
                    ),
                )
            else:
                # Counted as it arrives: one huge text field must not be buffered whole
                # before the 413.
                value = bytearray()
                chunk = await field.read_chunk(size=2**16)
                while chunk:
                    chunk = await field.decode(chunk)
                    value += chunk
                    size += len(chunk)
                    if 0 < max_size < size:
                        raise HTTPRequestEntityTooLarge(max_size=max_size, actual_size=size)
                    chunk = await field.read_chunk(size=2**16)
                if field_ct is None or field_ct.startswith("text/"):
                    charset = field.get_charset(default="utf-8")
                    out.add(name, value.decode(charset))
                else:
                    out.add(name, bytes(value))
            field = await reader.next()

    def __repr__(self) -> str:
        ascii_path = self.path.encode("ascii", "backslashreplace").decode("ascii")
        return f"<{self.__class__.__name__} {self._method} {ascii_path} >"

    async def _prepare_hook(self, response: StreamResponse) -> None:
        """Low-level requests have no application signals to fire."""
        return


def _parse_forwarded(field_value: str) -> list[Mapping[str, str]]:
    """Split one Forwarded header value into per-hop mappings."""
    elems: list[Mapping[str, str]] = []
    current: dict[str, str] = {}
    pos = 0
    length = len(field_value)
    need_separator = False
    while pos < length:
        ch = field_value[pos]
        if ch in " \t":
            pos += 1
            continue
        if ch == ",":
            elems.append(types.MappingProxyType(current))
            current = {}
            need_separator = False
            pos += 1
            continue
        if ch == ";":
            need_separator = False
            pos += 1
            continue
        match = None if need_separator else _FORWARDED_PAIR_RE.match(field_value, pos)
        if match is None:
            # Malformed: skip to the next element, keeping what was parsed.
            comma = field_value.find(",", pos)
            if comma < 0:
                break
            pos = comma
            continue
        name, value, port = match.groups()
        if value[0] == '"':
            value = _QUOTED_PAIR_RE.sub(r"\1", value[1:-1])
        if port:
            value += port
        current[name.lower()] = value
        need_separator = True
        pos = match.end()
    elems.append(types.MappingProxyType(current))
    return elems


class Request(BaseRequest):
    """A request routed by an ``Application``: adds ``match_info``, ``app``, ``config_dict``."""

    _match_info: UrlMappingMatchInfo | None = None

    def clone(
        self,
        *,
        method: str | object = sentinel,
        rel_url: StrOrURL | object = sentinel,
        headers: LooseHeaders | object = sentinel,
        scheme: str | object = sentinel,
        host: str | object = sentinel,
        remote: str | object = sentinel,
        client_max_size: int | object = sentinel,
    ) -> Request:
        new = super().clone(
            method=method,
            rel_url=rel_url,
            headers=headers,
            scheme=scheme,
            host=host,
            remote=remote,
            client_max_size=client_max_size,
        )
        new_req = cast(Request, new)
        new_req._match_info = self._match_info
        return new_req

    @property
    def match_info(self) -> UrlMappingMatchInfo:
        """The routing result; its dict holds the path's ``{name}`` parts."""
        match_info = self._match_info
        assert match_info is not None
        return match_info

    @property
    def app(self) -> Application:
        """The application whose route is serving this request."""
        match_info = self._match_info
        assert match_info is not None
        app = match_info.current_app
        return app

    @property
    def config_dict(self) -> ChainMapProxy:
        """The state of the current application chained over its parents'."""
        match_info = self._match_info
        assert match_info is not None
        lst = match_info.apps
        app = self.app
        idx = lst.index(app)
        sublist = list(reversed(lst[: idx + 1]))
        return ChainMapProxy(sublist)

    async def _prepare_hook(self, response: StreamResponse) -> None:
        match_info = self._match_info
        if match_info is None:
            return
        for app in match_info._apps:
            signal = app.on_response_prepare
            if signal:
                # Inside the callbacks, request.app is the app owning the signal.
                with match_info._set_current_app(app):
                    await signal.send(self, response)
