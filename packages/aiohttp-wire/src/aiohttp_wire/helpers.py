"""Small shared utilities of aiohttp's ``aiohttp.helpers`` module.

Authentication tuples, ETags, MIME type parsing, header quoting, timeouts and
future helpers used by both the client and the server.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import enum
import ipaddress
import math
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from types import MappingProxyType, TracebackType
from typing import Any, Generic, NamedTuple, TypeVar, overload
from urllib.parse import quote

from multidict import MultiDict, MultiDictProxy
from yarl import URL

__all__ = (
    "ETAG_ANY",
    "BaseTimerContext",
    "BasicAuth",
    "ChainMapProxy",
    "ETag",
    "HeadersMixin",
    "MimeType",
    "TimerContext",
    "TimerNoop",
    "ceil_timeout",
    "content_disposition_header",
    "guess_filename",
    "is_ip_address",
    "parse_content_type",
    "parse_mimetype",
    "quoted_string",
    "reify",
    "rfc822_formatted_time",
    "sentinel",
    "set_exception",
    "set_result",
)

_T = TypeVar("_T")
_R = TypeVar("_R")


class _Sentinel(enum.Enum):
    """The type of :data:`sentinel`: a default that means "argument not given"."""

    sentinel = enum.auto()

    def __repr__(self) -> str:
        return "<sentinel>"


sentinel = _Sentinel.sentinel

# RFC 9110 token characters, and the characters needing escapes in a quoted-string.
_TCHAR = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_TOKEN_RE = re.compile(rf"[{re.escape(_TCHAR)}]+")
_QDTEXT_RE = re.compile(r"[\t \x21\x23-\x5b\x5d-\x7e\x80-\xff]*")
_QUOTED_PAIR_RE = re.compile(r"\\([\t !-~\x80-\xff])")
_ESCAPE_RE = re.compile(r'(["\\])')
_CTL_RE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


class BasicAuth(
    NamedTuple("_BasicAuthTuple", [("login", str), ("password", str), ("encoding", str)])
):
    """HTTP basic authentication credentials (RFC 7617)."""

    def __new__(cls, login: str, password: str = "", encoding: str = "latin1") -> BasicAuth:
        if login is None:
            raise ValueError("None is not allowed as login value")
        if password is None:
            raise ValueError("None is not allowed as password value")
        if ":" in login:
            raise ValueError('A ":" is not allowed in login (RFC 1945#section-11.1)')
        return super().__new__(cls, login, password, encoding)

    @classmethod
    def decode(cls, auth_header: str, encoding: str = "latin1") -> BasicAuth:
        """Parse an ``Authorization: Basic ...`` value; ``ValueError`` if malformed."""
        try:
            auth_type, encoded = auth_header.split(" ", 1)
        except ValueError:
            raise ValueError("Could not parse authorization header.") from None
        if auth_type.lower() != "basic":
            raise ValueError(f"Unknown authorization method {auth_type}")
        try:
            decoded = base64.b64decode(encoded.strip().encode("ascii"), validate=True).decode(
                encoding
            )
        except (binascii.Error, UnicodeError):
            raise ValueError("Invalid base64 encoding.") from None
        try:
            username, password = decoded.split(":", 1)
        except ValueError:
            raise ValueError("Invalid credentials.") from None
        return cls(username, password, encoding=encoding)

    @classmethod
    def from_url(cls, url: URL, *, encoding: str = "latin1") -> BasicAuth | None:
        """The credentials embedded in ``url``, or ``None`` when it has no user."""
        if not isinstance(url, URL):
            raise TypeError("url should be yarl.URL instance")
        if url.raw_user is None and url.raw_password is None:
            return None
        return cls(url.user or "", url.password or "", encoding=encoding)

    def encode(self) -> str:
        """The ``Authorization`` header value."""
        creds = f"{self.login}:{self.password}".encode(self.encoding)
        return "Basic " + base64.b64encode(creds).decode(self.encoding)


ETAG_ANY = "*"


@dataclass(frozen=True, slots=True)
class ETag:
    """An entity tag: its opaque value and whether it is weak (``W/``)."""

    value: str
    is_weak: bool = False


class MimeType(NamedTuple):
    """A parsed media type: ``type/subtype+suffix; parameters``."""

    type: str
    subtype: str
    suffix: str
    parameters: MultiDictProxy[str]


_EMPTY_PARAMS: MultiDictProxy[str] = MultiDictProxy(MultiDict())


def parse_mimetype(mimetype: str) -> MimeType:
    """Split a media type into lower-cased type, subtype, suffix and parameters.

    Lenient like aiohttp: an empty string gives empty parts, a bare ``*`` is
    ``*/*``, parameter values lose their surrounding quotes.
    """
    if not mimetype:
        return MimeType(type="", subtype="", suffix="", parameters=_EMPTY_PARAMS)
    parts = mimetype.split(";")
    params: MultiDict[str] = MultiDict()
    for item in parts[1:]:
        if not item:
            continue
        key, _, value = item.partition("=")
        params.add(key.lower().strip(), value.strip(' "'))
    fulltype = parts[0].strip().lower()
    if fulltype == "*":
        fulltype = "*/*"
    mtype, _, stype = fulltype.partition("/")
    stype, _, suffix = stype.partition("+")
    return MimeType(type=mtype, subtype=stype, suffix=suffix, parameters=MultiDictProxy(params))


def parse_content_type(raw: str) -> tuple[str, MappingProxyType[str, str]]:
    """Parse a Content-Type value into ``(media type, parameters)`` as email does.

    A missing or invalid media type reads as ``text/plain`` (RFC 2045).
    """
    msg = Message()
    msg["content-type"] = raw
    params = msg.get_params(())
    return msg.get_content_type(), MappingProxyType(dict(params[1:]))


class HeadersMixin:
    """``content_type``, ``charset`` and ``content_length`` read from ``self._headers``.

    aiohttp offers this mixin as ``aiohttp.helpers.HeadersMixin``; plugins with
    response-like classes of their own (aiohttp-client-cache) inherit from it.
    """

    __slots__ = ()

    _headers: Mapping[str, str]

    def _content_type_params(self) -> tuple[str, Mapping[str, str]]:
        raw = self._headers.get("Content-Type")
        if raw is None:
            return "application/octet-stream", {}
        mt = parse_mimetype(raw)
        if not (mt.type and mt.subtype):
            return "application/octet-stream", mt.parameters
        ctype = f"{mt.type}/{mt.subtype}+{mt.suffix}" if mt.suffix else f"{mt.type}/{mt.subtype}"
        return ctype, mt.parameters

    @property
    def content_type(self) -> str:
        """The media type of ``Content-Type``, ``application/octet-stream`` if absent."""
        return self._content_type_params()[0]

    @property
    def charset(self) -> str | None:
        """The ``charset`` parameter of ``Content-Type``."""
        return self._content_type_params()[1].get("charset")

    @property
    def content_length(self) -> int | None:
        """``Content-Length`` as an int (``None`` when absent)."""
        value = self._headers.get("Content-Length")
        return int(value) if value is not None else None


def quoted_string(content: str) -> str:
    """Escape ``content`` for use inside a quoted-string; ``ValueError`` if impossible."""
    if _QDTEXT_RE.fullmatch(content):
        return content
    if not _QDTEXT_RE.fullmatch(_ESCAPE_RE.sub("", content)):
        raise ValueError(f"bad content for quoted-string {content!r}")
    return _ESCAPE_RE.sub(r"\\\1", content)


def _quote_filename(value: str) -> str:
    """Percent-encode what cannot appear in a quoted filename (as browsers do)."""
    return value.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


def content_disposition_header(
    disptype: str,
    quote_fields: bool = True,
    _charset: str = "utf-8",
    **params: str,
) -> str:
    """Build a Content-Disposition value.

    With ``quote_fields`` a parameter that cannot be a quoted-string is sent
    in RFC 5987 ``key*=charset''...`` form; ``filename`` always stays a plain
    quoted parameter (form parsers expect it) with ``"``, CR and LF
    percent-encoded. Without it values are only backslash-escaped.
    """
    if not disptype or not _TOKEN_RE.fullmatch(disptype):
        raise ValueError(f"bad content disposition type {disptype!r}")
    value = disptype
    if not params:
        return value
    parts = [value]
    for key, val in params.items():
        if not key or not _TOKEN_RE.fullmatch(key):
            raise ValueError(f"bad content disposition parameter {key!r}={val!r}")
        if quote_fields:
            if key.lower() == "filename":
                parts.append(f'{key}="{_quote_filename(val)}"')
                continue
            try:
                parts.append(f'{key}="{quoted_string(val)}"')
            except ValueError:
                parts.append(f"{key}*={_charset}''{quote(val, '', encoding=_charset)}")
        else:
            if _CTL_RE.search(val):
                raise ValueError(f"bad content disposition parameter {key!r}={val!r}")
            escaped = _ESCAPE_RE.sub(r"\\\1", val)
            parts.append(f'{key}="{escaped}"')
    return "; ".join(parts)


def guess_filename(obj: object, default: str | None = None) -> str | None:
    """The base name of a file object's ``name`` (``default`` for ``<stdin>``-like names)."""
    name = getattr(obj, "name", None)
    if name and isinstance(name, str) and name[0] != "<" and name[-1] != ">":
        return Path(name).name
    return default


def is_ip_address(host: str | bytes | bytearray | memoryview | None) -> bool:
    """Whether ``host`` is a literal IPv4 or IPv6 address (``%scope`` allowed)."""
    if host is None:
        return False
    if not isinstance(host, str):
        host = bytes(host).decode("ascii", "replace")
    if not host:
        return False
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_cached_time = 0
_cached_date = ""


def rfc822_formatted_time() -> str:
    """The current time as an HTTP-date, recomputed at most once per second."""
    global _cached_time, _cached_date
    now = int(time.time())
    if now != _cached_time:
        t = time.gmtime(now)
        _cached_date = (
            f"{_WEEKDAYS[t.tm_wday]}, {t.tm_mday:02d} {_MONTHS[t.tm_mon]} {t.tm_year:04d} "
            f"{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d} GMT"
        )
        _cached_time = now
    return _cached_date


class reify(Generic[_T]):
    """A cached property: computed on first access, stored in the instance's ``_cache``.

    Instances need a ``_cache`` dict; the cached value cannot be reassigned.
    """

    @property
    def __doc__(self) -> str | None:  # type: ignore[override]
        return self.wrapped.__doc__

    __slots__ = ("name", "wrapped")

    def __init__(self, wrapped: Callable[[Any], _T]) -> None:
        self.wrapped = wrapped
        self.name = wrapped.__name__

    @overload
    def __get__(self, inst: None, owner: type[Any] | None = None) -> reify[_T]: ...

    @overload
    def __get__(self, inst: object, owner: type[Any] | None = None) -> _T: ...

    def __get__(self, inst: object | None, owner: type[Any] | None = None) -> _T | reify[_T]:
        if inst is None:
            return self
        cache: dict[str, Any] = inst._cache  # type: ignore[attr-defined]
        # A lookup with a default: the first access must not raise and catch
        # KeyError (about 0.6 µs, paid per request for each reified property).
        val = cache.get(self.name, sentinel)
        if val is sentinel:
            val = cache[self.name] = self.wrapped(inst)
        return val  # type: ignore[no-any-return]

    def __set__(self, inst: object, value: _T) -> None:
        raise AttributeError("reified property is read-only")


class ChainMapProxy(Mapping[str | Any, Any]):
    """A read-only view over several mappings; the first one holding a key wins."""

    __slots__ = ("_maps",)

    def __init__(self, maps: Iterable[Mapping[Any, Any]]) -> None:
        self._maps = tuple(maps)

    def __init_subclass__(cls) -> None:
        raise TypeError(f"Inheritance class {cls.__name__} from ChainMapProxy is forbidden")

    def __getitem__(self, key: Any) -> Any:
        for mapping in self._maps:
            try:
                return mapping[key]
            except KeyError:
                pass
        raise KeyError(key)

    def get(self, key: Any, default: Any = None) -> Any:
        try:
            return self[key]
        except KeyError:
            return default

    def __len__(self) -> int:
        return len(set().union(*self._maps))

    def __iter__(self) -> Iterator[Any]:
        seen: dict[Any, None] = {}
        for mapping in reversed(self._maps):
            seen.update(dict.fromkeys(mapping))
        return iter(seen)

    def __contains__(self, key: object) -> bool:
        return any(key in m for m in self._maps)

    def __bool__(self) -> bool:
        return any(self._maps)

    def __repr__(self) -> str:
        return f"ChainMapProxy({', '.join(map(repr, self._maps))})"


def set_result(fut: asyncio.Future[_T], result: _T) -> None:
    """Resolve ``fut`` unless it is already done."""
    if not fut.done():
        fut.set_result(result)


_EXC_SENTINEL = BaseException()


def set_exception(
    fut: asyncio.Future[Any], exc: BaseException, exc_cause: BaseException = _EXC_SENTINEL
) -> None:
    """Fail ``fut`` with ``exc`` (chained to ``exc_cause``) unless it is already done."""
    if fut.done():
        return
    if exc_cause is not _EXC_SENTINEL:
        exc.__cause__ = exc_cause
    fut.set_exception(exc)


class BaseTimerContext:
    """Interface of the read timers a :class:`StreamReader` enters around waits."""

    __slots__ = ()

    def assert_timeout(self) -> None:
        """Raise ``TimeoutError`` if the timer already fired."""

    def __enter__(self) -> BaseTimerContext:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> bool | None:
        return None


class TimerNoop(BaseTimerContext):
    """A timer that never fires."""

    __slots__ = ()


class TimerContext(BaseTimerContext):
    """Cancels the tasks inside it when :meth:`timeout` is called.

    Leaving the context after such a cancellation raises ``TimeoutError``
    instead of ``CancelledError``; entering it after it fired raises at once.
    """

    __slots__ = ("_cancelled", "_cancelling", "_loop", "_tasks")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._tasks: list[asyncio.Task[Any]] = []
        self._cancelled = False
        self._cancelling = 0

    def assert_timeout(self) -> None:
        if self._cancelled:
            raise asyncio.TimeoutError from None

    def __enter__(self) -> BaseTimerContext:
        task = asyncio.current_task(loop=self._loop)
        if task is None:
            raise RuntimeError("Timeout context manager should be used inside a task")
        if self._cancelled:
            raise asyncio.TimeoutError from None
        self._cancelling = _cancelling(task)
        self._tasks.append(task)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> bool | None:
        task = self._tasks.pop() if self._tasks else None
        if exc_type is asyncio.CancelledError and self._cancelled:
            if task is not None and _uncancel(task) > self._cancelling:
                return None  # also cancelled from outside: let that win
            raise asyncio.TimeoutError from exc_val
        return None

    def timeout(self) -> None:
        """Fire: cancel every task currently inside the context."""
        if not self._cancelled:
            for task in set(self._tasks):
                task.cancel()
            self._cancelled = True


def _cancelling(task: asyncio.Task[Any]) -> int:
    """Pending cancellation requests of ``task`` (always 0 before Python 3.11)."""
    func: Callable[[], int] | None = getattr(task, "cancelling", None)
    return func() if func is not None else 0


def _uncancel(task: asyncio.Task[Any]) -> int:
    """Withdraw one cancellation request of ``task`` (a no-op before Python 3.11)."""
    func: Callable[[], int] | None = getattr(task, "uncancel", None)
    return func() if func is not None else 0


class _Timeout:
    """``async with`` deadline: cancels the task at ``when`` and raises ``TimeoutError``.

    Works on every supported Python (``asyncio.timeout`` needs 3.11).
    """

    __slots__ = ("_cancelling", "_fired", "_handle", "_task", "_when")

    def __init__(self, when: float | None) -> None:
        self._when = when
        self._handle: asyncio.TimerHandle | None = None
        self._task: asyncio.Task[Any] | None = None
        self._fired = False
        self._cancelling = 0

    async def __aenter__(self) -> _Timeout:
        if self._when is not None:
            task = asyncio.current_task()
            if task is None:
                raise RuntimeError("Timeout context manager should be used inside a task")
            self._task = task
            self._cancelling = _cancelling(task)
            self._handle = task.get_loop().call_at(self._when, self._fire)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> bool | None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
        if (
            self._fired
            and self._task is not None
            and _uncancel(self._task) <= self._cancelling
            and exc_type is asyncio.CancelledError
        ):
            raise asyncio.TimeoutError from exc_val
        return None

    def _fire(self) -> None:
        assert self._task is not None
        self._fired = True
        self._handle = None
        self._task.cancel()


def ceil_timeout(delay: float | None, ceil_threshold: float = 5) -> _Timeout:
    """An ``async with`` timeout of ``delay`` seconds (none if ``None`` or <= 0).

    Deadlines further away than ``ceil_threshold`` are rounded up to a whole
    second of the loop clock so that many timers share wake-ups.
    """
    if delay is None or delay <= 0:
        return _Timeout(None)
    loop = asyncio.get_running_loop()
    now = loop.time()
    when = now + delay
    if delay > ceil_threshold:
        when = math.ceil(when)
    return _Timeout(when)
